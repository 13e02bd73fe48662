import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dataHome, md5File } from './dataFiles.js';
import { ConfigError, DataError } from './errors.js';
import type { Reader } from './reader.js';
import { readIdx, type Idx } from './readIdx.js';
import { checkOptions, show } from './validate.js';

/** One image (row-major, `rows × cols` pixels, 784 for MNIST) and its label 0..9. */
export type ImageSample = [image: Float32Array, label: number];

/** Options of the MNIST-style readers. */
export interface MnistOptions {
  /** Folder holding the IDX files (gzipped or not); defaults to the dataset's `defaultDir`. */
  dir?: string;
  /**
   * Pixel scaling: `"unit"` (default) maps 0..255 to [0, 1]; `"symmetric"` maps it to [-1, 1] as
   * Paddle's own mnist reader does (`x / 255 * 2 - 1`).
   */
  range?: 'unit' | 'symmetric';
  /**
   * `false` skips the MD5 check of the gzipped MNIST files against the sums Paddle lists (only
   * `mnist` has published sums; Debian recompresses Fashion-MNIST, so it is not checked).
   */
  md5?: false;
}

/** An MNIST-format dataset: a train and a test reader over IDX files in a folder. */
export interface MnistDataset {
  readonly name: string;
  readonly defaultDir: string;
  /** The training set (60,000 images for MNIST and Fashion-MNIST). */
  train(options?: MnistOptions): Reader<ImageSample>;
  /** The test set (10,000 images). */
  test(options?: MnistOptions): Reader<ImageSample>;
}

interface DatasetInfo {
  name: string;
  defaultDir: () => string;
  howToGet: (dir: string) => string;
  /** MD5 of each gzipped file, by base name. */
  md5s?: Record<string, string>;
}

const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

/**
 * Fashion-MNIST (Zalando's 28×28 grey images of clothes, 10 classes), from the Debian package
 * `dataset-fashion-mnist` in `/usr/share/datasets/fashion-mnist/` by default. Files are read on the
 * first pass, not at import; a missing or corrupt file is a DataError that says which and what to do.
 *
 * @paddle paddle.v2.dataset.mnist (same format and sample layout)
 * @example
 * for await (const [image, label] of fashionMnist.test()()) { ... } // Float32Array(784) in [0, 1], 0..9
 */
export const fashionMnist: MnistDataset = makeDataset({
  name: 'fashionMnist',
  defaultDir: () => '/usr/share/datasets/fashion-mnist',
  howToGet: () => 'install it with `apt-get install dataset-fashion-mnist`, or pass { dir } naming a folder with the IDX files',
});

const LECUN = 'http://yann.lecun.com/exdb/mnist/';

/**
 * The MNIST handwritten digits in Paddle's own format (the IDX files), from `dir` (default
 * `dataHome('mnist')`, i.e. `$OAR_DATA_HOME/mnist` or `~/.cache/oar/dataset/mnist`). The gzipped files
 * are checked against the MD5s Paddle's module lists, once per reader.
 *
 * @paddle paddle.v2.dataset.mnist
 * @example
 * const train = mnist.train({ dir: '/data/mnist', range: 'symmetric' });
 */
export const mnist: MnistDataset = makeDataset({
  name: 'mnist',
  defaultDir: () => dataHome('mnist'),
  howToGet: (dir) =>
    `download the four files from ${LECUN} (train-images-idx3-ubyte.gz ...) into ${dir}` +
    ' (or set OAR_DATA_HOME), or pass { dir } naming a folder with them',
  md5s: {
    'train-images-idx3-ubyte': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
    'train-labels-idx1-ubyte': 'd53e105ee54ea40749a09fcbcd1e9432',
    't10k-images-idx3-ubyte': '25e3cc63507ef6e98d5dc541e8672bb6',
    't10k-labels-idx1-ubyte': '4e9511fe019b2189026bd0421ba7b688',
  },
});

function makeDataset(info: DatasetInfo): MnistDataset {
  return {
    name: info.name,
    get defaultDir() {
      return info.defaultDir();
    },
    train: (options) => imageReader(info, 'train', options),
    test: (options) => imageReader(info, 'test', options),
  };
}

