import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError } from './errors.js';
import { toArray } from './reader.js';
import { makeTar } from './testing/archives.js';
import { wmt14 } from './wmt14.js';

const dir = mkdtempSync(join(tmpdir(), 'oar-wmt14-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;
const put = (files: Record<string, string>) => {
  const file = join(dir, `w${serial++}.tgz`);
  writeFileSync(file, makeTar(files, { gzip: true }));
  return { file, md5: false as const };
};

const srcDict = ['<s>', '<e>', '<unk>', 'le', 'chat', 'noir', 'dort'].join('\n') + '\n';
const trgDict = ['<s>', '<e>', '<unk>', 'the', 'cat', 'black', 'sleeps'].join('\n') + '\n';
const long = Array.from({ length: 79 }, () => 'le').join(' ');
const files = {
  'wmt14/src.dict': srcDict,
  'wmt14/trg.dict': trgDict,
  'wmt14/train/train': ['le chat noir\tthe black cat', 'le chat dort\tthe cat sleeps', 'no tab here', `${long}\tthe cat`, 'le chien\tthe dog'].join('\n'),
  'wmt14/test/test': 'le chat\tthe cat\n',
  'wmt14/gen/gen': 'noir\tblack\n',
};
const ids = (...xs: number[]) => Int32Array.from(xs);

describe('wmt14 (Paddle format, on an archive the test writes)', () => {
  it('encodes pairs as Paddle does: <s> src <e>, <s> trg, trg <e>; skips malformed and long lines', async () => {
    const archive = put(files);
    expect(await toArray(wmt14.train(30000, archive))).toEqual([
      [ids(0, 3, 4, 5, 1), ids(0, 3, 5, 4), ids(3, 5, 4, 1)],
      [ids(0, 3, 4, 6, 1), ids(0, 3, 4, 6), ids(3, 4, 6, 1)],
      [ids(0, 3, 2, 1), ids(0, 3, 2), ids(3, 2, 1)], // chien and dog are unknown
    ]);
    expect(await toArray(wmt14.test(30000, archive))).toEqual([[ids(0, 3, 4, 1), ids(0, 3, 4), ids(3, 4, 1)]]);
    expect(await toArray(wmt14.gen(30000, archive))).toEqual([[ids(0, 5, 1), ids(0, 5), ids(5, 1)]]);
  });

  it('keeps 80 source ids, drops 81, as Paddle does', async () => {
    const just = Array.from({ length: 78 }, () => 'le').join(' ');
    const archive = put({ ...files, 'wmt14/train/train': `${just}\tthe\n${just} le\tthe\n` });
    const out = await toArray(wmt14.train(10, archive));
    expect(out).toHaveLength(1);
    expect(out[0]![0]).toHaveLength(80);
  });

  it('cuts the dictionaries at dictSize', async () => {
    const archive = put(files);
    const { srcDict: src, trgDict: trg } = await wmt14.getDict(5, archive);
    expect([...src]).toEqual([['<s>', 0], ['<e>', 1], ['<unk>', 2], ['le', 3], ['chat', 4]]);
    expect(trg.size).toBe(5);
    const [first] = await toArray(wmt14.train(5, archive));
    expect(first).toEqual([ids(0, 3, 4, 2, 1), ids(0, 3, 2, 4), ids(3, 2, 4, 1)]);
  });

  it('names missing members, bad dictionaries, truncated archives and missing files', async () => {
    await expect(toArray(wmt14.train(10, put({ 'wmt14/train/train': 'a\tb' })))).rejects.toThrow(
      /wmt14\.train: .* has no member ending in src\.dict \(is it Paddle's wmt14\.tgz\?\)/,
    );
    await expect(toArray(wmt14.train(10, put({ ...files, 'wmt14/trg.dict': 'the\ncat\n' })))).rejects.toThrow(
      /trg\.dict has no "<s>" among its first 10 lines/,
    );
    const { ['wmt14/gen/gen']: _, ...noGen } = files;
    await expect(toArray(wmt14.gen(10, put(noGen)))).rejects.toThrow(/wmt14\.gen: .* has no member ending in "gen\/gen"/);
    const file = join(dir, 'cut.tgz');
    const tgz = makeTar(files, { gzip: true });
    writeFileSync(file, tgz.subarray(0, tgz.length - 30));
    await expect(toArray(wmt14.train(10, { file, md5: false }))).rejects.toThrow(DataError);
    await expect(toArray(wmt14.train(10, { file: join(dir, 'none.tgz') }))).rejects.toThrow(
      /wmt14\.train: missing file .*none\.tgz; download http:\/\/paddlepaddle\.bj\.bcebos\.com\/demo\/wmt_shrinked_data\/wmt14\.tgz \(md5 a755315dd01c2c35bde29a744ede23a6\)/,
    );
  });

  it('validates dictSize', () => {
    expect(() => wmt14.train(0)).toThrow(ConfigError);
    expect(() => wmt14.train(0)).toThrow(/wmt14\.train: dictSize must be a positive integer, got 0/);
  });
});
