import type { Reader } from './reader.js';
import { asAsync, closeQuietly } from './reader.js';
import { checkReader } from './validate.js';
import { openAll } from './zipSources.js';

/**
 * Concatenates readers: all of the first, then all of the second, and so on. With no reader it is empty.
 *
 * @paddle paddle.reader.chain
 * @example
 * const everything = chain(fashionMnist.train(), fashionMnist.test());
 */
export function chain<T>(...readers: Reader<T>[]): Reader<T> {
  readers.forEach((r, i) => checkReader('chain', `readers[${i}]`, r));
  return () => {
    const { sync, sources } = openAll('chain', readers);
    const its = sources.map((s) => s.iterator);
    return sync ? chainSync(its as Iterator<T>[]) : chainAsync(sources.map(asAsync) as AsyncIterator<T>[]);
  };
}

function* chainSync<T>(its: Iterator<T>[]): Generator<T> {
  let i = 0;
  try {
    for (; i < its.length; i++) {
      const it = its[i]!;
      for (let r = it.next(); !r.done; r = it.next()) yield r.value;
    }
  } finally {
    for (; i < its.length; i++) its[i]!.return?.();
  }
}

async function* chainAsync<T>(its: AsyncIterator<T>[]): AsyncGenerator<T> {
  let i = 0;
  try {
    for (; i < its.length; i++) {
      const it = its[i]!;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    }
  } finally {
    for (; i < its.length; i++) await closeQuietly(its[i]!);
  }
}
