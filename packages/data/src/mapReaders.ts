import { ConfigError } from './errors.js';
import type { Reader } from './reader.js';
import { checkReader, show } from './validate.js';
import { mapAsync, mapSync, openAll, zipAsync, zipSync } from './zipSources.js';

/**
 * Maps a function over one or more readers read side by side: sample k is `fn(a_k, b_k, ...)`. Stops
 * at the shortest reader, as Paddle's does. `fn` runs in this thread; see `xmapReaders` for workers.
 *
 * @paddle paddle.reader.map_readers
 * @example
 * const scaled = mapReaders(([image, label]) => [image.map((v) => v * 2 - 1), label], mnist.train());
 */
export function mapReaders<A extends unknown[], R>(
  fn: (...args: A) => R,
  ...readers: { [K in keyof A]: Reader<A[K]> }
): Reader<R> {
  if (typeof fn !== 'function') throw new ConfigError(`mapReaders: fn must be a function, got ${show(fn)}`);
  if (readers.length === 0) throw new ConfigError('mapReaders: at least one reader is required, got none');
  readers.forEach((r, i) => checkReader('mapReaders', `readers[${i}]`, r));
  const apply = (values: unknown[]) => fn(...(values as A));
  return () => {
    const { sync, sources } = openAll('mapReaders', readers as Reader<unknown>[]);
    return sync ? mapSync(zipSync('mapReaders', sources, false), apply) : mapAsync(zipAsync('mapReaders', sources, false), apply);
  };
}
