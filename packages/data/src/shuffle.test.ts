import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { toArray } from './reader.js';
import { shuffle } from './shuffle.js';
import { isSyncReader, range, readerKinds, syncReader } from './testing/readers.js';

describe.each(readerKinds)('shuffle (%s source)', (_, make) => {
  it('emits a permutation of the input', async () => {
    const out = await toArray(shuffle(make(range(50)), 100, { seed: 1 }));
    expect(out).not.toEqual(range(50));
    expect([...out].sort((a, b) => a - b)).toEqual(range(50));
  });

  it('shuffles within consecutive buffers of bufSize, the last one partial', async () => {
    const out = await toArray(shuffle(make(range(10)), 4, { seed: 3 }));
    const blocks = [out.slice(0, 4), out.slice(4, 8), out.slice(8)];
    expect(blocks.map((b) => [...b].sort((x, y) => x - y))).toEqual([range(4), [4, 5, 6, 7], [8, 9]]);
  });

  it('is reproducible for a seed, pass by pass, and each pass differs', async () => {
    const a = shuffle(make(range(30)), 30, { seed: 9 });
    const b = shuffle(make(range(30)), 30, { seed: 9 });
    const [a0, a1, b0, b1] = [await toArray(a), await toArray(a), await toArray(b), await toArray(b)];
    expect(a0).toEqual(b0);
    expect(a1).toEqual(b1);
    expect(a0).not.toEqual(a1);
    expect(await toArray(shuffle(make(range(30)), 30, { seed: 10 }))).not.toEqual(a0);
  });
});

describe('shuffle', () => {
  it('keeps a sync pipeline sync', () => {
    expect(isSyncReader(shuffle(syncReader([1]), 2))).toBe(true);
  });

  it('moves each item to every position about equally often', async () => {
    const reader = shuffle(syncReader(range(4)), 4, { seed: 11 });
    const counts = range(4).map(() => new Array(4).fill(0));
    for (let pass = 0; pass < 4000; pass++) (await toArray(reader)).forEach((item, pos) => (counts[item]![pos] += 1));
    for (const row of counts) for (const c of row) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('validates its arguments', () => {
    expect(() => shuffle(syncReader([1]), 0)).toThrow(ConfigError);
    expect(() => shuffle(syncReader([1]), 0)).toThrow(/shuffle: bufSize must be a positive integer, got 0/);
    expect(() => shuffle(syncReader([1]), 2, { seed: 0.5 })).toThrow(/shuffle: seed must be a safe integer, got 0.5/);
    expect(() => shuffle(syncReader([1]), 2, { sede: 1 } as never)).toThrow(/shuffle: unknown option "sede", allowed: seed/);
    expect(() => shuffle('x' as never, 2)).toThrow(/shuffle: reader must be a reader .*got "x"/);
  });
});
