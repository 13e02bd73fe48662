import { asAsync, openReader, type Reader } from './reader.js';
import { checkReader } from './validate.js';

/** A reader that counts how long its consumer waited for samples (see {@link timedReader}). */
export interface TimedReader<T> {
  /** The wrapped reader: the same samples, always asynchronous. */
  reader: Reader<T>;
  /** Milliseconds spent inside `next()` since the start or the last `reset()`, summed over passes. */
  waitMs(): number;
  /** Samples delivered since the start or the last `reset()`. */
  samples(): number;
  /** Sets both counters to zero (e.g. at the start of a pass). */
  reset(): void;
}

/**
 * Measures the time a consumer spends waiting on data: every `next()` of the wrapped reader is timed
 * with `performance.now()`, from the call until the sample (or the end) arrives. With a prefetching
 * source (`buffered`, `xmapReaders`) that keeps up, the wait stays near zero; the trainer can report it
 * per pass.
 *
 * @example
 * const timed = timedReader(buffered(batch(train, 128), 4));
 * for await (const b of timed.reader()) { ... }
 * log({ pass, dataWaitMs: timed.waitMs() }); timed.reset();
 */
export function timedReader<T>(reader: Reader<T>): TimedReader<T> {
  checkReader('timedReader', 'reader', reader);
  let waited = 0;
  let count = 0;
  const timed: Reader<T> = () => {
    const it = asAsync(openReader('timedReader', reader));
    const iterator: AsyncIterator<T> = {
      async next() {
        const start = performance.now();
        try {
          const r = await it.next();
          if (!r.done) count += 1;
          return r;
        } finally {
          waited += performance.now() - start;
        }
      },
      return: async (value?: unknown) => (it.return ? it.return(value) : { done: true, value: undefined }),
    };
    return { [Symbol.asyncIterator]: () => iterator };
  };
  return {
    reader: timed,
    waitMs: () => waited,
    samples: () => count,
    reset: () => {
      waited = 0;
      count = 0;
    },
  };
}
