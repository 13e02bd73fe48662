import { asAsync, closeQuietly, openReader, type Reader } from './reader.js';
import { checkPositiveInt, checkReader } from './validate.js';

/**
 * Reads ahead: a producer pulls from `reader` while the consumer works, keeping up to `size` samples
 * waiting. The result is always asynchronous. An error of the source reaches the consumer after the
 * samples read before it. Prefetching starts at the first `next()`.
 *
 * @paddle paddle.reader.buffered
 * @example
 * const prefetched = buffered(xmapReaders(decoder, files, 2, 64), 128);
 */
export function buffered<T>(reader: Reader<T>, size: number): Reader<T> {
  checkReader('buffered', 'reader', reader);
  checkPositiveInt('buffered', 'size', size);
  return () => bufferedPass(asAsync(openReader('buffered', reader)), size);
}

type Entry<T> = { kind: 'value'; value: T } | { kind: 'done' } | { kind: 'error'; error: unknown };

async function* bufferedPass<T>(it: AsyncIterator<T>, size: number): AsyncGenerator<T> {
  const queue: Entry<T>[] = [];
  let stopped = false;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const put = (entry: Entry<T>) => {
    queue.push(entry);
    wakeConsumer?.();
  };
  const produce = async () => {
    try {
      while (!stopped) {
        if (queue.length >= size) {
          await new Promise<void>((resolve) => (wakeProducer = resolve));
          continue;
        }
        const r = await it.next();
        put(r.done ? { kind: 'done' } : { kind: 'value', value: r.value });
        if (r.done) return;
      }
    } catch (error) {
      put({ kind: 'error', error });
    }
  };
  const producer = produce();
  let finished = false;
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wakeConsumer = resolve));
      const entry = queue.shift()!;
      wakeProducer?.();
      if (entry.kind !== 'value') {
        finished = true;
        if (entry.kind === 'error') throw entry.error;
        return;
      }
      yield entry.value;
    }
  } finally {
    stopped = true;
    wakeProducer?.();
    if (!finished) {
      await producer;
      await closeQuietly(it);
    }
  }
}
