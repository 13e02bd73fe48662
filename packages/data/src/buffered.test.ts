import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { buffered } from './buffered.js';
import { ConfigError } from './errors.js';
import { toArray, type Reader } from './reader.js';
import { range, readerKinds, syncReader, type Probe } from './testing/readers.js';

describe.each(readerKinds)('buffered (%s source)', (_, make) => {
  it('passes every sample through in order', async () => {
    expect(await toArray(buffered(make(range(20)), 3))).toEqual(range(20));
  });

  it('reads ahead up to size samples while the consumer waits, and no further', async () => {
    const probe: Probe = { pulled: 0, closed: 0 };
    const it = (buffered(make(range(20), probe), 4)() as AsyncIterable<number>)[Symbol.asyncIterator]();
    expect(probe.pulled).toBe(0); // nothing happens before the first next()
    expect(await it.next()).toEqual({ done: false, value: 0 });
    await tick();
    expect(probe.pulled).toBe(1 + 4);
    await it.next();
    await tick();
    expect(probe.pulled).toBe(2 + 4);
    await it.return!();
    expect(probe.closed).toBe(1);
  });

  it('delivers an error of the source after the samples read before it', async () => {
    const failing: Reader<number> = async function* () {
      yield 1;
      yield 2;
      throw new Error('disk on fire');
    };
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const x of buffered(failing, 5)()) seen.push(x);
      })(),
    ).rejects.toThrow('disk on fire');
    expect(seen).toEqual([1, 2]);
  });
});

describe('buffered', () => {
  it('closes the source when the consumer stops early', async () => {
    const probe: Probe = { pulled: 0, closed: 0 };
    for await (const x of buffered(syncReader(range(100), probe), 2)()) if (x === 3) break;
    expect(probe.closed).toBe(1);
    expect(probe.pulled).toBeLessThanOrEqual(4 + 2);
  });

  it('validates size', () => {
    expect(() => buffered(syncReader([1]), 0)).toThrow(ConfigError);
    expect(() => buffered(syncReader([1]), 0)).toThrow(/buffered: size must be a positive integer, got 0/);
  });
});
