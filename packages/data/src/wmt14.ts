import { datasetFile, type FileOptions, type PublishedFile } from './dataFiles.js';
import { DataError } from './errors.js';
import type { Reader } from './reader.js';
import { readTar, type TarEntry } from './readTar.js';
import { checkOptions, checkPositiveInt } from './validate.js';

/** A sentence pair as ids: `<s>` + source + `<e>`, `<s>` + target, target + `<e>`. */
export type Wmt14Sample = [srcIds: Int32Array, trgIds: Int32Array, trgNextIds: Int32Array];

/** Options of the wmt14 readers: the archive (`file`, default under `dataHome('wmt14')`) and its MD5. */
export type Wmt14Options = FileOptions;

/** The two dictionaries: word → id, the first `dictSize` lines of `src.dict` and `trg.dict`. */
export interface Wmt14Dicts {
  srcDict: Map<string, number>;
  trgDict: Map<string, number>;
}

const PUBLISHED: PublishedFile = {
  name: 'wmt14.tgz',
  url: 'http://paddlepaddle.bj.bcebos.com/demo/wmt_shrinked_data/wmt14.tgz',
  md5: 'a755315dd01c2c35bde29a744ede23a6',
};
const [START, END, UNK_IDX] = ['<s>', '<e>', 2];
const MAX_LENGTH = 80;
type Split = 'train' | 'test' | 'gen';
const MEMBERS: Record<Split, string> = { train: 'train/train', test: 'test/test', gen: 'gen/gen' };

/**
 * Paddle's WMT-14 French → English data (the shrunk `wmt14.tgz` of Paddle's module): tab-separated
 * sentence pairs in the members ending `train/train`, `test/test` and `gen/gen`, and dictionaries
 * `src.dict`/`trg.dict` (one word a line; the line number is the id; `<s>` 0, `<e>` 1, `<unk>` 2).
 * As in Paddle: a word outside the first `dictSize` lines is `<unk>` (2); a line without exactly one
 * tab is skipped; a pair with more than 80 source ids (`<s>`, `<e>` included) or 80 target words is
 * skipped.
 *
 * @paddle paddle.v2.dataset.wmt14
 * @example
 * const train = wmt14.train(30000, { file: '/data/wmt14.tgz' }); // [src, trg, trgNext] Int32Arrays
 */
export const wmt14 = {
  train: (dictSize: number, options?: Wmt14Options): Reader<Wmt14Sample> => wmt14Reader('wmt14.train', 'train', dictSize, options),
  test: (dictSize: number, options?: Wmt14Options): Reader<Wmt14Sample> => wmt14Reader('wmt14.test', 'test', dictSize, options),
  gen: (dictSize: number, options?: Wmt14Options): Reader<Wmt14Sample> => wmt14Reader('wmt14.gen', 'gen', dictSize, options),
  /** The dictionaries (word → id) cut at `dictSize` words. */
  async getDict(dictSize: number, options?: Wmt14Options): Promise<Wmt14Dicts> {
    checkPositiveInt('wmt14.getDict', 'dictSize', dictSize);
    const file = datasetFile('wmt14.getDict', 'wmt14', PUBLISHED, checkOptions('wmt14.getDict', options, ['file', 'md5']));
    return readDicts('wmt14.getDict', await file(), dictSize);
  },
};

function wmt14Reader(fn: string, split: Split, dictSize: number, options?: Wmt14Options): Reader<Wmt14Sample> {
  checkPositiveInt(fn, 'dictSize', dictSize);
  const file = datasetFile(fn, 'wmt14', PUBLISHED, checkOptions(fn, options, ['file', 'md5']));
  let dicts: Promise<Wmt14Dicts> | undefined; // read once per reader
  return async function* () {
    const path = await file();
    dicts ??= readDicts(fn, path, dictSize).catch((e: unknown) => {
      dicts = undefined;
      throw e;
    });
    const { srcDict, trgDict } = await dicts;
    let found = false;
    for await (const { name, data } of members(fn, path)) {
      if (!name.endsWith(MEMBERS[split])) continue;
      found = true;
      for (const line of data.toString('utf8').split('\n')) {
        const sample = encodePair(line, srcDict, trgDict);
        if (sample !== undefined) yield sample;
      }
    }
    if (!found) throw new DataError(`${fn}: ${path} has no member ending in ${JSON.stringify(MEMBERS[split])}`);
  };
}

function encodePair(line: string, srcDict: Map<string, number>, trgDict: Map<string, number>): Wmt14Sample | undefined {
  const fields = line.trim().split('\t');
  if (fields.length !== 2) return undefined;
  const words = (s: string) => s.split(/\s+/).filter(Boolean);
  const src = [START, ...words(fields[0]!), END].map((w) => srcDict.get(w) ?? UNK_IDX);
  const trg = words(fields[1]!).map((w) => trgDict.get(w) ?? UNK_IDX);
  if (src.length > MAX_LENGTH || trg.length > MAX_LENGTH) return undefined;
  return [Int32Array.from(src), Int32Array.from([trgDict.get(START)!, ...trg]), Int32Array.from([...trg, trgDict.get(END)!])];
}

async function readDicts(fn: string, path: string, dictSize: number): Promise<Wmt14Dicts> {
  const found: Partial<Record<'src' | 'trg', string[]>> = {};
  for await (const { name, data } of members(fn, path)) {
    for (const kind of ['src', 'trg'] as const) {
      if (!name.endsWith(`${kind}.dict`)) continue;
      if (found[kind]) throw new DataError(`${fn}: ${path} has more than one member ending in ${kind}.dict`);
      found[kind] = data.toString('utf8').split('\n');
    }
  }
  const toDict = (kind: 'src' | 'trg') => {
    const lines = found[kind];
    if (lines === undefined) throw new DataError(`${fn}: ${path} has no member ending in ${kind}.dict (is it Paddle's wmt14.tgz?)`);
    const dict = new Map<string, number>();
    lines.slice(0, dictSize).forEach((line, id) => dict.set(line.trim(), id));
    return dict;
  };
  const [srcDict, trgDict] = [toDict('src'), toDict('trg')];
  for (const word of [START, END]) {
    if (!trgDict.has(word)) throw new DataError(`${fn}: ${path}: trg.dict has no ${JSON.stringify(word)} among its first ${dictSize} lines`);
  }
  return { srcDict, trgDict };
}

async function* members(fn: string, path: string): AsyncGenerator<TarEntry> {
  try {
    yield* readTar(path);
  } catch (e) {
    throw e instanceof DataError ? new DataError(`${fn}: ${e.message}`, { cause: e }) : e;
  }
}

