import { describe, expect, it } from 'vitest';
import { chain } from './chain.js';
import { ConfigError } from './errors.js';
import { toArray } from './reader.js';
import { asyncReader, isSyncReader, syncReader, type Probe } from './testing/readers.js';

describe('chain', () => {
  it('concatenates readers in order', async () => {
    expect(await toArray(chain(syncReader([1, 2]), syncReader([]), syncReader([3])))).toEqual([1, 2, 3]);
  });

  it('mixes sync and async readers; all-sync stays sync', async () => {
    expect(await toArray(chain(asyncReader([1]), syncReader([2]), asyncReader([3])))).toEqual([1, 2, 3]);
    expect(isSyncReader(chain(syncReader([1]), syncReader([2])))).toBe(true);
    expect(isSyncReader(chain(syncReader([1]), asyncReader([2])))).toBe(false);
  });

  it('is empty without readers', async () => {
    expect(await toArray(chain())).toEqual([]);
  });

  it('closes the current reader when the consumer stops early', async () => {
    const probe: Probe = { pulled: 0, closed: 0 };
    for (const x of chain(syncReader([1, 2]), syncReader([3, 4, 5], probe))() as Iterable<number>) if (x === 3) break;
    expect(probe).toEqual({ pulled: 1, closed: 1 });
  });

  it('validates its readers', () => {
    expect(() => chain(syncReader([1]), null as never)).toThrow(ConfigError);
    expect(() => chain(syncReader([1]), null as never)).toThrow(/chain: readers\[1\] must be a reader .*got null/);
  });
});
