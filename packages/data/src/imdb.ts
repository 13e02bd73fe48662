import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDict, lookupIds } from './buildDict.js';
import { ConfigError, DataError } from './errors.js';
import type { Reader } from './reader.js';
import { checkNonNegativeInt, checkOptions, show } from './validate.js';

/** Where the unpacked `aclImdb` folder is: `dir/{train,test}/{pos,neg}/*.txt`. */
export interface ImdbOptions {
  dir: string;
}

/** Options of `imdb.train` / `imdb.test`. */
export interface ImdbReaderOptions extends ImdbOptions {
  /** Word → id, with `<unk>` (from `imdb.wordDict`). */
  wordIdx: ReadonlyMap<string, number>;
}

type Split = 'train' | 'test';
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/**
 * Paddle's IMDB sentiment dataset read from an unpacked `aclImdb` folder (Paddle reads the same files
 * from the tarball). Same conventions as Paddle: tokens are the text without ASCII punctuation,
 * lowercased and split on white space; label 0 is positive and 1 negative; the dictionary keeps words
 * seen more than `cutoff` times in train + test, by decreasing frequency then code-unit order, and
 * `<unk>` is the last id. Files are read on each pass, positives first, each folder in name order.
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
  tokens(split: Split, options: ImdbOptions): Reader<[string[], 0 | 1]> {
    const dir = checkDir(`imdb.tokens`, options, ['dir']);
    if (split !== 'train' && split !== 'test') {
      throw new ConfigError(`imdb.tokens: split must be "train" or "test", got ${show(split)}`);
    }
    return function* () {
      for (const [folder, label] of [['pos', 0], ['neg', 1]] as const) {
        for (const text of readFolder(join(dir, split, folder))) yield [imdb.tokenize(text), label];
      }
    };
  },

  /** The word dictionary of train + test: words seen more than `cutoff` times (default 150), `<unk>` last. */
  async wordDict(options: ImdbOptions & { cutoff?: number }): Promise<Map<string, number>> {
    const { dir, cutoff = 150 } = checkOptions('imdb.wordDict', options, ['dir', 'cutoff']) as { dir: string; cutoff?: number };
    checkNonNegativeInt('imdb.wordDict', 'cutoff', cutoff);
    const [train, test] = [imdb.tokens('train', { dir }), imdb.tokens('test', { dir })];
    const both: Reader<[string[], 0 | 1]> = function* () {
      yield* train() as Iterable<[string[], 0 | 1]>;
      yield* test() as Iterable<[string[], 0 | 1]>;
    };
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
  const dir = checkDir(fn, options, ['dir', 'wordIdx']);
  const { wordIdx } = options;
  if (!(wordIdx instanceof Map) || !wordIdx.has('<unk>')) {
    throw new ConfigError(`${fn}: wordIdx must be a Map with a "<unk>" entry (see imdb.wordDict), got ${show(wordIdx)}`);
  }
  const tokens = imdb.tokens(split, { dir });
  return function* () {
    for (const [words, label] of tokens() as Iterable<[string[], 0 | 1]>) yield [lookupIds(words, wordIdx), label];
  };
}

function checkDir(fn: string, options: unknown, allowed: string[]): string {
  const { dir } = checkOptions(fn, options, allowed);
  if (typeof dir !== 'string' || dir === '') throw new ConfigError(`${fn}: dir must be a non-empty string, got ${show(dir)}`);
  return dir;
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