function imageReader(info: DatasetInfo, split: 'train' | 'test', options?: MnistOptions): Reader<ImageSample> {
  const fn = `${info.name}.${split}`;
  const { dir = info.defaultDir(), range = 'unit', md5 } = checkOptions(fn, options, ['dir', 'range', 'md5']);
  if (md5 !== undefined && md5 !== false) throw new ConfigError(`${fn}: md5 must be false (to skip the check) or absent, got ${show(md5)}`);
  if (typeof dir !== 'string' || dir === '') throw new ConfigError(`${fn}: dir must be a non-empty string, got ${show(dir)}`);
  if (range !== 'unit' && range !== 'symmetric') {
    throw new ConfigError(`${fn}: range must be "unit" or "symmetric", got ${show(range)}`);
  }
  const [scale, shift] = range === 'unit' ? [1 / 255, 0] : [2 / 255, -1];
  let loading: Promise<{ images: Idx; labels: Idx }> | undefined; // read once per reader, on the first pass
  return async function* () {
    loading ??= load(fn, info, dir, split, md5 !== false).catch((e: unknown) => {
      loading = undefined; // let a later pass retry, e.g. after the package is installed
      throw e;
    });
    const { images, labels } = await loading;
    const [count, rows, cols] = images.dims as [number, number, number];
    const size = rows * cols;
    for (let i = 0; i < count; i++) {
      const image = new Float32Array(size);
      const pixels = images.data.subarray(i * size, (i + 1) * size);
      for (let p = 0; p < size; p++) image[p] = pixels[p]! * scale + shift;
      yield [image, labels.data[i]!];
    }
  };
}

async function load(fn: string, info: DatasetInfo, dir: string, split: 'train' | 'test', checkMd5: boolean) {
  const imagesPath = locate(fn, info, dir, FILES[split].images);
  const labelsPath = locate(fn, info, dir, FILES[split].labels);
  if (checkMd5) await Promise.all([verify(fn, info, imagesPath, FILES[split].images), verify(fn, info, labelsPath, FILES[split].labels)]);
  const [images, labels] = await Promise.all([readIdx(imagesPath), readIdx(labelsPath)]).catch((e: unknown) => {
    throw e instanceof DataError ? new DataError(`${fn}: ${e.message}`, { cause: e }) : e;
  });
  if (images.dims.length !== 3 || !(images.data instanceof Uint8Array)) {
    throw new DataError(`${fn}: ${imagesPath}: expected unsigned bytes of dims [count, rows, cols], got dims [${images.dims}]`);
  }
  if (labels.dims.length !== 1 || !(labels.data instanceof Uint8Array)) {
    throw new DataError(`${fn}: ${labelsPath}: expected unsigned bytes of dims [count], got dims [${labels.dims}]`);
  }
  if (images.dims[0] !== labels.dims[0]) {
    throw new DataError(`${fn}: ${imagesPath} has ${images.dims[0]} images but ${labelsPath} has ${labels.dims[0]} labels`);
  }
  return { images, labels };
}

/** Checks a gzipped file against its published MD5 (plain files have none). */
async function verify(fn: string, info: DatasetInfo, path: string, base: string): Promise<void> {
  const expected = info.md5s?.[base];
  if (expected === undefined || !path.endsWith('.gz')) return;
  const actual = await md5File(path);
  if (actual !== expected) {
    throw new DataError(
      `${fn}: ${path} has md5 ${actual}, expected ${expected} (an incomplete or different download; ` +
        'fetch it again, or pass { md5: false } to skip the check)',
    );
  }
}

/** The gzipped file if present, else the plain one; neither is a DataError saying how to get them. */
function locate(fn: string, info: DatasetInfo, dir: string, base: string): string {
  const gz = join(dir, `${base}.gz`);
  if (existsSync(gz)) return gz;
  const plain = join(dir, base);
  if (existsSync(plain)) return plain;
  throw new DataError(`${fn}: missing file ${gz} (or ${plain}); ${info.howToGet(dir)}`);
}
