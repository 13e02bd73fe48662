import { createRng, shuffleInPlace } from './createRng.js';
import { fnv1a32 } from './fnv1a32.js';
import { pipe } from './pipe.js';
import type { Reader } from './reader.js';
import { ConfigError } from './errors.js';
import { checkOptions, checkPositiveInt, checkReader, show } from './validate.js';

/** Options of {@link shuffle}. */
export interface ShuffleOptions {
  /**
   * Seed of the shuffling; with a seed, pass k of the shuffled reader is the same on every run (each
   * pass still differs from the previous one). Without it, each pass draws a random seed.
   */
  seed?: number;
}

/**
 * Shuffles within a sliding buffer: reads `bufSize` samples, shuffles them, emits them all, and goes
 * on; the last partial buffer is shuffled too. A `bufSize` at least the data size is a full shuffle.
 *
 * @paddle paddle.reader.shuffle
 * @example
 * const shuffled = shuffle(mnist.train(), 8192, { seed: 1 });
 */
export function shuffle<T>(reader: Reader<T>, bufSize: number, options?: ShuffleOptions): Reader<T> {
  checkReader('shuffle', 'reader', reader);
  checkPositiveInt('shuffle', 'bufSize', bufSize);
  const { seed } = checkOptions('shuffle', options, ['seed']);
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed))) {
    throw new ConfigError(`shuffle: seed must be a safe integer, got ${show(seed)}`);
  }
  let pass = 0; // per decorated reader, so successive passes (epochs) get different orders
  return pipe('shuffle', reader, () => {
    const passSeed = seed === undefined ? Math.floor(Math.random() * 2 ** 52) : fnv1a32(`${seed}/${pass}`);
    pass += 1;
    const rng = createRng(passSeed);
    let buf: T[] = [];
    return {
      done: false,
      push(item: T): T[] {
        buf.push(item);
        if (buf.length < bufSize) return [];
        const out = shuffleInPlace(buf, rng);
        buf = [];
        return out;
      },
      end: () => shuffleInPlace(buf, rng),
    };
  });
}
