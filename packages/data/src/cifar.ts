import { datasetFile, type FileOptions, type PublishedFile } from './dataFiles.js';
import { ConfigError, DataError } from './errors.js';
import type { ImageSample } from './mnist.js';
import type { Reader } from './reader.js';
import { readTar } from './readTar.js';
import { checkOptions, show } from './validate.js';

/** Options of the CIFAR readers: the archive (`file`, default under `dataHome('cifar')`) and its MD5 check. */
export type CifarOptions = FileOptions;

/** Options of the CIFAR-100 readers. */
export interface Cifar100Options extends CifarOptions {
  /** `"fine"` (default, 100 classes, as Paddle) or `"coarse"` (20 superclasses). */
  labels?: 'fine' | 'coarse';
}

interface Variant {
  dataset: string;
  published: PublishedFile;
  /** Label bytes before the 3072 pixel bytes of a record. */
  labelBytes: 1 | 2;
  members: { train: RegExp; test: RegExp };
}

const PIXELS = 3 * 32 * 32;
const CIFAR10: Variant = {
  dataset: 'cifar10',
  published: { name: 'cifar-10-binary.tar.gz', url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530' },
  labelBytes: 1,
  members: { train: /(^|\/)data_batch_\d+\.bin$/, test: /(^|\/)test_batch\.bin$/ },
};
const CIFAR100: Variant = {
  dataset: 'cifar100',
  published: { name: 'cifar-100-binary.tar.gz', url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz', md5: '03b5dce01913d631647c71ecec9e9cb8' },
  labelBytes: 2,
  members: { train: /(^|\/)train\.bin$/, test: /(^|\/)test\.bin$/ },
};

/**
 * CIFAR-10 and CIFAR-100 (32×32 colour images) from the binary version of the archives
 * (`cifar-10-binary.tar.gz`, `cifar-100-binary.tar.gz`), read from `file` or from
 * `dataHome('cifar')`; the archive's published MD5 is checked on the first pass. Samples are laid out
 * as Paddle's: `[Float32Array(3072), label]`, pixels / 255 in [0, 1], channel-major (1024 red, 1024
 * green, 1024 blue values, each row by row). Each pass streams the archive; members come in archive
 * order (CIFAR-10's train set is `data_batch_1..5.bin`).
 *
 * @paddle paddle.v2.dataset.cifar (train10, test10, train100, test100)
 * @example
 * const train = cifar.train10({ file: '/data/cifar-10-binary.tar.gz' }); // 50,000 [image, 0..9]
 */
export const cifar = {
  /** CIFAR-10's 50,000 training images, labels 0..9. */
  train10: (options?: CifarOptions): Reader<ImageSample> => cifarReader('cifar.train10', CIFAR10, 'train', options),
  /** CIFAR-10's 10,000 test images. */
  test10: (options?: CifarOptions): Reader<ImageSample> => cifarReader('cifar.test10', CIFAR10, 'test', options),
  /** CIFAR-100's 50,000 training images, fine labels 0..99 (or coarse 0..19). */
  train100: (options?: Cifar100Options): Reader<ImageSample> => cifarReader('cifar.train100', CIFAR100, 'train', options),
  /** CIFAR-100's 10,000 test images. */
  test100: (options?: Cifar100Options): Reader<ImageSample> => cifarReader('cifar.test100', CIFAR100, 'test', options),
  /** Decodes the records of one `.bin` member (for tools; `name` is used in errors). */
  decode: (bytes: Uint8Array, variant: 10 | 100, name: string, labels: 'fine' | 'coarse' = 'fine'): ImageSample[] =>
    [...decodeBatch(bytes, variant === 10 ? CIFAR10 : CIFAR100, labels, name)],
};

function cifarReader(fn: string, variant: Variant, split: 'train' | 'test', options?: Cifar100Options): Reader<ImageSample> {
  const allowed = variant.labelBytes === 2 ? ['file', 'md5', 'labels'] : ['file', 'md5'];
  const opts = checkOptions(fn, options, allowed) as Cifar100Options;
  const labels = opts.labels ?? 'fine';
  if (labels !== 'fine' && labels !== 'coarse') throw new ConfigError(`${fn}: labels must be "fine" or "coarse", got ${show(labels)}`);
  const archive = datasetFile(fn, 'cifar', variant.published, opts);
  return async function* () {
    const path = await archive();
    let found = 0;
    for await (const { name, data } of tarOf(fn, path)) {
      if (/cifar-10{1,2}-(batches-)?py/.test(name)) {
        throw new DataError(`${fn}: ${path} is the python version of CIFAR; Oar reads the binary version, ${variant.published.url}`);
      }
      if (!variant.members[split].test(name)) continue;
      found += 1;
      yield* decodeBatch(data, variant, labels, `${path}: ${name}`);
    }
    if (found === 0) {
      throw new DataError(`${fn}: ${path} has no member matching ${variant.members[split]} (is it ${variant.published.name}?)`);
    }
  };
}

async function* tarOf(fn: string, path: string) {
  try {
    yield* readTar(path);
  } catch (e) {
    throw e instanceof DataError ? new DataError(`${fn}: ${e.message}`, { cause: e }) : e;
  }
}

function* decodeBatch(bytes: Uint8Array, variant: Variant, labels: 'fine' | 'coarse', name: string): Generator<ImageSample> {
  const record = variant.labelBytes + PIXELS;
  if (bytes.length % record !== 0) {
    throw new DataError(`cifar: ${name}: ${bytes.length} bytes is not a whole number of ${record}-byte records (truncated?)`);
  }
  const [labelAt, classes] = variant.labelBytes === 1 ? [0, 10] : labels === 'fine' ? [1, 100] : [0, 20];
  for (let at = 0, i = 0; at < bytes.length; at += record, i++) {
    const label = bytes[at + labelAt]!;
    if (label >= classes) throw new DataError(`cifar: ${name}: record ${i} has label ${label}, expected 0..${classes - 1}`);
    const image = new Float32Array(PIXELS);
    const pixels = bytes.subarray(at + variant.labelBytes, at + record);
    for (let p = 0; p < PIXELS; p++) image[p] = pixels[p]! / 255;
    yield [image, label];
  }
}
