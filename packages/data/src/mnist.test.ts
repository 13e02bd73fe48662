import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, DataError } from './errors.js';
import { fashionMnist, mnist } from './mnist.js';
import { toArray } from './reader.js';
import { encodeIdx } from './testing/idxFile.js';

const root = mkdtempSync(join(tmpdir(), 'oar-mnist-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const pixels = [0, 51, 102, 153, 204, 255, 17, 34, 68, 85, 170, 240]; // two 2x3 images
/** A folder with a small MNIST-format train set (2 images of 2x3) and test set; `gzip` per file. */
function makeDir(name: string, gzip: boolean, labels = [3, 8]): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const put = (base: string, bytes: Uint8Array) =>
    writeFileSync(join(dir, gzip ? `${base}.gz` : base), gzip ? gzipSync(bytes) : bytes);
  for (const split of ['train', 't10k']) {
    put(`${split}-images-idx3-ubyte`, encodeIdx(0x08, [2, 2, 3], pixels));
    put(`${split}-labels-idx1-ubyte`, encodeIdx(0x08, [labels.length], labels));
  }
  return dir;
}

const close = (actual: Float32Array, expected: number[], atol = 1e-6, rtol = 1e-6) =>
  expected.every((e, i) => Math.abs(actual[i]! - e) <= atol + rtol * Math.abs(e));

describe('mnist readers on files the test writes', () => {
  it.each([true, false])('yields [Float32Array scaled to [0, 1], label] (gzip: %s)', async (gzip) => {
    const dir = makeDir(`unit-${gzip}`, gzip);
    for (const split of [mnist.train({ dir, md5: false }), mnist.test({ dir, md5: false })]) {
      const samples = await toArray(split);
      expect(samples.map(([, label]) => label)).toEqual([3, 8]);
      samples.forEach(([image], i) => {
        expect(image).toBeInstanceOf(Float32Array);
        expect(image).toHaveLength(6);
        expect(close(image, pixels.slice(6 * i, 6 * i + 6).map((p) => p / 255))).toBe(true);
      });
    }
  });

  it('scales to [-1, 1] with range: "symmetric", as Paddle does', async () => {
    const dir = makeDir('symmetric', true);
    const [[image]] = await toArray(fashionMnist.train({ dir, range: 'symmetric' }));
    expect(close(image, pixels.slice(0, 6).map((p) => (p / 255) * 2 - 1))).toBe(true);
  });

  it('reads the files once per reader and gives the same data on every pass', async () => {
    const dir = makeDir('passes', true);
    const reader = mnist.train({ dir, md5: false });
    const first = await toArray(reader);
    rmSync(dir, { recursive: true });
    expect(await toArray(reader)).toEqual(first);
  });

  it('says which file is missing and how to get it', async () => {
    const dir = join(root, 'empty');
    mkdirSync(dir);
    const reader = fashionMnist.train({ dir });
    await expect(toArray(reader)).rejects.toThrow(DataError);
    await expect(toArray(reader)).rejects.toThrow(
      /fashionMnist\.train: missing file .*empty\/train-images-idx3-ubyte\.gz \(or .*train-images-idx3-ubyte\); install it with `apt-get install dataset-fashion-mnist`, or pass \{ dir \}/,
    );
    await expect(toArray(mnist.test({ dir }))).rejects.toThrow(/mnist\.test: missing file .*t10k-images-idx3-ubyte\.gz/);
  });

  it('names a corrupt or inconsistent file', async () => {
    const dir = makeDir('corrupt', true);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx(0x08, [3], [1, 2, 3])));
    await expect(toArray(mnist.train({ dir, md5: false }))).rejects.toThrow(
      /mnist\.train: .*train-images-idx3-ubyte\.gz has 2 images but .*train-labels-idx1-ubyte\.gz has 3 labels/,
    );
    writeFileSync(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(encodeIdx(0x08, [2, 2, 3], pixels).subarray(0, 20)));
    await expect(toArray(mnist.test({ dir, md5: false }))).rejects.toThrow(
      /mnist\.test: readIdx: .*t10k-images-idx3-ubyte\.gz: truncated: dims \[2, 2, 3\]/,
    );
  });

  it('checks the gzipped MNIST files against the MD5s Paddle lists, not plain ones', async () => {
    await expect(toArray(mnist.train({ dir: makeDir('md5', true) }))).rejects.toThrow(
      /mnist\.train: .*train-images-idx3-ubyte\.gz has md5 [0-9a-f]{32}, expected f68b3c2dcbeaaa9fbdd348bbdeb94873 .*pass \{ md5: false \}/,
    );
    expect(await toArray(mnist.train({ dir: makeDir('md5-plain', false) }))).toHaveLength(2);
    expect(await toArray(fashionMnist.train({ dir: makeDir('md5-fashion', true) }))).toHaveLength(2);
  });

  it('looks under dataHome("mnist") by default and says where to put the files', async () => {
    vi.stubEnv('OAR_DATA_HOME', join(root, 'home'));
    try {
      expect(mnist.defaultDir).toBe(join(root, 'home', 'mnist'));
      await expect(toArray(mnist.test())).rejects.toThrow(
        /mnist\.test: missing file .*home\/mnist\/t10k-images-idx3-ubyte\.gz .*download the four files from http:\/\/yann\.lecun\.com\/exdb\/mnist\/ .* into .*home\/mnist \(or set OAR_DATA_HOME\)/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('validates its options', () => {
    expect(() => mnist.train({ md5: true } as never)).toThrow(/mnist\.train: md5 must be false \(to skip the check\) or absent, got true/);
    expect(() => mnist.train({ range: 'wide' } as never)).toThrow(ConfigError);
    expect(() => mnist.train({ range: 'wide' } as never)).toThrow(/mnist\.train: range must be "unit" or "symmetric", got "wide"/);
    expect(() => fashionMnist.test({ dir: '' })).toThrow(/fashionMnist\.test: dir must be a non-empty string, got ""/);
  });
});

describe('fashionMnist on the Debian package dataset-fashion-mnist', () => {
  it('reads the 10,000 test images: 1,000 per class, pixels in [0, 1]', async () => {
    expect(fashionMnist.defaultDir).toBe('/usr/share/datasets/fashion-mnist');
    const samples = await toArray(fashionMnist.test());
    expect(samples).toHaveLength(10000);
    const perClass = new Array(10).fill(0);
    let lo = Infinity;
    let hi = -Infinity;
    for (const [image, label] of samples) {
      expect(image).toHaveLength(784);
      perClass[label] += 1;
      for (const v of image) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    }
    expect(perClass).toEqual(new Array(10).fill(1000));
    expect([lo, hi]).toEqual([0, 1]);
    // Reference values read with Python's gzip module: the first ten labels and the pixel sum of image 0.
    expect(samples.slice(0, 10).map(([, label]) => label)).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    const sum = samples[0]![0].reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - 33456 / 255)).toBeLessThanOrEqual(1e-3 + 1e-6 * (33456 / 255));
  });
});
