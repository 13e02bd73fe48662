import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Topology } from '@oar/layers';
import { ConfigError } from './errors.js';
import { Parameters } from './Parameters.js';

const HEADER_BYTES = 16;

/**
 * One parameter in Paddle's binary format: int32 version (0), uint32 value size (4), uint64 count,
 * then the float32 values, little-endian.
 * @paddle Parameter::save / Parameter::load
 */
export function encodeParameter(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + values.byteLength);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, 0, true);
  view.setUint32(4, 4, true);
  view.setBigUint64(8, BigInt(values.length), true);
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), HEADER_BYTES);
  return bytes;
}

export function decodeParameter(bytes: Uint8Array, name: string): Float32Array {
  if (bytes.length < HEADER_BYTES) throw new ConfigError(`parameter file ${name}: ${bytes.length} bytes is too short for Paddle's 16-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getInt32(0, true);
  const valueSize = view.getUint32(4, true);
  const count = Number(view.getBigUint64(8, true));
  if (version !== 0 || valueSize !== 4) {
    throw new ConfigError(`parameter file ${name}: header says version ${version}, value size ${valueSize}; expected version 0 and 4-byte floats`);
  }
  if (bytes.length !== HEADER_BYTES + count * 4) {
    throw new ConfigError(`parameter file ${name}: header says ${count} floats but the file holds ${(bytes.length - HEADER_BYTES) / 4}`);
  }
  const values = new Float32Array(count);
  new Uint8Array(values.buffer).set(bytes.subarray(HEADER_BYTES));
  return values;
}

/** Writes every parameter as `DIR/NAME` in Paddle's format (Paddle's `pass-NNNNN` folder layout). */
export async function saveParameters(params: Parameters, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of params.names()) {
    const file = join(dir, name);
    await writeFile(`${file}.tmp`, encodeParameter(params.get(name)));
    await rename(`${file}.tmp`, file);
  }
}

/** Reads the parameters of `topology` from `DIR/NAME` files, checking every size. */
export async function loadParameters(topology: Topology, dir: string): Promise<Parameters> {
  const present = new Set(await readdir(dir).catch(() => {
    throw new ConfigError(`parameters: cannot read the folder ${dir}; give a pass folder written by training (DIR/pass-NNNNN)`);
  }));
  const values = new Map<string, Float32Array>();
  for (const config of topology.parameters) {
    if (!present.has(config.name)) throw new ConfigError(`parameters: ${dir} has no file for parameter ${JSON.stringify(config.name)}`);
    values.set(config.name, decodeParameter(await readFile(join(dir, config.name)), config.name));
  }
  return Parameters.fromValues(topology, values);
}
