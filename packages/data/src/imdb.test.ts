import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError } from './errors.js';
import { imdb } from './imdb.js';
import { toArray } from './reader.js';
import { makeTar } from './testing/archives.js';
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

describe('imdb from the aclImdb_v1.tar.gz archive, as Paddle reads it', () => {
  // Members in a different order than their names, with the other files of the real archive around them.
  const archive = join(dir, 'aclImdb_v1.tar.gz');
  writeFileSync(
    archive,
    makeTar(
      {
        'aclImdb/README': 'Large Movie Review Dataset v1.0',
        'aclImdb/imdb.vocab': 'the\nand\n',
        ...Object.fromEntries(Object.entries(docs).reverse().map(([path, text]) => [`aclImdb/${path}`, text])),
        'aclImdb/train/unsup/0_0.txt': 'unlabelled',
        'aclImdb/train/urls_pos.txt': 'http://www.imdb.com/title/tt0453418/usercomments',
      },
      { gzip: true },
    ),
  );

  it('gives the same dictionary and samples as the unpacked folder', async () => {
    const fromFolder = await imdb.wordDict({ dir, cutoff: 1 });
    const wordIdx = await imdb.wordDict({ file: archive, md5: false, cutoff: 1 });
    expect([...wordIdx]).toEqual([...fromFolder]);
    expect(await toArray(imdb.train({ file: archive, md5: false, wordIdx }))).toEqual(await toArray(imdb.train({ dir, wordIdx })));
    expect(await toArray(imdb.test({ file: archive, md5: false, wordIdx }))).toEqual(await toArray(imdb.test({ dir, wordIdx })));
  });

  it("checks the archive's published MD5 and says where to get it", async () => {
    await expect(toArray(imdb.tokens('train', { file: archive }))).rejects.toThrow(
      /imdb\.tokens: .*aclImdb_v1\.tar\.gz has md5 [0-9a-f]{32}, expected 7c2ac02c03563afcf9b574c7e56c153a/,
    );
    await expect(toArray(imdb.tokens('train', { file: join(dir, 'none.tar.gz') }))).rejects.toThrow(
      /imdb\.tokens: missing file .*none\.tar\.gz; download http:\/\/ai\.stanford\.edu\/%7Eamaas\/data\/sentiment\/aclImdb_v1\.tar\.gz/,
    );
  });

  it('names an archive without the split and a cut archive', async () => {
    const other = join(dir, 'other.tar.gz');
    writeFileSync(other, makeTar({ 'aclImdb/README': 'x' }, { gzip: true }));
    await expect(toArray(imdb.tokens('test', { file: other, md5: false }))).rejects.toThrow(
      /imdb\.tokens: .*other\.tar\.gz has no aclImdb\/test\/\{pos,neg\}\/\*\.txt members \(is it aclImdb_v1\.tar\.gz\?\)/,
    );
    const cut = join(dir, 'cut.tar');
    writeFileSync(cut, makeTar(Object.fromEntries(Object.entries(docs).map(([p, t]) => [`aclImdb/${p}`, t]))).subarray(0, 1500));
    await expect(toArray(imdb.tokens('train', { file: cut, md5: false }))).rejects.toThrow(/imdb\.tokens: readTar: .*cut\.tar: truncated/);
  });

  it('takes dir or file, not both', () => {
    expect(() => imdb.tokens('train', { dir, file: archive })).toThrow(ConfigError);
    expect(() => imdb.tokens('train', { dir, file: archive })).toThrow(/imdb\.tokens: pass dir \(an unpacked aclImdb folder\) or file \(the tarball\), not both/);
  });
});
