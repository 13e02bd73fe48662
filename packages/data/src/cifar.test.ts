import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cifar } from './cifar.js';
import { ConfigError, DataError } from './errors.js';
import { toArray } from './reader.js';
import { makeTar } from './testing/archives.js';

const dir = mkdtempSync(join(tmpdir(), 'oar-cifar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;
const put = (bytes: Uint8Array) => {
  const path = join(dir, `c${serial++}.tar.gz`);
  writeFileSync(path, bytes);
  return { file: path, md5: createHash('md5').update(bytes).digest('hex') };
};

/** Records of the binary version: label byte(s), then 3072 pixels; pixel p of image i is (i * 7 + p) % 256. */
function records(labels: number[][]): Buffer {
  return Buffer.concat(
    labels.map((ls, i) => Buffer.from([...ls, ...Array.from({ length: 3072 }, (_, p) => (i * 7 + p) % 256)])),
  );
}
const pixelsOf = (i: number) => Float32Array.from({ length: 3072 }, (_, p) => ((i * 7 + p) % 256) / 255);

const cifar10 = put(
  makeTar(
    {
      'cifar-10-batches-bin/batches.meta.txt': 'airplane\nautomobile\n',
      'cifar-10-batches-bin/data_batch_1.bin': records([[3], [9]]),
      'cifar-10-batches-bin/data_batch_2.bin': records([[0]]),
      'cifar-10-batches-bin/test_batch.bin': records([[5]]),
    },
    { gzip: true },
  ),
);
const cifar100 = put(
  makeTar(
    { 'cifar-100-binary/train.bin': records([[4, 44], [19, 99]]), 'cifar-100-binary/test.bin': records([[0, 7]]) },
    { gzip: true },
  ),
);

describe('cifar (binary version, from archives the test writes)', () => {
  it('reads CIFAR-10 train batches in archive order, then the test batch, as Paddle lays them out', async () => {
    const train = await toArray(cifar.train10(cifar10));
    expect(train.map(([, label]) => label)).toEqual([3, 9, 0]);
    expect(train[0]![0]).toEqual(pixelsOf(0));
    expect(train[1]![0]).toEqual(pixelsOf(1));
    expect(train[2]![0]).toEqual(pixelsOf(0)); // first image of the second batch
    const test = await toArray(cifar.test10(cifar10));
    expect(test).toEqual([[pixelsOf(0), 5]]);
  });

  it('reads CIFAR-100 with fine labels by default, coarse on request', async () => {
    expect((await toArray(cifar.train100(cifar100))).map(([, l]) => l)).toEqual([44, 99]);
    expect((await toArray(cifar.train100({ ...cifar100, labels: 'coarse' }))).map(([, l]) => l)).toEqual([4, 19]);
    expect(await toArray(cifar.test100(cifar100))).toEqual([[pixelsOf(0), 7]]);
  });

  it('checks the published MD5 by default', async () => {
    await expect(toArray(cifar.train10({ file: cifar10.file }))).rejects.toThrow(
      /cifar\.train10: .* has md5 [0-9a-f]{32}, expected c32a1d4ab5d03f1284b67883e8d87530/,
    );
  });

  it('names truncated, mislabelled and wrong archives', async () => {
    const cut = put(makeTar({ 'cifar-10-batches-bin/data_batch_1.bin': records([[1], [2]]).subarray(0, 5000) }));
    await expect(toArray(cifar.train10(cut))).rejects.toThrow(
      /cifar: .*data_batch_1\.bin: 5000 bytes is not a whole number of 3073-byte records \(truncated\?\)/,
    );
    const bad = put(makeTar({ 'cifar-10-batches-bin/test_batch.bin': records([[10]]) }));
    await expect(toArray(cifar.test10(bad))).rejects.toThrow(/test_batch\.bin: record 0 has label 10, expected 0\.\.9/);
    const python = put(makeTar({ 'cifar-10-batches-py/data_batch_1': 'pickle' }));
    await expect(toArray(cifar.train10(python))).rejects.toThrow(/is the python version of CIFAR; Oar reads the binary version/);
    const other = put(makeTar({ 'readme.txt': 'hi' }));
    await expect(toArray(cifar.test100(other))).rejects.toThrow(/cifar\.test100: .* has no member matching .*test\\\.bin/);
    const gz = Buffer.from(makeTar({ 'cifar-10-batches-bin/test_batch.bin': records([[1]]) }, { gzip: true }));
    const cutGz = put(gz.subarray(0, gz.length / 2));
    await expect(toArray(cifar.test10(cutGz))).rejects.toThrow(DataError);
  });

  it('says where to get a missing archive', async () => {
    await expect(toArray(cifar.train10({ file: join(dir, 'none.tar.gz') }))).rejects.toThrow(
      /cifar\.train10: missing file .*none\.tar\.gz; download https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz/,
    );
  });

  it('validates options', () => {
    expect(() => cifar.train100({ labels: 'mid' as never })).toThrow(ConfigError);
    expect(() => cifar.train100({ labels: 'mid' as never })).toThrow(/cifar\.train100: labels must be "fine" or "coarse", got "mid"/);
    expect(() => cifar.train10({ labels: 'fine' } as never)).toThrow(/cifar\.train10: unknown option "labels", allowed: file, md5/);
  });
});
