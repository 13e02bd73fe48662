import {
  decodeParameterConfig, encodeMessage, encodeParameterConfig, toModelConfig, type ParameterConfig, type ProtoMessage, type Topology,
} from '@oar/layers';
import { ConfigError } from './errors.js';
import { decodeParameter, encodeParameter } from './ParameterFiles.js';
import { Parameters } from './Parameters.js';

/** One regular file of a tar archive. */
export interface TarEntry {
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Writes a tar archive (POSIX ustar; a name longer than 100 bytes gets a pax `path` record), files only,
 * mode 0644, mtime 0, so the same entries always give the same bytes.
 * @example
 * writeFileSync('a.tar', writeTar([{ name: 'w', data: bytes }]));
 */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    if (name.length > 100) {
      const record = paxRecord('path', entry.name);
      blocks.push(header(encoder.encode('././@PaxHeader'), record.length, 'x'), padded(record));
    }
    blocks.push(header(name.subarray(0, 100), entry.data.length, '0'), padded(entry.data));
  }
  blocks.push(new Uint8Array(2 * BLOCK));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

function header(name: Uint8Array, size: number, type: string): Uint8Array {
  const h = new Uint8Array(BLOCK);
  h.set(name, 0);
  h.set(encoder.encode('0000644\0'), 100);
  h.set(encoder.encode('0000000\0'), 108);
  h.set(encoder.encode('0000000\0'), 116);
  if (size < 8 ** 11) h.set(encoder.encode(`${size.toString(8).padStart(11, '0')}\0`), 124);
  else {
    // GNU base-256 for sizes that 11 octal digits cannot hold.
    let rest = BigInt(size);
    for (let i = 135; i > 124; i--, rest >>= 8n) h[i] = Number(rest & 0xffn);
    h[124] = 0x80;
  }
  h.set(encoder.encode('00000000000\0'), 136);
  h[156] = type.charCodeAt(0);
  h.set(encoder.encode('ustar\0'), 257);
  h.set(encoder.encode('00'), 263);
  h.set(encoder.encode(`${checksum(h).toString(8).padStart(6, '0')}\0 `), 148);
  return h;
}

/** The sum of the header's bytes with the checksum field as spaces. */
function checksum(h: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / BLOCK) * BLOCK);
  out.set(data);
  return out;
}

/** A pax record `LEN key=value\n`, LEN counting its own digits. */
function paxRecord(key: string, value: string): Uint8Array {
  const body = encoder.encode(` ${key}=${value}\n`).length;
  let len = body + 1;
  while (String(len).length + body !== len) len = String(len).length + body;
  return encoder.encode(`${len} ${key}=${value}\n`);
}

/**
 * Reads the regular files of a tar archive: ustar (with its name prefix), pax `path` records and GNU long
 * names, as Python's tarfile writes them. A bad checksum or a cut archive is an error.
 * @example
 * for (const { name, data } of readTar(readFileSync('params.tar'))) console.log(name, data.length);
 */
