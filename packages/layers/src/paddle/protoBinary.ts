import type { ParameterConfig } from '../config.js';
import { FormatError } from '../errors.js';
import { fieldSpec, isMessageKind, MESSAGES, type FieldSpec, type MessageName } from './modelConfigSchema.js';
import type { ProtoMessage, ProtoValue } from './protostr.js';

/**
 * Protobuf's binary wire format for the messages of `modelConfigSchema` (proto2): fields in number order,
 * repeated scalars unpacked (packed ones are read too), unknown fields skipped when reading.
 * @paddle Message.SerializeToString (python protobuf)
 * @example
 * const bytes = encodeMessage({ name: ['w'], size: [6] }, 'ParameterConfig');
 */
export function encodeMessage(message: ProtoMessage, type: MessageName): Uint8Array {
  const out: number[] = [];
  for (const spec of MESSAGES[type]) {
    for (const value of message[spec.name] ?? []) writeField(out, spec, value);
  }
  const unknown = Object.keys(message).filter((k) => !fieldSpec(type, k));
  if (unknown.length) throw new FormatError(`protobuf: ${type} has no field ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
  return Uint8Array.from(out);
}

/**
 * Reads protobuf's binary wire format into a message of `modelConfigSchema` (field names as keys, lists of values).
 * @paddle Message.ParseFromString (python protobuf)
 * @example
 * decodeMessage(bytes, 'ParameterConfig').dims; // [2, 3]
 */
export function decodeMessage(bytes: Uint8Array, type: MessageName): ProtoMessage {
  const byNumber = new Map(MESSAGES[type].map((s) => [s.number, s]));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const message: ProtoMessage = {};
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (pos >= bytes.length) throw new FormatError(`protobuf: ${type} ends inside a varint`);
      const b = bytes[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      if (shift > 63n) throw new FormatError(`protobuf: ${type} has a varint longer than 10 bytes`);
    }
  };
  const take = (n: number): Uint8Array => {
    if (pos + n > bytes.length) throw new FormatError(`protobuf: ${type} ends inside a field (${n} bytes wanted at ${pos} of ${bytes.length})`);
    pos += n;
    return bytes.subarray(pos - n, pos);
  };
  while (pos < bytes.length) {
    const key = varint();
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    const spec = byNumber.get(number);
    const put = (v: ProtoValue) => (message[spec!.name] ??= []).push(v);
    if (wire === 0) {
      const v = varint();
      if (spec) put(scalarOfVarint(v, spec));
    } else if (wire === 1) {
      const at = pos;
      take(8);
      if (spec) put(view.getFloat64(at, true));
    } else if (wire === 5) {
      const at = pos;
      take(4);
      if (spec) put(view.getFloat32(at, true));
    } else if (wire === 2) {
      const body = take(Number(varint()));
      if (!spec) continue;
      if (spec.kind === 'string') put(new TextDecoder().decode(body));
      else if (isMessageKind(spec.kind)) put(decodeMessage(body, spec.kind));
      else for (const v of unpack(body, spec, type)) put(v);
    } else throw new FormatError(`protobuf: ${type} field ${number} has wire type ${wire}, which is not supported`);
  }
  return message;
}

function scalarOfVarint(v: bigint, spec: FieldSpec): ProtoValue {
  if (spec.kind === 'bool') return v !== 0n;
  if (spec.kind === 'int32') return Number(BigInt.asIntN(32, v));
  if (spec.kind === 'uint32') return Number(BigInt.asUintN(32, v));
  return Number(BigInt.asUintN(64, v));
}

/** A packed repeated field: varints or doubles back to back. */
function unpack(body: Uint8Array, spec: FieldSpec, type: string): ProtoValue[] {
  if (spec.kind === 'double') {
    const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
    return Array.from({ length: body.length / 8 }, (_, i) => view.getFloat64(i * 8, true));
  }
  const values: ProtoValue[] = [];
  let v = 0n;
  let shift = 0n;
  for (const b of body) {
    v |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if (b < 0x80) {
      values.push(scalarOfVarint(v, spec));
      v = 0n;
      shift = 0n;
    }
  }
  if (shift !== 0n) throw new FormatError(`protobuf: ${type}.${spec.name} ends inside a packed varint`);
  return values;
}

function writeField(out: number[], spec: FieldSpec, value: ProtoValue): void {
  const kind = spec.kind;
  if (isMessageKind(kind)) {
    if (typeof value !== 'object') throw new FormatError(`protobuf: ${spec.name} must be a message, got ${JSON.stringify(value)}`);
    const body = encodeMessage(value, kind);
    writeVarint(out, BigInt((spec.number << 3) | 2));
    writeVarint(out, BigInt(body.length));
    out.push(...body);
  } else if (kind === 'string') {
    const body = new TextEncoder().encode(String(value));
    writeVarint(out, BigInt((spec.number << 3) | 2));
    writeVarint(out, BigInt(body.length));
    out.push(...body);
  } else if (kind === 'double') {
    writeVarint(out, BigInt((spec.number << 3) | 1));
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, Number(value), true);
    out.push(...bytes);
  } else {
    writeVarint(out, BigInt(spec.number << 3));
    const n = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
    if (!Number.isInteger(n)) throw new FormatError(`protobuf: ${spec.name} must be an integer, got ${JSON.stringify(value)}`);
    writeVarint(out, BigInt.asUintN(64, BigInt(n)));
  }
}

function writeVarint(out: number[], v: bigint): void {
  let rest = v;
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
}

/**
 * A parameter's config as Paddle serializes it into a v2 parameter tar (`NAME.protobuf`).
 * @paddle ParameterConfig.SerializeToString (paddle.v2.parameters.Parameters.to_tar)
 * @example
 * const bytes = encodeParameterConfig(topology.parameter('___fc_layer_0__.w0'));
 */
export function encodeParameterConfig(config: ParameterConfig): Uint8Array {
  const message: ProtoMessage = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    message[key] = Array.isArray(value) ? value : [value as ProtoValue];
  }
  return encodeMessage(message, 'ParameterConfig');
}

/**
 * Reads a serialized ParameterConfig into Oar's form. Settings Oar does not have (L1 decay, sparse formats,
 * update hooks ...) are an error naming them; `is_shared` and `is_sparse` false, Paddle's own bookkeeping, are dropped.
 * @paddle ParameterConfig.ParseFromString (paddle.v2.parameters.Parameters.from_tar)
 * @example
 * const config = decodeParameterConfig(tarEntry);
 */
export function decodeParameterConfig(bytes: Uint8Array): ParameterConfig {
  const m = decodeMessage(bytes, 'ParameterConfig');
  const one = (key: string) => m[key]?.[0];
  const name = one('name');
  if (typeof name !== 'string') throw new FormatError('parameter config: name is missing');
  const where = `parameter config ${JSON.stringify(name)}`;
  const size = Number(one('size') ?? NaN);
  if (!Number.isInteger(size)) throw new FormatError(`${where}: size is missing`);
  const dims = (m.dims ?? [1, size]).map(Number);
  const config: ParameterConfig = {
    name, size, dims,
    initial_mean: Number(one('initial_mean') ?? 0),
    initial_std: Number(one('initial_std') ?? 0.01),
    initial_strategy: Number(one('initial_strategy') ?? 0) === 1 ? 1 : 0,
    initial_smart: one('initial_smart') === true,
  };
  const copy = (key: keyof ParameterConfig) => {
    const v = one(key);
    if (v !== undefined) Object.assign(config, { [key]: v });
  };
  (['learning_rate', 'momentum', 'decay_rate', 'gradient_clipping_threshold'] as const).forEach(copy);
  if (one('sparse_update') === true) config.sparse_update = true;
  if (one('is_static') === true) config.is_static = true;
  const foreign = Object.keys(m).filter((k) => !KNOWN_PARAMETER_FIELDS.has(k) && !isDefault(k, m[k]!));
  if (foreign.length) throw new FormatError(`${where}: ${foreign.join(', ')} ${foreign.length > 1 ? 'are' : 'is'} not supported by Oar`);
  return config;
}

const KNOWN_PARAMETER_FIELDS = new Set([
  'name', 'size', 'dims', 'initial_mean', 'initial_std', 'initial_strategy', 'initial_smart', 'learning_rate', 'momentum',
  'decay_rate', 'gradient_clipping_threshold', 'sparse_update', 'is_static', 'is_shared', 'para_id', 'device', 'parameter_block_size',
]);

function isDefault(key: string, values: ProtoValue[]): boolean {
  const spec = fieldSpec('ParameterConfig', key);
  if (!spec || values.length !== 1) return false;
  const fallback = spec.default ?? (spec.kind === 'string' ? '' : spec.kind === 'bool' ? false : 0);
  return values[0] === fallback;
}
