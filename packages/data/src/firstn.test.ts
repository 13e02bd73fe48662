import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { firstn } from './firstn.js';
import { toArray } from './reader.js';
import { isSyncReader, range, readerKinds, syncReader, type Probe } from './testing/readers.js';

describe.each(readerKinds)('firstn (%s source)', (_, make) => {
  it('takes the first n samples, pulls no more, and closes the source', async () => {
    const probe: Probe = { pulled: 0, closed: 0 };
    expect(await toArray(firstn(make(range(10), probe), 3))).toEqual([0, 1, 2]);
    expect(probe).toEqual({ pulled: 3, closed: 1 });
  });

  it('takes everything from a shorter reader', async () => {
    expect(await toArray(firstn(make(range(2)), 5))).toEqual([0, 1]);
  });

  it('does not open the source for n = 0', async () => {
    const probe: Probe = { pulled: 0, closed: 0 };
    expect(await toArray(firstn(make(range(3), probe), 0))).toEqual([]);
    expect(probe).toEqual({ pulled: 0, closed: 0 });
  });
});

describe('firstn', () => {
  it('keeps a sync pipeline sync', () => {
    expect(isSyncReader(firstn(syncReader([1]), 1))).toBe(true);
  });

  it('validates n', () => {
    expect(() => firstn(syncReader([1]), -1)).toThrow(ConfigError);
    expect(() => firstn(syncReader([1]), -1)).toThrow(/firstn: n must be a non-negative integer, got -1/);
  });
});
