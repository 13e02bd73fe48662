// Where dataset files live and how they are checked (internal: dataHome and md5File are exported).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DataError } from './errors.js';
import { show } from './validate.js';

/** A file as its publisher distributes it. */
export interface PublishedFile {
  /** The file name, e.g. `cifar-10-binary.tar.gz`. */
  name: string;
  url: string;
  /** The MD5 its publisher (or Paddle's module) lists; undefined when none is published. */
  md5?: string;
}

/**
 * The folder where dataset `name` is looked for when no path is given: `$OAR_DATA_HOME/name`, or
 * `~/.cache/oar/dataset/name`. Nothing is downloaded: put the publisher's files there.
 *
 * @paddle paddle.v2.dataset.common.DATA_HOME
 * @example
 * dataHome('cifar'); // "/home/me/.cache/oar/dataset/cifar"
 */
export function dataHome(name?: string): string {
  const env = process.env.OAR_DATA_HOME;
  const root = env !== undefined && env !== '' ? env : join(homedir(), '.cache', 'oar', 'dataset');
  return name === undefined ? root : join(root, name);
}

/**
 * The MD5 of a file as lowercase hex, read as a stream.
 *
 * @paddle paddle.v2.dataset.common.md5file
 * @example
 * await md5File('/data/cifar-10-binary.tar.gz'); // "c32a1d4ab5d03f1284b67883e8d87530"
 */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The `file` and `md5` options every dataset file takes. */
export interface FileOptions {
  /** The file; default: its published name under `dataHome(dataset)`. */
  file?: string;
  /** `false` skips the check; a string is the MD5 to expect instead of the published one. */
  md5?: string | false;
}

/**
 * Finds a dataset file and, once per returned function's first call, checks its MD5 (internal). The
 * DataError for a missing file says where to get it and where to put it.
 */
export function datasetFile(fn: string, dataset: string, published: PublishedFile, options: FileOptions): () => Promise<string> {
  const { file, md5 = published.md5 } = options;
  if (file !== undefined && (typeof file !== 'string' || file === '')) {
    throw new ConfigError(`${fn}: file must be a non-empty string, got ${show(file)}`);
  }
  if (md5 !== undefined && md5 !== false && (typeof md5 !== 'string' || !/^[0-9a-f]{32}$/i.test(md5))) {
    throw new ConfigError(`${fn}: md5 must be 32 hex digits or false, got ${show(md5)}`);
  }
  let checked: Promise<string> | undefined;
  return () => {
    checked ??= check(fn, dataset, published, file, md5 || undefined).catch((e: unknown) => {
      checked = undefined; // a later pass may find the file
      throw e;
    });
    return checked;
  };
}

async function check(fn: string, dataset: string, published: PublishedFile, file: string | undefined, md5: string | undefined) {
  const path = file ?? join(dataHome(dataset), published.name);
  if (!existsSync(path)) {
    throw new DataError(
      `${fn}: missing file ${path}; download ${published.url}` +
        (published.md5 ? ` (md5 ${published.md5})` : '') +
        (file === undefined ? ' into that folder (or set OAR_DATA_HOME), or pass { file }' : ''),
    );
  }
  if (md5 !== undefined) {
    const actual = await md5File(path).catch((e: unknown) => {
      throw new DataError(`${fn}: cannot read ${path}: ${(e as Error).message}`, { cause: e });
    });
    if (actual !== md5.toLowerCase()) {
      throw new DataError(
        `${fn}: ${path} has md5 ${actual}, expected ${md5.toLowerCase()} (an incomplete or different download; ` +
          'fetch it again, or pass { md5: false } to skip the check)',
      );
    }
  }
  return path;
}
