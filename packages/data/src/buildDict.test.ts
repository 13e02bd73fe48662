import { describe, expect, it } from 'vitest';
import { buildDict, lookupIds } from './buildDict.js';
import { ConfigError, DataError } from './errors.js';
import { asyncReader, syncReader } from './testing/readers.js';

const docs = [
  ['b', 'a', 'c', 'a'],
  ['c', 'a', 'd'],
  ['b', 'e'],
];

describe('buildDict', () => {
  it('puts <unk> first, then words by frequency, ties in code-unit order', async () => {
    const dict = await buildDict(syncReader(docs));
    // counts: a 3, b 2, c 2, d 1, e 1
    expect([...dict]).toEqual([
      ['<unk>', 0],
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
      ['e', 5],
    ]);
  });

  it('reads [tokens, label] samples from an async reader', async () => {
    const dict = await buildDict(asyncReader(docs.map((d, i) => [d, i % 2])));
    expect(dict.get('a')).toBe(1);
    expect(dict.size).toBe(6);
  });

  it('applies minFreq, maxSize (reserved ids included) and custom reserved tokens', async () => {
    expect([...(await buildDict(syncReader(docs), { minFreq: 2 })).keys()]).toEqual(['<unk>', 'a', 'b', 'c']);
    expect([...(await buildDict(syncReader(docs), { maxSize: 3 })).keys()]).toEqual(['<unk>', 'a', 'b']);
    const g2p = await buildDict(syncReader([['x', '<s>', 'y', 'x']]), { reserved: ['<s>', '<e>', '<unk>'] });
    expect([...g2p]).toEqual([
      ['<s>', 0],
      ['<e>', 1],
      ['<unk>', 2],
      ['x', 3],
      ['y', 4],
    ]);
  });

  it('rejects bad options and samples that are not token lists', async () => {
    await expect(buildDict(syncReader(docs), { minFreq: 0 })).rejects.toThrow(ConfigError);
    await expect(buildDict(syncReader(docs), { minFreq: 0 })).rejects.toThrow(/buildDict: minFreq must be a positive integer, got 0/);
    await expect(buildDict(syncReader(docs), { maxSize: 1, reserved: ['<s>', '<e>'] })).rejects.toThrow(
      /buildDict: maxSize must be at least the 2 reserved tokens, got 1/,
    );
    await expect(buildDict(syncReader(docs), { reserved: ['a', 'a'] })).rejects.toThrow(
      /buildDict: reserved must be an array of distinct strings/,
    );
    await expect(buildDict(syncReader(['oops']))).rejects.toThrow(DataError);
    await expect(buildDict(syncReader(['oops']))).rejects.toThrow(/buildDict: sample 0 must be a token list or \[tokens, \.\.\.\], got "oops"/);
  });
});

describe('lookupIds', () => {
  it('maps tokens to ids and unknown ones to <unk>', async () => {
    const dict = await buildDict(syncReader(docs));
    expect(lookupIds(['a', 'zzz', 'e'], dict)).toEqual(new Int32Array([1, 0, 5]));
    expect(() => lookupIds(['a'], new Map([['a', 0]]))).toThrow(/lookupIds: the dictionary has no "<unk>" entry/);
  });
});
