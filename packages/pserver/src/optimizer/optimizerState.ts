import { FormatError, ShapeError } from '../errors.js';

/**
 * An optimizer's state for one parameter (or one shard of it): what a checkpoint must keep.
 * `step` counts the updates applied; `slots` hold per-element buffers such as `momentum`.
 */
export interface OptimizerState {
  step: number;
  slots: Record<string, Float32Array>;
}

const MAGIC = 0x5352414f; // 'OARS' read as a little-endian u32
const VERSION = 1;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A deep copy of an optimizer state (new buffers).
 *
 * @example
 * const saved = cloneOptimizerState(state);
 */
export function cloneOptimizerState(state: OptimizerState): OptimizerState {
  const slots: Record<string, Float32Array> = {};
  for (const [name, slot] of Object.entries(state.slots)) slots[name] = slot.slice();
  return { step: state.step, slots };
}

/**
 * Encodes an optimizer state as bytes for a checkpoint: a small JSON header (step, slot names and lengths)
 * then each slot's floats, little-endian. The checkpoint writer adds its own checksum.
 *
 * Layout: u32 magic 'OARS', u32 version, u32 header length, header (UTF-8 JSON), zero padding to a multiple
 * of 4, then the slots' float32 data in header order.
 *
 * @example
 * const bytes = encodeOptimizerState(state);
 * const back = decodeOptimizerState(bytes);
 */
export function encodeOptimizerState(state: OptimizerState): Uint8Array {
  const names = Object.keys(state.slots);
  const header = new TextEncoder().encode(
    JSON.stringify({ step: state.step, slots: names.map((name) => ({ name, length: state.slots[name]!.length })) }),
  );
  const dataStart = align4(12 + header.length);
  const total = dataStart + names.reduce((sum, name) => sum + 4 * state.slots[name]!.length, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, header.length, true);
  bytes.set(header, 12);
  let offset = dataStart;
  for (const name of names) {
    const slot = state.slots[name]!;
    if (LITTLE_ENDIAN) bytes.set(new Uint8Array(slot.buffer, slot.byteOffset, slot.byteLength), offset);
    else for (let i = 0; i < slot.length; i++) view.setFloat32(offset + 4 * i, slot[i]!, true);
    offset += slot.byteLength;
  }
  return bytes;
}

/**
 * Decodes bytes made by {@link encodeOptimizerState}; throws a FormatError on anything else.
 *
 * @example
 * const state = decodeOptimizerState(readFileSync('shard-0.state'));
 */
export function decodeOptimizerState(bytes: Uint8Array): OptimizerState {
  if (!(bytes instanceof Uint8Array) || bytes.length < 12) {
    throw new FormatError(`decodeOptimizerState: expected the bytes of an encoded state, got ${describeBytes(bytes)}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new FormatError(`decodeOptimizerState: not an optimizer state (bad magic)`);
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new FormatError(`decodeOptimizerState: version ${version} is not supported (expected ${VERSION})`);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) {
    throw new FormatError(`decodeOptimizerState: header of ${headerLength} bytes runs past the end (${bytes.length} bytes)`);
  }
  const header = parseHeader(bytes.subarray(12, 12 + headerLength));
  let offset = align4(12 + headerLength);
  const expected = offset + header.slots.reduce((sum, s) => sum + 4 * s.length, 0);
  if (expected !== bytes.length) {
    throw new FormatError(`decodeOptimizerState: expected ${expected} bytes for the slots in the header, got ${bytes.length}`);
  }
  const slots: Record<string, Float32Array> = {};
  for (const { name, length } of header.slots) {
    const slot = new Float32Array(length);
    if (LITTLE_ENDIAN) new Uint8Array(slot.buffer).set(bytes.subarray(offset, offset + 4 * length));
    else for (let i = 0; i < length; i++) slot[i] = view.getFloat32(offset + 4 * i, true);
    slots[name] = slot;
    offset += 4 * length;
  }
  return { step: header.step, slots };
}

/**
 * Checks that a state has the slots a parameter of `size` floats needs, each of that length.
 *
 * @example
 * checkSlots('update', state, ['momentum'], value.length);
 */
export function checkSlots(where: string, state: OptimizerState, names: readonly string[], size: number): void {
  if (typeof state !== 'object' || state === null || typeof state.slots !== 'object' || state.slots === null) {
    throw new ShapeError(`${where}: state must be { step, slots } as made by createState, got ${typeof state}`);
  }
  if (!Number.isSafeInteger(state.step) || state.step < 0) {
    throw new ShapeError(`${where}: state.step must be a non-negative integer, got ${String(state.step)}`);
  }
  for (const name of names) {
    const slot = state.slots[name];
    if (!(slot instanceof Float32Array)) {
      throw new ShapeError(`${where}: state has no Float32Array slot '${name}'; make the state with this optimizer's createState`);
    }
    if (slot.length !== size) {
      throw new ShapeError(`${where}: state slot '${name}' has length ${slot.length}, expected ${size}`);
    }
  }
}

function parseHeader(bytes: Uint8Array): { step: number; slots: Array<{ name: string; length: number }> } {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new FormatError(`decodeOptimizerState: header is not valid JSON (${(error as Error).message})`);
  }
  const bad = new FormatError(`decodeOptimizerState: header must be { step, slots: [{ name, length }] } with unique names`);
  if (typeof header !== 'object' || header === null) throw bad;
  const h = header as { step?: unknown; slots?: unknown };
  if (!Number.isSafeInteger(h.step) || (h.step as number) < 0 || !Array.isArray(h.slots)) throw bad;
  const names = new Set<string>();
  for (const s of h.slots as Array<{ name?: unknown; length?: unknown } | null>) {
    if (typeof s !== 'object' || s === null || typeof s.name !== 'string' || s.name === '__proto__' || names.has(s.name)) throw bad;
    if (!Number.isSafeInteger(s.length) || (s.length as number) < 0) throw bad;
    names.add(s.name);
  }
  return h as { step: number; slots: Array<{ name: string; length: number }> };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function describeBytes(bytes: unknown): string {
  return bytes instanceof Uint8Array ? `${bytes.length} bytes` : typeof bytes;
}
