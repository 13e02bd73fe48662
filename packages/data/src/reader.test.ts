import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from './errors.js';
import { toArray, type Reader } from './reader.js';
import { asyncReader, syncReader } from './testing/readers.js';

describe('toArray', () => {
  it('reads one pass of a sync or an async reader', async () => {
    expect(await toArray(syncReader([1, 2, 3]))).toEqual([1, 2, 3]);
    expect(await toArray(asyncReader(['a', 'b']))).toEqual(['a', 'b']);
  });

  it('reads a fresh pass on every call', async () => {
    const reader = syncReader([4, 5]);
    expect(await toArray(reader)).toEqual(await toArray(reader));
  });

  it('accepts a reader returning a plain array', async () => {
    expect(await toArray(() => [7, 8])).toEqual([7, 8]);
  });

  it('rejects a reader that returns no iterable', async () => {
    await expect(toArray((() => 42) as unknown as Reader<number>)).rejects.toThrow(DataError);
    await expect(toArray((() => 42) as unknown as Reader<number>)).rejects.toThrow(
      /toArray: a reader must return an iterable or async iterable, got 42/,
    );
  });

  it('rejects a reader that is not a function', async () => {
    await expect(toArray([1, 2] as unknown as Reader<number>)).rejects.toThrow(ConfigError);
    await expect(toArray([1, 2] as unknown as Reader<number>)).rejects.toThrow(
      /toArray: reader must be a reader \(a function returning an iterator\), got array of length 2/,
    );
  });
});
