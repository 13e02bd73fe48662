// Sharding and task chunks: one mechanism. A pass of a reader is cut into numbered chunks of
// `chunkSize` consecutive samples (chunk k holds samples k*chunkSize .. (k+1)*chunkSize - 1); a
// selection of chunk ids picks which ones a trainer reads. `shard` deals chunks round-robin,
// `taskReader` reads chunk ids a master handed out, and a chunk file (chunkFileReader.ts) seeks to the
// same chunk ids directly.
import { ConfigError } from './errors.js';
import { pipe } from './pipe.js';
import type { Reader } from './reader.js';
import { checkOptions, checkPositiveInt, checkReader, show } from './validate.js';

/**
 * Which chunks of a pass to read: the shard `index` of `count` (chunk k is read when
 * `k % count === index`), or the listed `taskIds`.
 */
export type ChunkSelection = { index: number; count: number } | { taskIds: readonly number[] };

/** Options of {@link shard}. */
export interface ShardOptions {
  /** Samples per chunk dealt round-robin (default 1: shard i takes the samples whose index % n === i). */
  chunkSize?: number;
}

/** A numbered chunk of a pass: `samples` are samples `id * chunkSize` onwards. */
export interface Chunk<T> {
  id: number;
  samples: T[];
}

/**
 * Shard `index` of `count` of a reader, for data-parallel trainers: chunks of `chunkSize` consecutive
 * samples are dealt round-robin, chunk k to shard `k % count`. With the default `chunkSize` 1, shard i
 * takes the samples whose position in the pass is `i` mod `count`. The `count` shards of a pass
 * together yield every sample exactly once, whatever the number of samples, each in reading order.
 * Deterministic: it depends only on the positions of the samples, so a shuffle must come after it
 * (or be seeded identically on every trainer). A sync reader stays sync. This is Paddle's rule for
 * the files written by `split`: file k goes to the trainer with `k % trainer_count == trainer_id`.
 *
 * @paddle paddle.v2.dataset.common.cluster_files_reader
 * @example
 * const mine = batch(shuffle(shard(fashionMnist.train(), trainerId, trainerCount), 8192), 128);
 */
export function shard<T>(reader: Reader<T>, index: number, count: number, options?: ShardOptions): Reader<T> {
  checkReader('shard', 'reader', reader);
  checkPositiveInt('shard', 'count', count);
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new ConfigError(`shard: index must be an integer in 0..${count - 1} (count is ${count}), got ${show(index)}`);
  }
  const chunkSize = checkPositiveInt('shard', 'chunkSize', checkOptions('shard', options, ['chunkSize']).chunkSize ?? 1);
  return selectChunks('shard', reader, chunkSize, { index, count });
}

/**
 * The samples of the chunks `taskIds` (chunk k = samples `k*chunkSize` to `(k+1)*chunkSize - 1`), as a
 * master deals tasks to trainers. Chunks come in reading order whatever the order of `taskIds`, and the
 * source is not read past the last chunk asked for. To read one task quickly from a large dataset,
 * convert it once with `convertToChunkFile` (same chunk ids) and read it with `chunkFileReader`.
 *
 * @paddle paddle.v2.master.client (task chunks of the Go master)
 * @example
 * const task = taskReader(cmudict.train(), [7, 8], 1000); // samples 7000..8999
 */
export function taskReader<T>(reader: Reader<T>, taskIds: readonly number[], chunkSize: number): Reader<T> {
  checkReader('taskReader', 'reader', reader);
  checkTaskIds('taskReader', taskIds);
  checkPositiveInt('taskReader', 'chunkSize', chunkSize);
  return selectChunks('taskReader', reader, chunkSize, { taskIds });
}

/**
 * Cuts a pass into numbered chunks of `chunkSize` samples (the last may be shorter): what a master
 * counts and deals, and what `convertToChunkFile` stores one per file chunk.
 *
 * @paddle paddle.v2.dataset.common.split (which writes each chunk of line_count samples to a file)
 * @example
 * for await (const { id, samples } of chunks(spamAssassin.ids('train', { dict }), 500)()) { ... }
 */
export function chunks<T>(reader: Reader<T>, chunkSize: number): Reader<Chunk<T>> {
  checkReader('chunks', 'reader', reader);
  checkPositiveInt('chunks', 'chunkSize', chunkSize);
  return pipe('chunks', reader, () => {
    let current: T[] = [];
    let id = 0;
    const flush = (): Chunk<T>[] => {
      const out = { id: id++, samples: current };
      current = [];
      return [out];
    };
    return {
      done: false,
      push: (item: T) => (current.push(item), current.length === chunkSize ? flush() : []),
      end: () => (current.length > 0 ? flush() : []),
    };
  });
}

/** A predicate over chunk ids and the last id it can accept (Infinity for a shard); internal. */
export function chunkFilter(fn: string, selection: ChunkSelection): { keep: (id: number) => boolean; last: number } {
  if ('taskIds' in selection) {
    const ids = new Set(checkTaskIds(fn, selection.taskIds));
    return { keep: (id) => ids.has(id), last: ids.size === 0 ? -1 : Math.max(...ids) };
  }
  const { index, count } = selection;
  return { keep: (id) => id % count === index, last: Infinity };
}

function selectChunks<T>(fn: string, reader: Reader<T>, chunkSize: number, selection: ChunkSelection): Reader<T> {
  const { keep, last } = chunkFilter(fn, selection);
  return pipe(fn, reader, () => {
    let position = 0;
    return {
      get done() {
        return Math.floor(position / chunkSize) > last;
      },
      push(item: T): T[] {
        const id = Math.floor(position / chunkSize);
        position += 1;
        return keep(id) ? [item] : [];
      },
      end: () => [],
    };
  });
}

function checkTaskIds(fn: string, taskIds: unknown): readonly number[] {
  if (!Array.isArray(taskIds)) {
    throw new ConfigError(`${fn}: taskIds must be an array of non-negative integer chunk ids, got ${show(taskIds)}`);
  }
  const bad = taskIds.findIndex((t) => typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0);
  if (bad >= 0) {
    throw new ConfigError(`${fn}: taskIds[${bad}] must be a non-negative integer chunk id, got ${show(taskIds[bad])}`);
  }
  return taskIds as readonly number[];
}
