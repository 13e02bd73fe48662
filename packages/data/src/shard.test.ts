import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { fashionMnist, type ImageSample } from './mnist.js';
import { toArray } from './reader.js';
import { chunks, shard, taskReader } from './shard.js';
import { isSyncReader, range, readerKinds, syncReader, type Probe } from './testing/readers.js';

describe.each(readerKinds)('shard (%s source)', (_, make) => {
  it('takes the samples whose index mod n is i', async () => {
    expect(await toArray(shard(make(range(10)), 0, 3))).toEqual([0, 3, 6, 9]);
    expect(await toArray(shard(make(range(10)), 1, 3))).toEqual([1, 4, 7]);
    expect(await toArray(shard(make(range(10)), 2, 3))).toEqual([2, 5, 8]);
  });

  it.each([
    [10, 3, 1],
    [10, 4, 3],
    [7, 7, 1],
    [5, 8, 1],
    [23, 3, 4],
    [0, 2, 1],
    [100, 6, 7],
  ])('a pass over all shards yields every sample once (%i samples, %i shards, chunks of %i)', async (size, n, chunkSize) => {
    const all: number[] = [];
    for (let i = 0; i < n; i++) all.push(...(await toArray(shard(make(range(size)), i, n, { chunkSize }))));
    expect(all.sort((a, b) => a - b)).toEqual(range(size));
  });

  it('deals chunks of chunkSize round-robin', async () => {
    expect(await toArray(shard(make(range(11)), 1, 2, { chunkSize: 3 }))).toEqual([3, 4, 5, 9, 10]);
  });

  it('is the same pass after pass', async () => {
    const reader = shard(make(range(9)), 2, 4);
    expect(await toArray(reader)).toEqual([2, 6]);
    expect(await toArray(reader)).toEqual([2, 6]);
  });
});

describe.each(readerKinds)('taskReader (%s source)', (_, make) => {
  it('reads the listed chunks in reading order and stops after the last one', async () => {
    const probe: Probe = { pulled: 0, closed: 0 };
    expect(await toArray(taskReader(make(range(20), probe), [3, 1], 3))).toEqual([3, 4, 5, 9, 10, 11]);
    expect(probe).toEqual({ pulled: 12, closed: 1 });
  });

  it('yields a short last chunk and nothing for chunks past the end', async () => {
    expect(await toArray(taskReader(make(range(7)), [2, 5], 3))).toEqual([6]);
    expect(await toArray(taskReader(make(range(7)), [], 3))).toEqual([]);
  });

  it('agrees with chunks(): task k is chunk k', async () => {
    const all = await toArray(chunks(make(range(10)), 4));
    expect(all).toEqual([
      { id: 0, samples: [0, 1, 2, 3] },
      { id: 1, samples: [4, 5, 6, 7] },
      { id: 2, samples: [8, 9] },
    ]);
    for (const { id, samples } of all) expect(await toArray(taskReader(make(range(10)), [id], 4))).toEqual(samples);
  });
});

describe('shard, taskReader, chunks', () => {
  it('keep a sync pipeline sync', () => {
    expect(isSyncReader(shard(syncReader([1]), 0, 2))).toBe(true);
    expect(isSyncReader(taskReader(syncReader([1]), [0], 2))).toBe(true);
    expect(isSyncReader(chunks(syncReader([1]), 2))).toBe(true);
  });

  it('validate their arguments', () => {
    const r = syncReader([1]);
    expect(() => shard(r, 2, 2)).toThrow(ConfigError);
    expect(() => shard(r, 2, 2)).toThrow(/shard: index must be an integer in 0\.\.1 \(count is 2\), got 2/);
    expect(() => shard(r, -1, 2)).toThrow(/shard: index must be an integer in 0\.\.1 \(count is 2\), got -1/);
    expect(() => shard(r, 0, 0)).toThrow(/shard: count must be a positive integer, got 0/);
    expect(() => shard(r, 0, 2, { chunkSize: 1.5 })).toThrow(/shard: chunkSize must be a positive integer, got 1\.5/);
    expect(() => shard(r, 0, 2, { size: 2 } as never)).toThrow(/shard: unknown option "size", allowed: chunkSize/);
    expect(() => shard('r' as never, 0, 2)).toThrow(/shard: reader must be a reader/);
    expect(() => taskReader(r, [0, -3], 2)).toThrow(/taskReader: taskIds\[1\] must be a non-negative integer chunk id, got -3/);
    expect(() => taskReader(r, 3 as never, 2)).toThrow(/taskReader: taskIds must be an array of non-negative integer chunk ids, got 3/);
    expect(() => taskReader(r, [0], 0)).toThrow(/taskReader: chunkSize must be a positive integer, got 0/);
    expect(() => chunks(r, 0)).toThrow(/chunks: chunkSize must be a positive integer, got 0/);
  });
});

describe('shard on the real Fashion-MNIST test set (Debian package dataset-fashion-mnist)', () => {
  it('three shards hold the 10,000 images once each', async () => {
    const test = fashionMnist.test(); // parsed once, on the first pass
    const fingerprint = ([image, label]: ImageSample) => `${label}:${image.reduce((a, b) => a + b, 0).toFixed(4)}:${image[400]}`;
    const all = (await toArray(test)).map(fingerprint);
    const shards = [];
    for (let i = 0; i < 3; i++) shards.push((await toArray(shard(test, i, 3, { chunkSize: 64 }))).map(fingerprint));
    expect(shards.map((s) => s.length)).toEqual([52 * 64 + 16, 52 * 64, 52 * 64]); // chunks 0..155 of 64, chunk 156 of 16 goes to shard 0
    expect(shards.flat().sort()).toEqual([...all].sort());
    expect(shards[1]!.slice(0, 64)).toEqual(all.slice(64, 128));
  });
});
