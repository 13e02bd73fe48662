import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { conll05 } from './conll05.js';
import { ConfigError, DataError } from './errors.js';
import { toArray } from './reader.js';
import { makeTar } from './testing/archives.js';

const root = mkdtempSync(join(tmpdir(), 'oar-conll05-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let serial = 0;

// Two sentences in the CoNLL-2005 column layout: one word a line; props: the predicate lemma (or -),
// then one bracket column per predicate; a blank line ends a sentence.
const words = ['The', 'cat', 'sat', 'on', 'mats', '', 'Dogs', 'bark', ''].join('\n') + '\n';
const props = [
  '-    (A0*    *',
  '-    *)      (A0*)',
  'sit  (V*)    *',
  '-    (AM-LOC*  *',
  'mat  *)      (V*)',
  '',
  '-    (A0*)',
  'bark (V*)',
  '',
].join('\n') + '\n';
const dicts = {
  'wordDict.txt': ['<unk>', 'The', 'cat', 'sat', 'on', 'mats', 'bos', 'eos', 'bark'].join('\n') + '\n',
  'verbDict.txt': 'sit\nmat\nbark\n',
  'targetDict.txt': ['O', 'B-A0', 'I-A0', 'B-V', 'B-AM-LOC', 'I-AM-LOC'].join('\n') + '\n',
};

function makeDir(files: Record<string, string | Uint8Array> = {}, members?: Record<string, Uint8Array>): string {
  const dir = join(root, `d${serial++}`);
  mkdirSync(dir);
  const tar = makeTar(
    members ?? {
      'conll05st-release/test.wsj/words/test.wsj.words.gz': gzipSync(words),
      'conll05st-release/test.wsj/props/test.wsj.props.gz': gzipSync(props),
    },
    { gzip: true },
  );
  for (const [name, data] of Object.entries({ ...dicts, 'conll05st-tests.tar.gz': tar, ...files })) writeFileSync(join(dir, name), data);
  return dir;
}

describe('conll05 (Paddle layout, on files the test writes)', () => {
  it('turns props brackets into BIO labels, one sample per predicate', async () => {
    expect(await toArray(conll05.corpus({ dir: makeDir(), md5: false }))).toEqual([
      [['The', 'cat', 'sat', 'on', 'mats'], 'sit', ['B-A0', 'I-A0', 'B-V', 'B-AM-LOC', 'I-AM-LOC']],
      [['The', 'cat', 'sat', 'on', 'mats'], 'mat', ['O', 'B-A0', 'O', 'O', 'B-V']],
      [['Dogs', 'bark'], 'bark', ['B-A0', 'B-V']],
    ]);
  });

  it('encodes the nine sequences of Paddle', async () => {
    const samples = await toArray(conll05.test({ dir: makeDir(), md5: false }));
    const i32 = (...xs: number[]) => Int32Array.from(xs);
    const fill = (id: number, n: number) => new Int32Array(n).fill(id);
    expect(samples[0]).toEqual([i32(1, 2, 3, 4, 5), fill(0, 5), fill(1, 5), fill(2, 5), fill(3, 5), fill(4, 5), fill(5, 5), i32(1, 1, 1, 1, 1), i32(1, 2, 3, 4, 5)]);
    // predicate at the end: ctx +1/+2 are eos; "Dogs" is unknown (0)
    expect(samples[1]!.slice(2, 8)).toEqual([fill(3, 5), fill(4, 5), fill(5, 5), fill(7, 5), fill(7, 5), i32(0, 0, 1, 1, 1)]);
    expect(samples[2]).toEqual([i32(0, 8), fill(2, 2), fill(6, 2), fill(0, 2), fill(8, 2), fill(7, 2), fill(7, 2), i32(1, 1), i32(1, 3)]);
    const { wordDict, verbDict, labelDict } = await conll05.getDict({ dir: makeDir(), md5: false });
    expect([wordDict.size, verbDict.get('bark'), labelDict.get('I-AM-LOC')]).toEqual([9, 2, 5]);
  });

  it('checks the published MD5s and says where to get missing files', async () => {
    await expect(toArray(conll05.corpus({ dir: makeDir() }))).rejects.toThrow(/conll05st-tests\.tar\.gz has md5 [0-9a-f]+, expected 387719152ae52d60422c016e92a742fc/);
    await expect(conll05.getDict({ dir: join(root, 'none') })).rejects.toThrow(
      /conll05\.getDict: missing file .*none\/wordDict\.txt; download http:\/\/paddlepaddle\.bj\.bcebos\.com\/demo\/srl_dict_and_embedding\/wordDict\.txt/,
    );
    await expect(conll05.getEmbedding({ dir: join(root, 'none') })).rejects.toThrow(/missing file .*none\/emb; download .*\/emb \(md5 bf436eb0faa1f6f9103017f8be57cdb7\)/);
  });

  it('names malformed and truncated files', () => {
    expect(() => conll05.parse('a\nb\n', '(V*)\n')).toThrow(/conll05: conll05: the words file has 2 lines but the props file 1/);
    expect(() => conll05.parse('a\n', 'go (V*)\n')).toThrow(/the last sentence has no blank line after it \(truncated\?\)/);
    expect(() => conll05.parse('a\n\n', 'go (V*\n\n')).not.toThrow();
    expect(() => conll05.parse('a\n\n', 'go V*\n\n')).toThrow(/"V\*" is not a props bracket/);
    expect(() => conll05.parse('a\nb\n\n', 'go (V*) *\n- (A0*)\n\n')).toThrow(/props line 2 has 2 columns, the sentence 3/);
    expect(() => conll05.parse('a\n\n', '- (V*)\n\n')).toThrow(/0 predicates but 1 argument columns/);
  });

  it('names missing members and broken gzip members', async () => {
    const noProps = makeDir({}, { 'conll05st-release/test.wsj/words/test.wsj.words.gz': gzipSync(words) });
    await expect(toArray(conll05.corpus({ dir: noProps, md5: false }))).rejects.toThrow(
      /has no member conll05st-release\/test\.wsj\/props\/test\.wsj\.props\.gz \(is it conll05st-tests\.tar\.gz\?\)/,
    );
    const cut = makeDir({}, {
      'conll05st-release/test.wsj/words/test.wsj.words.gz': gzipSync(words),
      'conll05st-release/test.wsj/props/test.wsj.props.gz': gzipSync(props).subarray(0, 20),
    });
    await expect(toArray(conll05.corpus({ dir: cut, md5: false }))).rejects.toThrow(DataError);
    await expect(toArray(conll05.corpus({ dir: cut, md5: false }))).rejects.toThrow(/test\.wsj\.props\.gz is not a valid gzip stream/);
  });

  it('validates options', () => {
    expect(() => conll05.corpus({ md5: 'x' as never })).toThrow(ConfigError);
    expect(() => conll05.corpus({ dir: '' })).toThrow(/conll05\.corpus: dir must be a non-empty string, got ""/);
  });
});
