import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { mapReaders } from './mapReaders.js';
import { toArray } from './reader.js';
import { asyncReader, isSyncReader, syncReader } from './testing/readers.js';

describe('mapReaders', () => {
  it('maps one reader', async () => {
    expect(await toArray(mapReaders((x: number) => x * 10, syncReader([1, 2, 3])))).toEqual([10, 20, 30]);
  });

  it('maps readers side by side, stopping at the shortest', async () => {
    const sums = mapReaders((a: number, b: number) => a + b, syncReader([1, 2, 3]), asyncReader([10, 20]));
    expect(await toArray(sums)).toEqual([11, 22]);
  });

  it('keeps a sync pipeline sync', () => {
    expect(isSyncReader(mapReaders((x: number) => x, syncReader([1])))).toBe(true);
    expect(isSyncReader(mapReaders((x: number) => x, asyncReader([1])))).toBe(false);
  });

  it('validates its arguments', () => {
    expect(() => mapReaders(3 as never, syncReader([1]))).toThrow(ConfigError);
    expect(() => mapReaders(3 as never, syncReader([1]))).toThrow(/mapReaders: fn must be a function, got 3/);
    expect(() => (mapReaders as (...args: unknown[]) => unknown)((x: number) => x)).toThrow(/mapReaders: at least one reader is required/);
  });
});
