import { chunks, type Chunk, type Reader } from '@oar/data';
import { DataError } from '../errors.js';
import type { RemoteUpdater } from './RemoteUpdater.js';
import type { BatchReader } from './SGD.js';

export interface TaskBatchesOptions<T> {
  /** Pass p's samples in the order every trainer reads them (shuffled with a seed of p, say). */
  passReader: (pass: number) => Reader<T>;
  /** Samples in a pass (every trainer must count the same). */
  numSamples: number;
  /** Samples per task: chunk k of a pass is samples k·taskSize onwards. */
  taskSize: number;
  batchSize: number;
  /** The pass of the reader's first call (SGD.train calls it once per pass). Default 0. */
  firstPass?: number;
}

/**
 * Batches from the tasks the master (pserver 0) deals: for each pass, asks for a task (a chunk id of
 * `@oar/data`'s `chunks`), reads that chunk of the pass, yields it in batches, and asks again until the pass
 * is over. The push of a task's last batch completes the task; a task this trainer holds when it dies is
 * dealt to another, so every chunk is trained once per pass. A task of one batch (taskSize = batchSize,
 * the CLI's default) is never trained twice; a longer one that a trainer dies in the middle of is redone whole.
 * @paddle paddle.v2.master.client (the trainer's side of the Go master's task queue)
 * @example
 * const reader = taskBatches(remote, { passReader: (p) => shuffle(train, 8192, { seed: 1 + p }), numSamples, taskSize: 64, batchSize: 64 });
 * await sgd.train({ reader, numPasses: 3 });
 */
export function taskBatches<T>(updater: RemoteUpdater, options: TaskBatchesOptions<T>): BatchReader {
  const { numSamples, taskSize, batchSize } = options;
  for (const [name, value] of [['numSamples', numSamples], ['taskSize', taskSize], ['batchSize', batchSize]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new DataError(`taskBatches: ${name} must be a positive integer, got ${String(value)}`);
  }
  const numTasks = Math.ceil(numSamples / taskSize);
  let pass = options.firstPass ?? 0;
  return () => run(pass++);

  async function* run(p: number): AsyncGenerator<T[]> {
    const cursor = new ChunkCursor(() => chunks(options.passReader(p), taskSize)());
    try {
      for (;;) {
        const task = await updater.nextTask(p, numTasks);
        if (task < 0) return;
        const samples = await cursor.get(task, numTasks);
        for (let i = 0; i < samples.length; i += batchSize) {
          if (i + batchSize >= samples.length) updater.completesTask(task, samples.length);
          yield samples.slice(i, i + batchSize);
        }
      }
    } finally {
      await cursor.close();
    }
  }
}

/** Samples in one pass of a reader. */
export async function countSamples(reader: Reader<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of reader()) n++;
  return n;
}

/**
 * Reads the chunks of one pass in order, skipping to the one asked for; a chunk behind the cursor (a task
 * dealt again) reopens the pass.
 */
class ChunkCursor<T> {
  #it: Iterator<Chunk<T>> | AsyncIterator<Chunk<T>> | undefined;
  #next = 0;

  constructor(private readonly open: () => Iterable<Chunk<T>> | AsyncIterable<Chunk<T>>) {}

  async get(id: number, numTasks: number): Promise<T[]> {
    if (!this.#it || id < this.#next) {
      await this.close();
      const pass = this.open();
      this.#it = Symbol.asyncIterator in pass ? pass[Symbol.asyncIterator]() : pass[Symbol.iterator]();
      this.#next = 0;
    }
    for (;;) {
      const r = await this.#it.next();
      if (r.done) {
        throw new DataError(`task ${id} is past the end of this trainer's data (${this.#next} chunks, the master counts ${numTasks}); every trainer must read the same training data`);
      }
      this.#next = r.value.id + 1;
      if (r.value.id === id) return r.value.samples;
    }
  }

  async close(): Promise<void> {
    await this.#it?.return?.();
    this.#it = undefined;
  }
}
