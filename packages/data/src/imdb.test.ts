import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError } from './errors.js';
import { imdb } from './imdb.js';
import { toArray } from './reader.js';
import { isSyncReader } from './testing/readers.js';

const dir = mkdtempSync(join(tmpdir(), 'oar-imdb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const docs = {
  'train/pos/0_9.txt': 'A great, GREAT film!<br /><br />',
  'train/pos/1_8.txt': "Great acting; isn't it?\n",
  'train/neg/0_2.txt': 'Bad film. Bad.',
  'test/pos/0_10.txt': 'great fun',
  'test/neg/0_1.txt': 'bad, boring film',
};
for (const [path, text] of Object.entries(docs)) {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

describe('imdb (Paddle format, from an unpacked aclImdb folder)', () => {
  it('tokenizes as Paddle does: no punctuation, lowercase, split on white space', () => {
    expect(imdb.tokenize("A great, GREAT film!<br /><br />\n")).toEqual(['a', 'great', 'great', 'filmbr', 'br']);
    expect(imdb.tokenize("isn't it?")).toEqual(['isnt', 'it']);
  });

  it('builds the dictionary of train + test with <unk> last', async () => {
    // counts: great 4, bad 3, film 2 (filmbr and film. differ), then singletons
    const dict = await imdb.wordDict({ dir, cutoff: 1 });
    expect([...dict]).toEqual([
      ['great', 0],
      ['bad', 1],
      ['film', 2],
      ['<unk>', 3],
    ]);
  });

  it('yields [ids, label] with positives (0) first, then negatives (1)', async () => {
    const wordIdx = await imdb.wordDict({ dir, cutoff: 1 });
    const train = imdb.train({ dir, wordIdx });
    expect(isSyncReader(train)).toBe(true);
    expect(await toArray(train)).toEqual([
      [new Int32Array([3, 0, 0, 3, 3]), 0],
      [new Int32Array([0, 3, 3, 3]), 0],
      [new Int32Array([1, 2, 1]), 1],
    ]);
    expect(await toArray(imdb.test({ dir, wordIdx }))).toEqual([
      [new Int32Array([0, 3]), 0],
      [new Int32Array([1, 3, 2]), 1],
    ]);
  });

  it('says which folder is missing and validates options', async () => {
    await expect(toArray(imdb.tokens('train', { dir: join(dir, 'nope') }))).rejects.toThrow(DataError);
    await expect(toArray(imdb.tokens('train', { dir: join(dir, 'nope') }))).rejects.toThrow(
      /imdb: missing folder .*nope\/train\/pos; pass \{ dir \} naming an unpacked aclImdb folder/,
    );
    expect(() => imdb.train({ dir } as never)).toThrow(ConfigError);
    expect(() => imdb.train({ dir } as never)).toThrow(/imdb\.train: wordIdx must be a Map with a "<unk>" entry/);
    expect(() => imdb.tokens('dev' as never, { dir })).toThrow(/imdb\.tokens: split must be "train" or "test", got "dev"/);
    await expect(imdb.wordDict({ dir, cutoff: -1 })).rejects.toThrow(/imdb\.wordDict: cutoff must be a non-negative integer, got -1/);
  });
});
