import { DataError } from './errors.js';
import { checkReader, show } from './validate.js';

/**
 * A reader: a zero-argument function that returns a fresh iterator over samples each time it is called
 * (one call = one pass). The iterator may be synchronous or asynchronous; every decorator here accepts
 * both, keeps a synchronous pipeline synchronous where it can, and consumers read either with
 * `for await (const sample of reader())`.
 *
 * @paddle paddle.reader (a "reader creator" in Paddle's words)
 * @example
 * const numbers: Reader<number> = function* () { yield* [1, 2, 3]; };
 */
export type Reader<T> = () => Iterable<T> | AsyncIterable<T>;

/** The sample type of a reader. */
export type SampleOf<R> = R extends Reader<infer T> ? T : never;

/** An opened pass of a reader: its iterator, tagged sync or async. */
export type Source<T> = { sync: true; iterator: Iterator<T> } | { sync: false; iterator: AsyncIterator<T> };

/** Calls `reader` and checks that it returned an iterable (internal). */
export function openReader<T>(fn: string, reader: Reader<T>): Source<T> {
  const result: unknown = reader();
  if (result !== null && (typeof result === 'object' || typeof result === 'string')) {
    const r = result as Partial<Iterable<T> & AsyncIterable<T>>;
    if (typeof r[Symbol.iterator] === 'function') return { sync: true, iterator: r[Symbol.iterator]!() };
    if (typeof r[Symbol.asyncIterator] === 'function') {
      return { sync: false, iterator: r[Symbol.asyncIterator]!() };
    }
  }
  throw new DataError(`${fn}: a reader must return an iterable or async iterable, got ${show(result)}`);
}

/** Wraps an opened source as an async iterator (a sync one is awaited item by item). */
export function asAsync<T>(source: Source<T>): AsyncIterator<T> {
  if (!source.sync) return source.iterator;
  const it = source.iterator;
  return {
    next: async () => it.next(),
    return: async (value?: unknown) => (it.return ? it.return(value) : { done: true, value: undefined }),
  };
}

/** Finishes an iterator early (runs its `finally` blocks); errors on closing are ignored. */
export async function closeQuietly(it: Iterator<unknown> | AsyncIterator<unknown>): Promise<void> {
  try {
    await it.return?.();
  } catch {
    // The pass is being abandoned; a failure to clean up must not hide the error that caused it.
  }
}

/**
 * Reads one whole pass of a reader into an array (for tests and small data).
 *
 * @example
 * await toArray(batch(function* () { yield* [1, 2, 3]; }, 2)); // [[1, 2], [3]]
 */
export async function toArray<T>(reader: Reader<T>): Promise<T[]> {
  checkReader('toArray', 'reader', reader);
  const source = openReader('toArray', reader);
  const out: T[] = [];
  if (source.sync) {
    for (let r = source.iterator.next(); !r.done; r = source.iterator.next()) out.push(r.value);
  } else {
    for (let r = await source.iterator.next(); !r.done; r = await source.iterator.next()) out.push(r.value);
  }
  return out;
}
