import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDict, lookupIds } from './buildDict.js';
import { chain } from './chain.js';
import { datasetFile, type PublishedFile } from './dataFiles.js';
import { ConfigError, DataError } from './errors.js';
import { mapReaders } from './mapReaders.js';
import type { Reader } from './reader.js';
import { readTar } from './readTar.js';
import { checkNonNegativeInt, checkOptions, show } from './validate.js';

/**
 * Where the data is: an unpacked `aclImdb` folder (`dir/{train,test}/{pos,neg}/*.txt`), or else the
 * archive `aclImdb_v1.tar.gz` as Paddle reads it (`file`, default under `dataHome('imdb')`, its
 * published MD5 checked unless `md5: false`).
 */
export interface ImdbOptions {
  dir?: string;
  file?: string;
  md5?: false;
}

const PUBLISHED: PublishedFile = {
  name: 'aclImdb_v1.tar.gz',
  url: 'http://ai.stanford.edu/%7Eamaas/data/sentiment/aclImdb_v1.tar.gz',
  md5: '7c2ac02c03563afcf9b574c7e56c153a',
};
const OPTIONS = ['dir', 'file', 'md5'];

/** Options of `imdb.train` / `imdb.test`. */
export interface ImdbReaderOptions extends ImdbOptions {
  /** Word → id, with `<unk>` (from `imdb.wordDict`). */
  wordIdx: ReadonlyMap<string, number>;
}

type Split = 'train' | 'test';
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/**
 * Paddle's IMDB sentiment dataset read from an unpacked `aclImdb` folder or from the tarball (the same
 * samples either way: the archive's texts are sorted by name as the folder's are). As in Paddle: tokens are the text without ASCII punctuation,
 * lowercased and split on white space; label 0 is positive and 1 negative; the dictionary keeps words
 * seen more than `cutoff` times in train + test, by decreasing frequency then code-unit order, and
 * `<unk>` is the last id. Files are read on each pass, positives first, each folder in name order
 * (Paddle alternates positives and negatives; shuffle before batching either way).
 *
 * @paddle paddle.v2.dataset.imdb
 * @example
 * const wordIdx = await imdb.wordDict({ dir: '/data/aclImdb', cutoff: 150 });
 * const train = imdb.train({ dir: '/data/aclImdb', wordIdx }); // [Int32Array ids, 0 | 1]
 */
export const imdb = {
  /** Paddle's imdb tokenizer. */
  tokenize: (text: string): string[] =>
    text.replace(/[\n\r]+$/, '').replace(PUNCTUATION, '').toLowerCase().split(/\s+/).filter(Boolean),

  /** `[tokens, label]` of a split: positives (0), then negatives (1). */
  tokens(split: Split, options?: ImdbOptions): Reader<[string[], 0 | 1]> {
    const source = checkSource('imdb.tokens', options, OPTIONS);
    if (split !== 'train' && split !== 'test') {
      throw new ConfigError(`imdb.tokens: split must be "train" or "test", got ${show(split)}`);
    }
    if ('archive' in source) return tarTokens(split, source.archive);
    return function* () {
      for (const [folder, label] of [['pos', 0], ['neg', 1]] as const) {
        for (const text of readFolder(join(source.dir, split, folder))) yield [imdb.tokenize(text), label];
      }
    };
  },

  /** The word dictionary of train + test: words seen more than `cutoff` times (default 150), `<unk>` last. */
  async wordDict(options?: ImdbOptions & { cutoff?: number }): Promise<Map<string, number>> {
    const { cutoff = 150, ...where } = checkOptions('imdb.wordDict', options, [...OPTIONS, 'cutoff']) as ImdbOptions & { cutoff?: number };
    checkNonNegativeInt('imdb.wordDict', 'cutoff', cutoff);
    const both = chain(imdb.tokens('train', where), imdb.tokens('test', where));
    const dict = await buildDict(both, { minFreq: cutoff + 1, reserved: [] });
    dict.delete('<unk>');
    return new Map([...dict.keys(), '<unk>'].map((w, i) => [w, i]));
  },

  /** `[wordIds, label]` of the train split. */
  train: (options: ImdbReaderOptions): Reader<[Int32Array, 0 | 1]> => idReader('train', options),
  /** `[wordIds, label]` of the test split. */
  test: (options: ImdbReaderOptions): Reader<[Int32Array, 0 | 1]> => idReader('test', options),
};

function idReader(split: Split, options: ImdbReaderOptions): Reader<[Int32Array, 0 | 1]> {
  const fn = `imdb.${split}`;
  checkSource(fn, options, [...OPTIONS, 'wordIdx']);
  const { wordIdx, ...where } = options;
  if (!(wordIdx instanceof Map) || !wordIdx.has('<unk>')) {
    throw new ConfigError(`${fn}: wordIdx must be a Map with a "<unk>" entry (see imdb.wordDict), got ${show(wordIdx)}`);
  }
  return mapReaders(([words, label]: [string[], 0 | 1]) => [lookupIds(words, wordIdx), label], imdb.tokens(split, where));
}

type Source = { dir: string } | { archive: () => Promise<string> };

function checkSource(fn: string, options: unknown, allowed: string[]): Source {
  const { dir, file, md5 } = checkOptions(fn, options, allowed);
  if (dir !== undefined) {
    if (typeof dir !== 'string' || dir === '') throw new ConfigError(`${fn}: dir must be a non-empty string, got ${show(dir)}`);
    if (file !== undefined) throw new ConfigError(`${fn}: pass dir (an unpacked aclImdb folder) or file (the tarball), not both`);
    return { dir };
  }
  if (md5 !== undefined && md5 !== false) throw new ConfigError(`${fn}: md5 must be false (to skip the check) or absent, got ${show(md5)}`);
  return { archive: datasetFile(fn, 'imdb', PUBLISHED, { file: file as string | undefined, ...(md5 === false ? { md5 } : {}) }) };
}

/** The split's texts from the tarball, sorted by name as `readFolder` sorts them, positives first. */
function tarTokens(split: Split, archive: () => Promise<string>): Reader<[string[], 0 | 1]> {
  const pattern = new RegExp(`(^|/)aclImdb/${split}/(pos|neg)/[^/]+\\.txt$`);
  return async function* () {
    const path = await archive();
    const texts: { name: string; label: 0 | 1; text: string }[] = [];
    try {
      for await (const { name, data } of readTar(path)) {
        const m = pattern.exec(name);
        if (m) texts.push({ name: name.slice(name.lastIndexOf('/') + 1), label: m[2] === 'pos' ? 0 : 1, text: data.toString('utf8') });
      }
    } catch (e) {
      throw e instanceof DataError ? new DataError(`imdb.tokens: ${e.message}`, { cause: e }) : e;
    }
    if (texts.length === 0) throw new DataError(`imdb.tokens: ${path} has no aclImdb/${split}/{pos,neg}/*.txt members (is it aclImdb_v1.tar.gz?)`);
    texts.sort((a, b) => a.label - b.label || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const { label, text } of texts) yield [imdb.tokenize(text), label];
  };
}

/** The texts of the `.txt` files of a folder, in name order (sync: many small files, see spamAssassin). */
function* readFolder(folder: string): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(folder).filter((n) => n.endsWith('.txt')).sort();
  } catch (e) {
    throw new DataError(`imdb: missing folder ${folder}; pass { dir } naming an unpacked aclImdb folder`, { cause: e });
  }
  for (const name of names) yield readFileSync(join(folder, name), 'utf8');
}
