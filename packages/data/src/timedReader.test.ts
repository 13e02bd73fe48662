import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { buffered } from './buffered.js';
import { ConfigError } from './errors.js';
import { toArray, type Reader } from './reader.js';
import { range, readerKinds, syncReader } from './testing/readers.js';
import { timedReader } from './timedReader.js';

/** A source that needs `ms` per sample. */
const slow = (n: number, ms: number): Reader<number> =>
  async function* () {
    for (let i = 0; i < n; i++) {
      await sleep(ms);
      yield i;
    }
  };

describe.each(readerKinds)('timedReader (%s source)', (_, make) => {
  it('passes the samples through and counts them', async () => {
    const timed = timedReader(make(range(5)));
    expect(await toArray(timed.reader)).toEqual(range(5));
    expect(await toArray(timed.reader)).toEqual(range(5));
    expect(timed.samples()).toBe(10);
    timed.reset();
    expect(timed.samples()).toBe(0);
    expect(timed.waitMs()).toBe(0);
  });
});

describe('timedReader', () => {
  it('adds up the time spent waiting for a slow source', async () => {
    const timed = timedReader(slow(4, 20));
    await toArray(timed.reader);
    expect(timed.waitMs()).toBeGreaterThanOrEqual(4 * 20 - 5);
    expect(timed.waitMs()).toBeLessThan(4 * 20 + 1000);
  });

  it('shows that buffered hides the source time behind a busy consumer', async () => {
    const direct = timedReader(slow(6, 20));
    const prefetched = timedReader(buffered(slow(6, 20), 6));
    for (const timed of [direct, prefetched]) {
      for await (const _ of timed.reader()) await sleep(40); // the trainer's step
    }
    expect(direct.waitMs()).toBeGreaterThanOrEqual(6 * 20 - 5);
    expect(prefetched.waitMs()).toBeLessThan(direct.waitMs() / 2);
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = 0;
    const source: Reader<number> = function* () {
      try {
        yield* range(10);
      } finally {
        closed += 1;
      }
    };
    for await (const x of timedReader(source).reader()) if (x === 2) break;
    expect(closed).toBe(1);
  });

  it('validates reader', () => {
    expect(() => timedReader(3 as never)).toThrow(ConfigError);
    expect(() => timedReader(3 as never)).toThrow(/timedReader: reader must be a reader .*got 3/);
    expect(timedReader(syncReader([1])).waitMs()).toBe(0);
  });
});
