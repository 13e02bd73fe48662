import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DataError } from './errors.js';

/** The typed array an IDX file's element type maps to. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX file: its dimensions and its elements in row-major order. */
export interface Idx {
  dims: number[];
  data: IdxData;
}

const gunzipAsync = promisify(gunzip);

// IDX type codes (third byte of the magic number) -> element size and how to build the array.
interface IdxType {
  size: number;
  name: string;
  make: (n: number) => IdxData;
  get: (view: DataView, offset: number) => number;
}

const TYPES: Record<number, IdxType> = {
  0x08: { size: 1, name: 'unsigned byte', make: (n) => new Uint8Array(n), get: (v, o) => v.getUint8(o) },
  0x09: { size: 1, name: 'signed byte', make: (n) => new Int8Array(n), get: (v, o) => v.getInt8(o) },
  0x0b: { size: 2, name: 'short', make: (n) => new Int16Array(n), get: (v, o) => v.getInt16(o) },
  0x0c: { size: 4, name: 'int', make: (n) => new Int32Array(n), get: (v, o) => v.getInt32(o) },
  0x0d: { size: 4, name: 'float', make: (n) => new Float32Array(n), get: (v, o) => v.getFloat32(o) },
  0x0e: { size: 8, name: 'double', make: (n) => new Float64Array(n), get: (v, o) => v.getFloat64(o) },
};

/**
 * Reads an IDX file (the format of MNIST and Fashion-MNIST), plain or gzipped: gzip is recognised by
 * its magic bytes (1f 8b), not by the file name. Multi-byte elements are big-endian in the file.
 * A missing file, a bad gzip stream, a bad magic number or a size that does not match the header is a
 * DataError naming the file.
 *
 * @paddle paddle.v2.dataset.mnist (its reader_creator parses the same format)
 * @example
 * const { dims, data } = await readIdx('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz');
 * // dims [10000], data Uint8Array
 */
export async function readIdx(path: string): Promise<Idx> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'file not found' : `cannot be read (${(e as Error).message})`;
    throw new DataError(`readIdx: ${path}: ${what}`, { cause: e });
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (e) {
      throw new DataError(`readIdx: ${path}: not a valid gzip stream (${(e as Error).message})`, { cause: e });
    }
  }
  return parseIdx(bytes, path);
}

/**
 * Decodes the bytes of an (already decompressed) IDX file; `name` is used in error messages.
 *
 * @example
 * parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]), 'tiny'); // { dims: [2], data: Uint8Array [7, 9] }
 */
export function parseIdx(bytes: Uint8Array, name: string): Idx {
  const fail = (what: string) => new DataError(`readIdx: ${name}: ${what}`);
  if (bytes.length < 4) throw fail(`too short for an IDX header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [zero0, zero1, typeCode, rank] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const type = TYPES[typeCode];
  if (zero0 !== 0 || zero1 !== 0 || type === undefined || rank === 0) {
    const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw fail(`bad magic number ${hex} (expected 00 00, a type code among 08 09 0b 0c 0d 0e, and a rank >= 1)`);
  }
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) throw fail(`truncated header: ${bytes.length} bytes, rank ${rank} needs ${headerSize}`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerSize + count * type.size;
  if (bytes.length !== expected) {
    const how = bytes.length < expected ? 'truncated' : 'has trailing bytes';
    throw fail(`${how}: dims [${dims.join(', ')}] of ${type.name} need ${expected} bytes, the file has ${bytes.length}`);
  }
  if (type.size === 1) {
    const body = new Uint8Array(bytes.subarray(headerSize)); // a copy, never a view on a pooled Buffer
    return { dims, data: typeCode === 0x08 ? body : new Int8Array(body.buffer) };
  }
  const data = type.make(count);
  for (let i = 0, o = headerSize; i < count; i++, o += type.size) data[i] = type.get(view, o);
  return { dims, data };
}