export function readTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let pos = 0;
  let longName: string | undefined;
  while (pos + BLOCK <= bytes.length) {
    const h = bytes.subarray(pos, pos + BLOCK);
    if (h.every((b) => b === 0)) return entries;
    const stored = parseOctal(h.subarray(148, 156));
    if (stored !== checksum(h)) throw new ConfigError(`tar: the header at byte ${pos} has a bad checksum (${stored}, computed ${checksum(h)}); not a tar archive, or a damaged one`);
    const size = parseSize(h.subarray(124, 136));
    const type = String.fromCharCode(h[156]!);
    const start = pos + BLOCK;
    if (start + size > bytes.length) throw new ConfigError(`tar: the archive ends inside ${JSON.stringify(cString(h.subarray(0, 100)))} (${size} bytes wanted)`);
    const data = bytes.subarray(start, start + size);
    pos = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') longName = paxPath(data) ?? longName;
    else if (type === 'L') longName = cString(data);
    else if (type === '0' || type === '\0' || type === '7') {
      const prefix = cString(h.subarray(257, 263)).startsWith('ustar') ? cString(h.subarray(345, 500)) : '';
      const name = longName ?? (prefix ? `${prefix}/${cString(h.subarray(0, 100))}` : cString(h.subarray(0, 100)));
      entries.push({ name, data });
      longName = undefined;
    } else if (type !== 'g') longName = undefined;
  }
  if (pos < bytes.length || entries.length === 0) throw new ConfigError(`tar: the archive ends without its end-of-archive blocks (${bytes.length} bytes)`);
  return entries;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function parseOctal(bytes: Uint8Array): number {
  const text = cString(bytes).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function parseSize(bytes: Uint8Array): number {
  if (!(bytes[0]! & 0x80)) return parseOctal(bytes);
  let v = BigInt(bytes[0]! & 0x7f);
  for (const b of bytes.subarray(1)) v = (v << 8n) | BigInt(b);
  return Number(v);
}

function paxPath(data: Uint8Array): string | undefined {
  let path: string | undefined;
  for (let at = 0; at < data.length;) {
    const space = data.indexOf(0x20, at);
    const len = parseInt(decoder.decode(data.subarray(at, space)), 10);
    if (!(len > 0)) break;
    const record = decoder.decode(data.subarray(space + 1, at + len - 1));
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    at += len;
  }
  return path;
}

/**
 * Paddle's v2 parameter archive: for every parameter a file NAME (Paddle's binary format: version 0, value size
 * 4, count, float32 values) and a file NAME.protobuf (its ParameterConfig, serialized). Given the topology, the
 * configs are those of its exported ModelConfig (a batch norm's moving statistics `is_shared`, as Paddle's).
 * @paddle paddle.v2.parameters.Parameters.to_tar
 * @example
 * writeFileSync('params.tar', writeParameterTar(parameters, topology));
 */
export function writeParameterTar(params: Parameters, topology?: Topology): Uint8Array {
  const exported = new Map(((topology ? toModelConfig(topology.config).parameters : undefined) ?? []).map((m) => [(m as ProtoMessage).name![0], m as ProtoMessage]));
  return writeTar(params.names().flatMap((name) => {
    const config = exported.get(name);
    return [
      { name, data: encodeParameter(params.get(name)) },
      { name: `${name}.protobuf`, data: config ? encodeMessage(config, 'ParameterConfig') : encodeParameterConfig(params.config(name)) },
    ];
  }));
}

/**
 * Reads a v2 parameter archive: each parameter's config and values (their count checked against the config).
 * @paddle paddle.v2.parameters.Parameters.from_tar
 * @example
 * const { configs, values } = readParameterTar(readFileSync('params.tar'));
 */
export function readParameterTar(bytes: Uint8Array): { configs: Map<string, ParameterConfig>; values: Map<string, Float32Array> } {
  const files = new Map(readTar(bytes).map((e) => [e.name, e.data]));
  const configs = new Map<string, ParameterConfig>();
  const values = new Map<string, Float32Array>();
  for (const [file, data] of files) {
    if (!file.endsWith('.protobuf')) continue;
    const config = decodeParameterConfig(data);
    const raw = files.get(config.name);
    if (!raw) throw new ConfigError(`parameter tar: ${file} has no values file ${JSON.stringify(config.name)}`);
    const value = decodeParameter(raw, config.name);
    if (value.length !== config.size) {
      throw new ConfigError(`parameter tar: ${JSON.stringify(config.name)} holds ${value.length} values but its config says size ${config.size}`);
    }
    configs.set(config.name, config);
    values.set(config.name, value);
  }
  if (configs.size === 0) throw new ConfigError('parameter tar: no NAME.protobuf entries; not a Paddle v2 parameter archive');
  return { configs, values };
}

/**
 * A topology's parameters from a v2 parameter archive: every parameter must be there with its size; the
 * archive's other parameters are left out (as Paddle's `init_from_tar` does).
 * @paddle paddle.v2.parameters.Parameters.init_from_tar
 * @example
 * const parameters = loadParameterTar(topology, readFileSync('params.tar'));
 */
export function loadParameterTar(topology: Topology, bytes: Uint8Array): Parameters {
  const { configs, values } = readParameterTar(bytes);
  for (const param of topology.parameters) {
    const stored = configs.get(param.name);
    if (!stored) throw new ConfigError(`parameter tar: no parameter ${JSON.stringify(param.name)}; the archive holds ${[...configs.keys()].join(', ')}`);
    if (stored.size !== param.size) {
      throw new ConfigError(`parameter tar: ${JSON.stringify(param.name)} has ${stored.size} values (shape [${stored.dims}]) in the archive but ${param.size} (shape [${param.dims}]) in the model`);
    }
  }
  return Parameters.fromValues(topology, values);
}
