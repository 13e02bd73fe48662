import { describe, expect, it } from 'vitest';
import { batch } from './batch.js';
import { ConfigError } from './errors.js';
import { toArray } from './reader.js';
import { isSyncReader, range, readerKinds, syncReader } from './testing/readers.js';

describe.each(readerKinds)('batch (%s source)', (_, make) => {
  it('groups samples, the last batch shorter', async () => {
    expect(await toArray(batch(make(range(7)), 3))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('drops a short last batch when asked', async () => {
    expect(await toArray(batch(make(range(7)), 3, { dropLast: true }))).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(await toArray(batch(make(range(6)), 3, { dropLast: true }))).toEqual([[0, 1, 2], [3, 4, 5]]);
  });

  it('gives nothing for an empty reader', async () => {
    expect(await toArray(batch(make([]), 3))).toEqual([]);
  });
});

describe('batch', () => {
  it('keeps a sync pipeline sync', () => {
    expect(isSyncReader(batch(syncReader([1]), 2))).toBe(true);
  });

  it('validates its arguments', () => {
    for (const bad of [0, -1, 1.5, '3']) expect(() => batch(syncReader([1]), bad as number)).toThrow(ConfigError);
    expect(() => batch(syncReader([1]), 0)).toThrow(/batch: batchSize must be a positive integer, got 0/);
    expect(() => batch(syncReader([1]), '3' as never)).toThrow(/batch: batchSize must be a positive integer, got "3"/);
    expect(() => batch(syncReader([1]), 2, { dropLast: 1 } as never)).toThrow(/batch: dropLast must be a boolean, got 1/);
  });
});
