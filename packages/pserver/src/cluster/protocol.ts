import { Packr } from 'msgpackr';
import { ProtocolError, show } from '../errors.js';
import type { OptimizerConfig } from '../optimizer/optimizerConfig.js';
import type { ParameterSpec } from './shardPlan.js';

/**
 * The wire format between trainers and pservers. Every message is one ZeroMQ multipart message: a small
 * msgpack header frame, then tensor frames holding raw little-endian bytes (Float32 values, Int32 row ids),
 * never packed inside msgpack. Requests carry an `id` the reply echoes, so one DEALER socket can have many
 * requests in flight.
 */
export const PROTOCOL_VERSION = 1;

/** Largest header frame a pserver reads; anything bigger is answered with an error. */
export const MAX_HEADER_BYTES = 1 << 20;

export type SyncMode = 'sync' | 'async';

interface RequestBase {
  v: number;
  id: number;
  trainer: number;
}

/** First contact; answered at once with what the pserver holds. */
export interface HelloRequest extends RequestBase {
  op: 'hello';
  numTrainers: number;
  modelHash: string;
}

/** Trainer 0 gives a pserver its shard: the plan, the optimizer, and (frames) the initial values of its part. */
export interface InitRequest extends RequestBase {
  op: 'init';
  modelHash: string;
  numTrainers: number;
  /** This pserver's position in the trainers' pserver list. */
  server: number;
  numServers: number;
  blockSize: number;
  params: ParameterSpec[];
  optimizer: OptimizerConfig;
}

/** `[param index, number of rows]`: a table's rows in this message (row ids and values as frames). */
export type TableRows = [param: number, rows: number];

/**
 * Gradients of one step: every block of this pserver (frames, plan order), then per table a frame of global
 * row ids (Int32, distinct) and a frame of their gradient rows. `samples` weighs the trainer's gradient (a
 * mean over its batch) in the step's sum; `version` is the pserver step its parameters came from (async).
 */
export interface PushRequest extends RequestBase {
  op: 'push';
  step: number;
  pass: number;
  samples: number;
  version: number;
  tables: TableRows[];
}

/**
 * Values once the pserver has applied `minStep` steps: its blocks (if `dense`), and per table the rows whose
 * ids follow as frames (`rows` = −1: every row this pserver holds, in local order).
 */
export interface PullRequest extends RequestBase {
  op: 'pull';
  minStep: number;
  dense: boolean;
  tables: TableRows[];
}

/** A trainer has no more batches in this pass; answered when every trainer has said so. */
export interface FinishPassRequest extends RequestBase {
  op: 'finishPass';
  pass: number;
}

export interface StatsRequest extends RequestBase {
  op: 'stats';
}

export type Request = HelloRequest | InitRequest | PushRequest | PullRequest | FinishPassRequest | StatsRequest;
export type RequestOp = Request['op'];

/** What a pserver reports about itself (`stats` replies; also in `hello` replies). */
export interface ServerStats {
  initialized: boolean;
  /** Position in the trainers' pserver list (−1 before init). */
  server: number;
  numTrainers: number;
  mode: SyncMode;
  step: number;
  pushes: number;
  /** Async: gradients dropped as too stale. */
  discarded: number;
  bytesIn: number;
  bytesOut: number;
  /** Bytes of Float32/Int32 frames received / sent (tensor payload only). */
  tensorBytesIn: number;
  tensorBytesOut: number;
  /** process.memoryUsage() after a GC when the pserver runs with --expose-gc. */
  memory: { rss: number; heapUsed: number; arrayBuffers: number };
  errors: number;
}

export interface Reply {
  v: number;
  id: number;
  ok: boolean;
  error?: string;
  step?: number;
  stats?: ServerStats;
}

const packr = new Packr({ useRecords: false, mapsAsObjects: true });

export function encodeHeader(header: object): Buffer {
  return packr.pack(header);
}

