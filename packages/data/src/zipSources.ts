// Opening several readers at once and walking them side by side (internal).
import { DataError } from './errors.js';
import { asAsync, closeQuietly, openReader, type Reader, type Source } from './reader.js';

/** Opens every reader (as Paddle does, all at the start of a pass); `sync` when all of them are. */
export function openAll(fn: string, readers: readonly Reader<unknown>[]): { sync: boolean; sources: Source<unknown>[] } {
  const sources = readers.map((r) => openReader(fn, r));
  return { sync: sources.every((s) => s.sync), sources };
}

function misaligned(fn: string, done: boolean[], count: number): DataError {
  const ended = done.flatMap((d, i) => (d ? [i] : []));
  const going = done.flatMap((d, i) => (d ? [] : [i]));
  return new DataError(
    `${fn}: readers are not aligned: reader(s) ${ended.join(', ')} ended after ${count} samples ` +
      `while reader(s) ${going.join(', ')} had more (pass checkAlignment: false to stop at the shortest)`,
  );
}

/** Yields one array per step holding the next value of each source; stops at the first source to end. */
export function* zipSync(fn: string, sources: Source<unknown>[], checkAlignment: boolean): Generator<unknown[]> {
  const its = sources.map((s) => s.iterator as Iterator<unknown>);
  let finished = false;
  try {
    for (let count = 0; ; count++) {
      const results = its.map((it) => it.next());
      const done = results.map((r) => r.done === true);
      if (done.some(Boolean)) {
        finished = done.every(Boolean);
        if (checkAlignment && !finished) throw misaligned(fn, done, count);
        return;
      }
      yield results.map((r) => r.value);
    }
  } finally {
    if (!finished) for (const it of its) it.return?.();
  }
}

/** The async form of {@link zipSync}; sync sources are awaited item by item. */
export async function* zipAsync(fn: string, sources: Source<unknown>[], checkAlignment: boolean): AsyncGenerator<unknown[]> {
  const its = sources.map(asAsync);
  let finished = false;
  try {
    for (let count = 0; ; count++) {
      const results = await Promise.all(its.map((it) => it.next()));
      const done = results.map((r) => r.done === true);
      if (done.some(Boolean)) {
        finished = done.every(Boolean);
        if (checkAlignment && !finished) throw misaligned(fn, done, count);
        return;
      }
      yield results.map((r) => r.value);
    }
  } finally {
    if (!finished) await Promise.all(its.map(closeQuietly));
  }
}

/** Applies `fn` to each item. */
export function* mapSync<A, B>(items: Iterable<A>, fn: (a: A) => B): Generator<B> {
  for (const item of items) yield fn(item);
}

/** Applies `fn` to each item of an async iterable. */
export async function* mapAsync<A, B>(items: AsyncIterable<A>, fn: (a: A) => B): AsyncGenerator<B> {
  for await (const item of items) yield fn(item);
}
