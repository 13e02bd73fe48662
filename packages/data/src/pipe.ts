// One-input decorators written once for both sync and async sources (internal).
import { openReader, type Reader } from './reader.js';

/**
 * A per-pass transformation: `push` takes one input and returns what to emit now, `end` what to emit
 * after the last input. Once `done` is true no more input is pulled from the source.
 */
export interface Stage<I, O> {
  push(item: I): Iterable<O>;
  end(): Iterable<O>;
  readonly done: boolean;
}

/** Builds a reader that runs a fresh stage over each pass of `reader`, sync if the source is sync. */
export function pipe<I, O>(fn: string, reader: Reader<I>, makeStage: () => Stage<I, O>): Reader<O> {
  return () => {
    const stage = makeStage();
    if (stage.done) return stage.end();
    const source = openReader(fn, reader);
    return source.sync ? runSync(source.iterator, stage) : runAsync(source.iterator, stage);
  };
}

function* runSync<I, O>(it: Iterator<I>, stage: Stage<I, O>): Generator<O> {
  const iterable: Iterable<I> = { [Symbol.iterator]: () => it };
  for (const item of iterable) {
    yield* stage.push(item);
    if (stage.done) break;
  }
  yield* stage.end();
}

async function* runAsync<I, O>(it: AsyncIterator<I>, stage: Stage<I, O>): AsyncGenerator<O> {
  const iterable: AsyncIterable<I> = { [Symbol.asyncIterator]: () => it };
  for await (const item of iterable) {
    yield* stage.push(item);
    if (stage.done) break;
  }
  yield* stage.end();
}
