import { pipe } from './pipe.js';
import type { Reader } from './reader.js';
import { checkBoolean, checkOptions, checkPositiveInt, checkReader } from './validate.js';

/** Options of {@link batch}. */
export interface BatchOptions {
  /** Drop the last batch when it has fewer than `batchSize` samples (default false). */
  dropLast?: boolean;
}

/**
 * Groups samples into arrays of `batchSize` (the last one may be shorter unless `dropLast`).
 *
 * @paddle paddle.batch
 * @example
 * const batches = batch(shuffle(mnist.train(), 8192), 128, { dropLast: true });
 */
export function batch<T>(reader: Reader<T>, batchSize: number, options?: BatchOptions): Reader<T[]> {
  checkReader('batch', 'reader', reader);
  checkPositiveInt('batch', 'batchSize', batchSize);
  const dropLast = checkBoolean('batch', 'dropLast', checkOptions('batch', options, ['dropLast']).dropLast ?? false);
  return pipe('batch', reader, () => {
    let current: T[] = [];
    return {
      done: false,
      push(item: T): T[][] {
        current.push(item);
        if (current.length < batchSize) return [];
        const full = current;
        current = [];
        return [full];
      },
      end: () => (current.length > 0 && !dropLast ? [current] : []),
    };
  });
}
