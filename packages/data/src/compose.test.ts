import { describe, expect, it } from 'vitest';
import { compose } from './compose.js';
import { ConfigError, DataError } from './errors.js';
import { toArray } from './reader.js';
import { asyncReader, isSyncReader, syncReader, type Probe } from './testing/readers.js';

describe('compose', () => {
  it('zips readers and flattens tuple outputs one level, as Paddle does', async () => {
    const pairs = syncReader([[1, 'a'], [2, 'b']]);
    const labels = syncReader([10, 20]);
    expect(await toArray(compose(pairs, labels))).toEqual([
      [1, 'a', 10],
      [2, 'b', 20],
    ]);
  });

  it('keeps typed arrays and wrapped number[] as single fields', async () => {
    const images = syncReader([new Float32Array([0.5, 1])]);
    const seqs = syncReader([[[3, 4, 5]]]);
    const [sample] = await toArray(compose(images, seqs));
    expect(sample).toEqual([new Float32Array([0.5, 1]), [3, 4, 5]]);
  });

  it('mixes sync and async readers (the result is async) and keeps all-sync sync', async () => {
    const mixed = compose(syncReader([1, 2]), asyncReader([3, 4]));
    expect(isSyncReader(mixed)).toBe(false);
    expect(await toArray(mixed)).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(isSyncReader(compose(syncReader([1]), syncReader([2])))).toBe(true);
  });

  it.each([
    ['sync', syncReader],
    ['async', asyncReader],
  ] as const)('throws a DataError on readers that are not aligned (%s)', async (_, make) => {
    const composed = compose(make([1, 2, 3]), make([1, 2]));
    await expect(toArray(composed)).rejects.toThrow(DataError);
    await expect(toArray(composed)).rejects.toThrow(
      /compose: readers are not aligned: reader\(s\) 1 ended after 2 samples while reader\(s\) 0 had more/,
    );
  });

  it('stops at the shortest reader without checkAlignment and closes the others', async () => {
    const probe: Probe = { pulled: 0, closed: 0 };
    const composed = compose(syncReader([1, 2, 3], probe), syncReader([7]), { checkAlignment: false });
    expect(await toArray(composed)).toEqual([[1, 7]]);
    expect(probe.closed).toBe(1);
  });

  it('validates its arguments', () => {
    expect(() => compose()).toThrow(ConfigError);
    expect(() => compose()).toThrow(/compose: at least one reader is required/);
    expect(() => compose(syncReader([1]), { checkAlignment: 'yes' } as never)).toThrow(
      /compose: checkAlignment must be a boolean, got "yes"/,
    );
    expect(() => compose(syncReader([1]), 5 as never)).toThrow(/compose: options must be an object, got 5/);
  });
});
