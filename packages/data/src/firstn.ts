import { pipe } from './pipe.js';
import type { Reader } from './reader.js';
import { checkNonNegativeInt, checkReader } from './validate.js';

/**
 * Limits a reader to its first `n` samples; the source is not read past the n-th sample.
 *
 * @paddle paddle.reader.firstn
 * @example
 * const small = firstn(fashionMnist.train(), 1000);
 */
export function firstn<T>(reader: Reader<T>, n: number): Reader<T> {
  checkReader('firstn', 'reader', reader);
  checkNonNegativeInt('firstn', 'n', n);
  return pipe('firstn', reader, () => {
    let count = 0;
    return {
      get done() {
        return count >= n;
      },
      push(item: T): T[] {
        count += 1;
        return [item];
      },
      end: () => [],
    };
  });
}
