import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dataHome, datasetFile, type PublishedFile } from './dataFiles.js';
import { ConfigError, DataError } from './errors.js';
import type { Reader } from './reader.js';
import { readTar } from './readTar.js';
import { checkOptions, show } from './validate.js';

/**
 * One predicate of a sentence, as Paddle's SRL reader lays it out (each a sequence as long as the
 * sentence): word ids, predicate id, the ids of the words at −2, −1, 0, +1, +2 around the predicate
 * (`bos`/`eos` past the ends), the mark (1 within two words of the predicate) and the BIO label ids.
 */
export type Conll05Sample = [
  words: Int32Array,
  predicate: Int32Array,
  ctxN2: Int32Array,
  ctxN1: Int32Array,
  ctx0: Int32Array,
  ctxP1: Int32Array,
  ctxP2: Int32Array,
  mark: Int32Array,
  labels: Int32Array,
];

/** Options of the conll05 readers: the folder holding the files of Paddle's module, and the MD5 checks. */
export interface Conll05Options {
  /** Default `dataHome('conll05st')`. */
  dir?: string;
  /** `false` skips the MD5 checks. */
  md5?: false;
}

/** word → id, predicate (verb) → id, BIO label → id. */
export interface Conll05Dicts {
  wordDict: Map<string, number>;
  verbDict: Map<string, number>;
  labelDict: Map<string, number>;
}

const BASE = 'http://paddlepaddle.bj.bcebos.com/demo/srl_dict_and_embedding';
const FILES = {
  data: { name: 'conll05st-tests.tar.gz', url: 'http://www.cs.upc.edu/~srlconll/conll05st-tests.tar.gz', md5: '387719152ae52d60422c016e92a742fc' },
  words: { name: 'wordDict.txt', url: `${BASE}/wordDict.txt`, md5: 'ea7fb7d4c75cc6254716f0177a506baa' },
  verbs: { name: 'verbDict.txt', url: `${BASE}/verbDict.txt`, md5: '0d2977293bbb6cbefab5b0f97db1e77c' },
  labels: { name: 'targetDict.txt', url: `${BASE}/targetDict.txt`, md5: 'd8c7f03ceb5fc2e5a0fa7503a4353751' },
  emb: { name: 'emb', url: `${BASE}/emb`, md5: 'bf436eb0faa1f6f9103017f8be57cdb7' },
} satisfies Record<string, PublishedFile>;
const WORDS_MEMBER = 'conll05st-release/test.wsj/words/test.wsj.words.gz';
const PROPS_MEMBER = 'conll05st-release/test.wsj/props/test.wsj.props.gz';
const UNK_IDX = 0;

/**
 * The CoNLL-2005 semantic role labelling data as Paddle's module reads it: the public test set
 * (`conll05st-tests.tar.gz`: the WSJ words and props files) and Paddle's dictionaries
 * (`wordDict.txt`, `verbDict.txt`, `targetDict.txt`: one entry a line, the line number is the id) in
 * `dir`. Each predicate of each sentence is one sample; props brackets become BIO labels
 * (`(A0*` → `B-A0`, `*` inside → `I-A0`, `*)` closes, `*` outside → `O`). Unknown words are id 0.
 *
 * @paddle paddle.v2.dataset.conll05
 * @example
 * const { wordDict, verbDict, labelDict } = await conll05.getDict();
 * const test = conll05.test(); // 9 Int32Array sequences per sample
 */
export const conll05 = {
  /** The three dictionaries of Paddle's module. */
  async getDict(options?: Conll05Options): Promise<Conll05Dicts> {
    const o = checkConllOptions('conll05.getDict', options);
    const load = async (f: PublishedFile) => loadDict(await file('conll05.getDict', o, f)());
    const [wordDict, verbDict, labelDict] = await Promise.all([load(FILES.words), load(FILES.verbs), load(FILES.labels)]);
    return { wordDict, verbDict, labelDict };
  },
  /** The path of Paddle's pretrained word embedding file `emb` (MD5 checked). */
  getEmbedding: (options?: Conll05Options): Promise<string> =>
    file('conll05.getEmbedding', checkConllOptions('conll05.getEmbedding', options), FILES.emb)(),
  /** `[words, predicate, BIO labels]` per predicate, before the dictionaries. */
  corpus(options?: Conll05Options): Reader<[string[], string, string[]]> {
    const o = checkConllOptions('conll05.corpus', options);
    const archive = file('conll05.corpus', o, FILES.data);
    return async function* () {
      const path = await archive();
      const { words, props } = await readMembers('conll05.corpus', path);
      yield* parseCorpus(words, props, path);
    };
  },
  /** The samples of the test set, encoded with the dictionaries. */
  test(options?: Conll05Options): Reader<Conll05Sample> {
    const corpus = conll05.corpus(options);
    let dicts: Promise<Conll05Dicts> | undefined;
    return async function* () {
      dicts ??= conll05.getDict(options).catch((e: unknown) => {
        dicts = undefined;
        throw e;
      });
      const d = await dicts;
      for await (const [sentence, predicate, labels] of corpus() as AsyncIterable<[string[], string, string[]]>) {
        yield encode(sentence, predicate, labels, d);
      }
    };
  },
  /** Parses the text of a words file and a props file (for tools and tests; `name` is used in errors). */
  parse: (words: string, props: string, name = 'conll05'): [string[], string, string[]][] => [...parseCorpus(words, props, name)],
};

