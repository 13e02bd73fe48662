import { Packr } from 'msgpackr';
import { ProtocolError, show } from '../errors.js';
import { crc32 } from './crc32.js';
import type { OptimizerConfig } from '../optimizer/optimizerConfig.js';
import type { ParameterSpec } from './shardPlan.js';

/**
 * The wire format between trainers and pservers. Every message is one ZeroMQ multipart message: a small
 * msgpack header frame, then tensor frames holding raw little-endian bytes (Float32 values, Int32 row ids),
 * never packed inside msgpack. Requests carry an `id` the reply echoes, so one DEALER socket can have many
 * requests in flight, and a request lost with a pserver that died is sent again with the same id.
 *
 * A request's header frame ends with 4 bytes: the CRC-32 (little-endian) of the msgpack bytes before it and
 * of every tensor frame after it, so that a damaged or truncated message is refused before it is read.
 * Replies carry `inc`, the pserver's incarnation: a trainer that sees it change knows the pserver restarted
 * and resends what it had in flight.
 */
export const PROTOCOL_VERSION = 2;

/** Largest header frame a pserver reads; anything bigger is answered with an error. */
export const MAX_HEADER_BYTES = 1 << 20;

/** Most tensor frames in one message. */
export const MAX_FRAMES = 1 << 20;

/** Largest task count of a pass (and task id + 1). */
export const MAX_TASKS = 2 ** 31 - 1;

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

/** "Still here": keeps a trainer in the barrier while it waits; the reply says which pserver incarnation answers. */
export interface HeartbeatRequest extends RequestBase {
  op: 'heartbeat';
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
 * A push is applied once: sync pushes are known by (trainer, step), async ones by (trainer, session, seq).
 * `task` (−1: none) is the task this batch completes; the master (pserver 0) marks it done when it takes
 * the gradient.
 */
export interface PushRequest extends RequestBase {
  op: 'push';
  step: number;
  pass: number;
  samples: number;
  version: number;
  tables: TableRows[];
  session: string;
  seq: number;
  task: number;
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

/**
 * Master (pserver 0): the trainer's task of this pass: the one it holds, else a new one. The reply's `task`
 * is a chunk id, −1 when the pass is over, −2 when there is nothing for this trainer yet (others still hold
 * tasks); with `wait` the request waits instead of answering −2. `numTasks` is the trainer's count of the
 * pass's chunks: every trainer must count the same.
 */
export interface TaskRequest extends RequestBase {
  op: 'task';
  pass: number;
  numTasks: number;
  wait: boolean;
}

/** Sync: the trainer has no batch for now; the step barrier goes on without it until its next push. */
export interface IdleRequest extends RequestBase {
  op: 'idle';
  pass: number;
}

export type Request =
  | HelloRequest | HeartbeatRequest | InitRequest | PushRequest | PullRequest | FinishPassRequest | StatsRequest | TaskRequest | IdleRequest;
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
  /** Pushes that were already applied (a resend) or came for a step already done (a trainer dropped from it). */
  duplicates: number;
  stale: number;
  /** Trainers in the barrier now, and how many times one was dropped. */
  activeTrainers: number[];
  dropped: number;
  /** Passes every trainer has finished. */
  passesDone: number;
  /** The checkpoint this pserver resumed from (its step), or −1. */
  resumedFrom: number;
  checkpoints: number;
}

export interface Reply {
  v: number;
  id: number;
  ok: boolean;
  /** The pserver's incarnation (a new one each start). */
  inc: string;
  error?: string;
  step?: number;
  stats?: ServerStats;
  /** push: already applied / for a step already done (not applied now). */
  duplicate?: boolean;
  stale?: boolean;
  /** push (master): the task this push completes was marked done by it. */
  taskDone?: boolean;
  /** task: the chunk id, −1 (pass over) or −2 (nothing yet). */
  task?: number;
}

const packr = new Packr({ useRecords: false, mapsAsObjects: true });

/** A reply's header frame (plain msgpack). */
export function encodeHeader(header: object): Buffer {
  return packr.pack(header);
}

/** A request's header frame: msgpack, then the CRC-32 of it and of the tensor `frames` that follow it. */
export function encodeRequestHeader(header: object, frames: readonly Uint8Array[]): Buffer {
  const body = packr.pack(header);
  const out = Buffer.allocUnsafe(body.length + 4);
  body.copy(out);
  out.writeUInt32LE(checksum(body, frames), body.length);
  return out;
}

/** Checks a request's CRC trailer and reads its header; a ProtocolError says what is wrong. */
export function decodeRequestHeader(frame: Uint8Array | undefined, frames: readonly Uint8Array[]): Record<string, unknown> {
  if (!frame || frame.length < 5) throw new ProtocolError(`header frame of ${frame?.length ?? 0} bytes: expected msgpack and a 4-byte CRC-32`);
  if (frame.length > MAX_HEADER_BYTES) throw new ProtocolError(`header frame of ${frame.length} bytes exceeds the limit of ${MAX_HEADER_BYTES}`);
  if (frames.length > MAX_FRAMES) throw new ProtocolError(`message of ${frames.length + 1} frames exceeds the limit of ${MAX_FRAMES + 1}`);
  const body = frame.subarray(0, frame.length - 4);
  const sent = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).readUInt32LE(frame.length - 4);
  const got = checksum(body, frames);
  if (sent !== got) {
    throw new ProtocolError(`CRC-32 mismatch: the message says ${hex(sent)}, its ${frames.length + 1} frames give ${hex(got)} (damaged, truncated or not an oar request)`);
  }
  return decodeHeader(body);
}

function checksum(body: Uint8Array, frames: readonly Uint8Array[]): number {
  let c = crc32(body);
  for (const f of frames) c = crc32(f, c);
  return c;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/** Reads a header frame (a reply's, or a request's without its trailer); a ProtocolError says what is wrong with it. */
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

const OPS: readonly RequestOp[] = ['hello', 'heartbeat', 'init', 'push', 'pull', 'finishPass', 'stats', 'task', 'idle'];

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
      str(h, 'session');
      uint(h, 'seq');
      int(h, 'task', -1, MAX_TASKS - 1);
      break;
    case 'pull':
      uint(h, 'minStep');
      if (typeof h.dense !== 'boolean') throw new ProtocolError(`header.dense must be a boolean, got ${show(h.dense)}`);
      tables(h, true);
      break;
    case 'finishPass':
    case 'idle':
      uint(h, 'pass');
      break;
    case 'task':
      uint(h, 'pass');
      int(h, 'numTasks', 1, MAX_TASKS);
      if (typeof h.wait !== 'boolean') throw new ProtocolError(`header.wait must be a boolean, got ${show(h.wait)}`);
      break;
    case 'stats':
    case 'heartbeat':
      break;
  }
  return h as unknown as Request;
}

function uint(h: Record<string, unknown>, key: string): void {
  const v = h[key];
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new ProtocolError(`header.${key} must be a non-negative integer, got ${show(v)}`);
}

function int(h: Record<string, unknown>, key: string, min: number, max: number): void {
  const v = h[key];
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > max) throw new ProtocolError(`header.${key} must be an integer in ${min}..${max}, got ${show(v)}`);
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
