import { ConfigError, DataError } from './errors.js';
import { openReader, type Reader } from './reader.js';
import { checkOptions, checkPositiveInt, checkReader, show } from './validate.js';

/** Options of {@link buildDict}. */
export interface BuildDictOptions {
  /** Keep words seen at least this often (default 1). */
  minFreq?: number;
  /** Largest dictionary size, reserved tokens included (default: no limit). */
  maxSize?: number;
  /** Tokens given the first ids, in order (default `["<unk>"]`, so `<unk>` is 0). */
  reserved?: string[];
}

/**
 * Builds a word → id dictionary from a reader of token lists (`string[]`, or samples whose first field
 * is the token list, like `[tokens, label]`). Ids: the reserved tokens first (`<unk>` = 0 by default),
 * then the words by decreasing frequency, ties in code-unit order; so the result is deterministic.
 * Unlike Paddle's imdb.build_dict, which appends `<unk>` last, the reserved ids come first so that they
 * do not move when the vocabulary grows.
 *
 * @paddle paddle.v2.dataset.imdb.build_dict
 * @example
 * const dict = await buildDict(spamAssassin.tokens('train'), { minFreq: 3, maxSize: 20000 });
 * dict.get('<unk>'); // 0
 */
export async function buildDict(reader: Reader<unknown>, options?: BuildDictOptions): Promise<Map<string, number>> {
  checkReader('buildDict', 'reader', reader);
  const opts = checkOptions('buildDict', options, ['minFreq', 'maxSize', 'reserved']);
  const minFreq = checkPositiveInt('buildDict', 'minFreq', opts.minFreq ?? 1);
  const maxSize = opts.maxSize === undefined ? Infinity : checkPositiveInt('buildDict', 'maxSize', opts.maxSize);
  const reserved = checkReserved(opts.reserved ?? ['<unk>']);
  if (reserved.length > maxSize) {
    throw new ConfigError(`buildDict: maxSize must be at least the ${reserved.length} reserved tokens, got ${maxSize}`);
  }
  const freq = await countWords(reader);
  for (const token of reserved) freq.delete(token);
  const words = [...freq].filter(([, n]) => n >= minFreq);
  words.sort(([a, na], [b, nb]) => nb - na || (a < b ? -1 : a > b ? 1 : 0));
  const all = [...reserved, ...words.map(([w]) => w)].slice(0, maxSize);
  return new Map(all.map((w, i) => [w, i]));
}

function checkReserved(reserved: unknown): string[] {
  if (!Array.isArray(reserved) || reserved.some((t) => typeof t !== 'string') || new Set(reserved).size !== reserved.length) {
    throw new ConfigError(`buildDict: reserved must be an array of distinct strings, got ${show(reserved)}`);
  }
  return reserved as string[];
}

async function countWords(reader: Reader<unknown>): Promise<Map<string, number>> {
  const freq = new Map<string, number>();
  const source = openReader('buildDict', reader);
  const iterable = (
    source.sync ? { [Symbol.iterator]: () => source.iterator } : { [Symbol.asyncIterator]: () => source.iterator }
  ) as AsyncIterable<unknown>;
  let index = 0;
  for await (const sample of iterable) {
    const tokens = Array.isArray(sample) && Array.isArray(sample[0]) ? sample[0] : sample;
    if (!Array.isArray(tokens)) {
      throw new DataError(`buildDict: sample ${index} must be a token list or [tokens, ...], got ${show(sample)}`);
    }
    for (const token of tokens) freq.set(token, (freq.get(token) ?? 0) + 1);
    index += 1;
  }
  return freq;
}

/**
 * Maps tokens to ids with `dict`, unknown tokens to the id of `unk` (default `"<unk>"`).
 *
 * @example
 * lookupIds(['free', 'money'], dict); // Int32Array [id of free, id of money]
 */
export function lookupIds(tokens: readonly string[], dict: ReadonlyMap<string, number>, unk = '<unk>'): Int32Array {
  const unkId = dict.get(unk);
  if (unkId === undefined) throw new ConfigError(`lookupIds: the dictionary has no ${show(unk)} entry for unknown tokens`);
  const ids = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) ids[i] = dict.get(tokens[i]!) ?? unkId;
  return ids;
}