function checkConllOptions(fn: string, options: unknown): { dir: string; md5?: false } {
  const { dir = dataHome('conll05st'), md5 } = checkOptions(fn, options, ['dir', 'md5']);
  if (typeof dir !== 'string' || dir === '') throw new ConfigError(`${fn}: dir must be a non-empty string, got ${show(dir)}`);
  if (md5 !== undefined && md5 !== false) throw new ConfigError(`${fn}: md5 must be false (to skip the checks) or absent, got ${show(md5)}`);
  return { dir, md5 };
}

const file = (fn: string, o: { dir: string; md5?: false }, f: PublishedFile) =>
  datasetFile(fn, 'conll05st', f, { file: join(o.dir, f.name), ...(o.md5 === false ? { md5: false } : {}) });

async function loadDict(path: string): Promise<Map<string, number>> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  if (lines.at(-1) === '') lines.pop();
  return new Map(lines.map((line, i) => [line.trim(), i]));
}

async function readMembers(fn: string, path: string): Promise<{ words: string; props: string }> {
  const found: Record<string, Buffer> = {};
  try {
    for await (const { name, data } of readTar(path)) if (name === WORDS_MEMBER || name === PROPS_MEMBER) found[name] = data;
  } catch (e) {
    throw e instanceof DataError ? new DataError(`${fn}: ${e.message}`, { cause: e }) : e;
  }
  const text = (member: string) => {
    if (!found[member]) throw new DataError(`${fn}: ${path} has no member ${member} (is it conll05st-tests.tar.gz?)`);
    try {
      return gunzipSync(found[member]).toString('utf8');
    } catch (e) {
      throw new DataError(`${fn}: ${path}: ${member} is not a valid gzip stream (${(e as Error).message})`, { cause: e });
    }
  };
  return { words: text(WORDS_MEMBER), props: text(PROPS_MEMBER) };
}

function* parseCorpus(wordsText: string, propsText: string, name: string): Generator<[string[], string, string[]]> {
  const words = wordsText.split('\n');
  const props = propsText.split('\n');
  for (const lines of [words, props]) if (lines.at(-1) === '') lines.pop();
  if (words.length !== props.length) {
    throw new DataError(`conll05: ${name}: the words file has ${words.length} lines but the props file ${props.length}`);
  }
  let sentence: string[] = [];
  let rows: string[][] = [];
  for (let i = 0; i < words.length; i++) {
    const columns = props[i]!.trim().split(/\s+/).filter(Boolean);
    if (columns.length > 0) {
      if (rows.length > 0 && columns.length !== rows[0]!.length) {
        throw new DataError(`conll05: ${name}: props line ${i + 1} has ${columns.length} columns, the sentence ${rows[0]!.length}`);
      }
      sentence.push(words[i]!.trim());
      rows.push(columns);
      continue;
    }
    yield* sentencePredicates(sentence, rows, `conll05: ${name}: the sentence ending at line ${i + 1}`);
    [sentence, rows] = [[], []];
  }
  if (rows.length > 0) throw new DataError(`conll05: ${name}: the last sentence has no blank line after it (truncated?)`);
}

function* sentencePredicates(sentence: string[], rows: string[][], where: string): Generator<[string[], string, string[]]> {
  if (rows.length === 0) return;
  const verbs = rows.map((r) => r[0]!).filter((v) => v !== '-');
  const columns = rows[0]!.length - 1;
  if (verbs.length !== columns) throw new DataError(`${where}: ${verbs.length} predicates but ${columns} argument columns`);
  for (let c = 1; c <= columns; c++) yield [sentence, verbs[c - 1]!, toBio(rows.map((r) => r[c]!), where)];
}

function toBio(column: string[], where: string): string[] {
  let tag = 'O';
  let inside = false;
  return column.map((l) => {
    if (l === '*') return inside ? `I-${tag}` : 'O';
    if (l === '*)') {
      inside = false;
      return `I-${tag}`;
    }
    const m = /^\(([^*()]+)\*(\))?$/.exec(l);
    if (!m) throw new DataError(`${where}: ${JSON.stringify(l)} is not a props bracket (*, (A0*, (A0*), *))`);
    tag = m[1]!;
    inside = m[2] === undefined;
    return `B-${tag}`;
  });
}

function encode(sentence: string[], predicate: string, labels: string[], d: Conll05Dicts): Conll05Sample {
  const n = sentence.length;
  const v = labels.indexOf('B-V');
  if (v < 0) throw new DataError(`conll05: the labels of predicate ${JSON.stringify(predicate)} have no B-V`);
  const word = (w: string) => d.wordDict.get(w) ?? UNK_IDX;
  const around = (k: number) => (v + k < 0 ? 'bos' : v + k >= n ? 'eos' : sentence[v + k]!);
  const fill = (id: number) => new Int32Array(n).fill(id);
  const mark = new Int32Array(n);
  for (let k = -2; k <= 2; k++) if (v + k >= 0 && v + k < n) mark[v + k] = 1;
  const predicateId = d.verbDict.get(predicate);
  if (predicateId === undefined) throw new DataError(`conll05: predicate ${JSON.stringify(predicate)} is not in verbDict.txt`);
  const labelIds = labels.map((l) => {
    const id = d.labelDict.get(l);
    if (id === undefined) throw new DataError(`conll05: label ${JSON.stringify(l)} is not in targetDict.txt`);
    return id;
  });
  return [
    Int32Array.from(sentence, word),
    fill(predicateId),
    fill(word(around(-2))),
    fill(word(around(-1))),
    fill(word(around(0))),
    fill(word(around(1))),
    fill(word(around(2))),
    mark,
    Int32Array.from(labelIds),
  ];
}
