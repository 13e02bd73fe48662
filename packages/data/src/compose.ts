import { ConfigError } from './errors.js';
import type { Reader } from './reader.js';
import { checkBoolean, checkOptions, checkReader, show } from './validate.js';
import { mapAsync, mapSync, openAll, zipAsync, zipSync } from './zipSources.js';

/** Options of {@link compose}. */
export interface ComposeOptions {
  /** Throw a DataError when the readers do not end together (default true, as in Paddle). */
  checkAlignment?: boolean;
}

/**
 * Zips readers into one whose samples are the readers' outputs side by side, flattened one level as
 * Paddle does with tuples: an output that is an Array counts as a tuple and is spread, anything else
 * (number, typed array, object) is one field. So readers yielding `[a, b]` and `c` give `[a, b, c]`.
 * To keep a plain `number[]` as one field, yield it wrapped (`[[1, 2, 3]]`) or as a typed array.
 * Options may be passed as the last argument.
 *
 * @paddle paddle.reader.compose
 * @example
 * const both = compose(imagesReader, labelsReader, { checkAlignment: true }); // [image, label]
 */
export function compose<T extends unknown[] = unknown[]>(...args: Array<Reader<unknown> | ComposeOptions>): Reader<T> {
  const last = args[args.length - 1];
  const hasOptions = last !== undefined && typeof last !== 'function';
  const readers = (hasOptions ? args.slice(0, -1) : args) as Reader<unknown>[];
  const opts = checkOptions('compose', hasOptions ? last : undefined, ['checkAlignment']);
  const checkAlignment = checkBoolean('compose', 'checkAlignment', opts.checkAlignment ?? true);
  if (readers.length === 0) throw new ConfigError(`compose: at least one reader is required, got ${show(readers)}`);
  readers.forEach((r, i) => checkReader('compose', `readers[${i}]`, r));
  const flatten = (outputs: unknown[]) => outputs.flatMap((o) => (Array.isArray(o) ? o : [o])) as T;
  return () => {
    const { sync, sources } = openAll('compose', readers);
    return sync
      ? mapSync(zipSync('compose', sources, checkAlignment), flatten)
      : mapAsync(zipAsync('compose', sources, checkAlignment), flatten);
  };
}