/** Reads a header frame; a ProtocolError says what is wrong with it. */
export function decodeHeader(frame: Uint8Array | undefined): Record<string, unknown> {
  if (!frame || frame.length === 0) throw new ProtocolError('empty message: expected a msgpack header frame');
  if (frame.length > MAX_HEADER_BYTES) throw new ProtocolError(`header frame of ${frame.length} bytes exceeds the limit of ${MAX_HEADER_BYTES}`);
  let header: unknown;
  try {
    header = packr.unpack(frame);
  } catch (e) {
    throw new ProtocolError(`header frame is not msgpack: ${(e as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new ProtocolError(`header must be a msgpack map, got ${show(header)}`);
  }
  return header as Record<string, unknown>;
}

const OPS: readonly RequestOp[] = ['hello', 'init', 'push', 'pull', 'finishPass', 'stats'];

/** Checks a request header field by field; throws a ProtocolError naming the first bad field. */
export function parseRequest(h: Record<string, unknown>): Request {
  if (h.v !== PROTOCOL_VERSION) throw new ProtocolError(`header.v must be ${PROTOCOL_VERSION}, got ${show(h.v)}`);
  uint(h, 'id');
  if (!OPS.includes(h.op as RequestOp)) throw new ProtocolError(`header.op must be one of ${OPS.join(', ')}; got ${show(h.op)}`);
  uint(h, 'trainer');
  switch (h.op as RequestOp) {
    case 'hello':
      uint(h, 'numTrainers');
      str(h, 'modelHash');
      break;
    case 'init':
      str(h, 'modelHash');
      uint(h, 'numTrainers');
      uint(h, 'server');
      uint(h, 'numServers');
      uint(h, 'blockSize');
      if (!Array.isArray(h.params)) throw new ProtocolError(`header.params must be an array, got ${show(h.params)}`);
      if (typeof h.optimizer !== 'object' || h.optimizer === null) throw new ProtocolError(`header.optimizer must be a map, got ${show(h.optimizer)}`);
      break;
    case 'push':
      uint(h, 'step');
      uint(h, 'pass');
      uint(h, 'samples');
      uint(h, 'version');
      tables(h, false);
      break;
    case 'pull':
      uint(h, 'minStep');
      if (typeof h.dense !== 'boolean') throw new ProtocolError(`header.dense must be a boolean, got ${show(h.dense)}`);
      tables(h, true);
      break;
    case 'finishPass':
      uint(h, 'pass');
      break;
    case 'stats':
      break;
  }
  return h as unknown as Request;
}

function uint(h: Record<string, unknown>, key: string): void {
  const v = h[key];
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new ProtocolError(`header.${key} must be a non-negative integer, got ${show(v)}`);
}

function str(h: Record<string, unknown>, key: string): void {
  const v = h[key];
  if (typeof v !== 'string' || v.length > 256) throw new ProtocolError(`header.${key} must be a string of at most 256 characters, got ${show(v)}`);
}

function tables(h: Record<string, unknown>, allowAll: boolean): void {
  const t = h.tables;
  if (!Array.isArray(t)) throw new ProtocolError(`header.tables must be an array of [param, rows], got ${show(t)}`);
  t.forEach((entry, i) => {
    const ok = Array.isArray(entry) && entry.length === 2 && Number.isSafeInteger(entry[0]) && entry[0] >= 0
      && Number.isSafeInteger(entry[1]) && (entry[1] >= 0 || (allowAll && entry[1] === -1));
    if (!ok) throw new ProtocolError(`header.tables[${i}] must be [param index, rows${allowAll ? ' or -1' : ''}], got ${show(entry)}`);
  });
}

/** A Float32Array over a frame's bytes (copied only when the frame is not 4-byte aligned). */
export function floatsOf(frame: Uint8Array, expected: number, what: string): Float32Array {
  return typedOf(frame, expected, what, Float32Array);
}

export function intsOf(frame: Uint8Array, expected: number, what: string): Int32Array {
  return typedOf(frame, expected, what, Int32Array);
}

function typedOf<T extends Float32Array | Int32Array>(
  frame: Uint8Array | undefined, expected: number, what: string, Kind: { new (b: ArrayBuffer, o: number, n: number): T; new (n: number): T },
): T {
  if (!frame) throw new ProtocolError(`${what}: frame missing`);
  if (frame.byteLength !== expected * 4) {
    throw new ProtocolError(`${what}: frame of ${frame.byteLength} bytes, expected ${expected} × 4 = ${expected * 4}`);
  }
  if (frame.byteOffset % 4 === 0) return new Kind(frame.buffer as ArrayBuffer, frame.byteOffset, expected);
  const copy = new Kind(expected);
  new Uint8Array(copy.buffer).set(frame);
  return copy;
}

/** The bytes of a typed array as a Buffer view (no copy). */
export function bytesOf(a: Float32Array | Int32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
