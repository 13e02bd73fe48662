import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from './errors.js';
import { firstn } from './firstn.js';
import { toArray } from './reader.js';
import { asyncReader, range, syncReader, type Probe } from './testing/readers.js';
import { xmapReaders, type Mapper } from './xmapReaders.js';

const fixture = new URL('./testing/threadMapper.mjs', import.meta.url);
const mapper = (exportName: string): Mapper => ({ module: fixture, exportName });

describe('xmapReaders', () => {
  it('runs the mapper in worker threads, all of them used', async () => {
    const out = await toArray(xmapReaders<number, [number, number]>(mapper('tagThread'), syncReader(range(12)), 2, 4, { order: true }));
    expect(out.map(([sq]) => sq)).toEqual(range(12).map((x) => x * x));
    const threads = new Set(out.map(([, tid]) => tid));
    expect(threads.has(threadId)).toBe(false);
    expect(threads.size).toBe(2);
  });

  it('keeps the input order with order: true although results finish out of order', async () => {
    const reader = xmapReaders<number, number>(mapper('slowSquare'), asyncReader(range(10)), 3, 6, { order: true });
    expect(await toArray(reader)).toEqual(range(10).map((x) => x * x));
  });

  it('emits every result once with order: false', async () => {
    const out = await toArray(xmapReaders<number, number>(mapper('slowSquare'), syncReader(range(10)), 3, 6));
    expect(out.sort((a, b) => a - b)).toEqual(range(10).map((x) => x * x));
  });

  it('keeps at most bufferSize samples in flight', async () => {
    const probe: Probe = { pulled: 0, closed: 0 };
    let emitted = 0;
    for await (const _ of xmapReaders(mapper('asyncDouble'), syncReader(range(20), probe), 2, 3)()) {
      expect(probe.pulled).toBeLessThanOrEqual(emitted + 3);
      emitted += 1;
    }
    expect(emitted).toBe(20);
  });

  it('loads the default export when no exportName is given, from a path', async () => {
    const reader = xmapReaders<number, number>({ module: fixture.pathname }, syncReader([1, 2]), 1, 2, { order: true });
    expect(await toArray(reader)).toEqual([-1, -2]);
  });

  it('loads a TypeScript mapper module through tsx in each worker', async () => {
    const ts: Mapper = { module: new URL('./testing/tsMapper.ts', import.meta.url), exportName: 'tokens' };
    const out = await toArray(xmapReaders(ts, syncReader(['Subject: Free CASH\n\n<b>now</b>', 'Subject: hi\n\nthere']), 2, 2, { order: true }));
    expect(out).toEqual([['free', 'cash', 'now'], ['hi', 'there']]);
  });

  it('takes a function source, which may require node modules', async () => {
    const source = "(x) => [x + 1, require('node:worker_threads').isMainThread]";
    const out = await toArray(xmapReaders({ source }, syncReader([1, 2, 3]), 2, 2, { order: true }));
    expect(out).toEqual([
      [2, false],
      [3, false],
      [4, false],
    ]);
  });

  it('carries typed arrays across threads', async () => {
    const source = '(a) => a.map((v) => v * 2)';
    const out = await toArray(xmapReaders({ source }, syncReader([new Float32Array([1, 2.5])]), 1, 1));
    expect(out).toEqual([new Float32Array([2, 5])]);
  });

  it('reports a sample that cannot be sent to a thread', async () => {
    const reader = xmapReaders({ source: '(x) => x' }, syncReader([1, () => 2]), 1, 2);
    await expect(toArray(reader)).rejects.toThrow(/xmapReaders: sample 1 cannot be sent to a worker: .*could not be cloned/);
  });

  it('closes the source when the consumer stops early', async () => {
    const probe: Probe = { pulled: 0, closed: 0 };
    const out = await toArray(firstn(xmapReaders(mapper('tagThread'), syncReader(range(100), probe), 2, 4, { order: true }), 3));
    expect(out).toHaveLength(3);
    expect(probe.closed).toBe(1);
  });

  it('stops with a DataError naming the sample when the mapper throws', async () => {
    const reader = xmapReaders(mapper('failOn3'), syncReader(range(8)), 2, 2, { order: true });
    await expect(toArray(reader)).rejects.toThrow(DataError);
    await expect(toArray(reader)).rejects.toThrow(/xmapReaders: the mapper threw on sample 3: boom on 3/);
  });

  it('reports a mapper that cannot be loaded', async () => {
    await expect(toArray(xmapReaders(mapper('nope'), syncReader([1]), 1, 1))).rejects.toThrow(
      /xmapReaders: could not load the mapper: module file:.*threadMapper\.mjs has no function export "nope" \(its exports: .*tagThread/,
    );
    await expect(toArray(xmapReaders({ source: '(x) =>' }, syncReader([1]), 1, 1))).rejects.toThrow(
      /xmapReaders: could not load the mapper: .*Unexpected/,
    );
    await expect(toArray(xmapReaders({ source: '42' }, syncReader([1]), 1, 1))).rejects.toThrow(
      /could not load the mapper: the source evaluated to number, not a function/,
    );
  });

  it('validates its arguments at the call', () => {
    const r = syncReader([1]);
    expect(() => xmapReaders({ module: '/no/such/mapper.js' }, r, 1, 1)).toThrow(ConfigError);
    expect(() => xmapReaders({ module: '/no/such/mapper.js' }, r, 1, 1)).toThrow(
      /xmapReaders: mapper.module file not found: \/no\/such\/mapper.js/,
    );
    expect(() => xmapReaders((() => 1) as never, r, 1, 1)).toThrow(/xmapReaders: mapper must be \{ module: path or URL/);
    expect(() => xmapReaders({ source: 'x => x' }, r, 0, 1)).toThrow(/xmapReaders: processNum must be a positive integer, got 0/);
    expect(() => xmapReaders({ source: 'x => x' }, r, 1, 2.5)).toThrow(/xmapReaders: bufferSize must be a positive integer, got 2.5/);
    expect(() => xmapReaders({ source: 'x => x' }, r, 1, 1, { order: 'yes' } as never)).toThrow(
      /xmapReaders: order must be a boolean, got "yes"/,
    );
  });
});
