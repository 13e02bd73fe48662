import { util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';

/** Views of the whole wasm heap, by bytes and by 4-byte words. */
export interface Heap {
  bytes: Uint8Array;
  words: Int32Array;
}

/** Below this many bytes a block is copied by a loop: `copyWithin` costs about as much as 16 words. */
const loopBelowBytes = 64;

/**
 * Fresh views of the wasm backend's heap. Take them after the last allocation (`makeOutput`, a kernel
 * call): growing the memory replaces the heap's buffer.
 *
 * @example
 * const out = wasm.makeOutput([4, 8], 'float32');
 * const heap = heapOf(wasm);
 */
export function heapOf(wasm: BackendWasm): Heap {
  const bytes = (wasm.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8;
  return { bytes, words: new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2) };
}

/**
 * The byte address of a (non-string) tensor's data on the wasm heap.
 *
 * @example
 * const at = addressOf(wasm, x); // heap.bytes[at] is x's first byte
 */
export function addressOf(wasm: BackendWasm, t: TensorInfo): number {
  return wasm.dataIdMap.get(t.dataId)!.memoryOffset;
}

/**
 * Bytes per element of a dtype as the wasm backend stores it (bool as one byte).
 *
 * @example
 * elementBytes('bool'); // 1
 */
export function elementBytes(dtype: TensorInfo['dtype']): number {
  return util.bytesPerElement(dtype);
}

/**
 * Copies `length` bytes inside the heap from `from` to `to` (the ranges must not overlap): `copyWithin`
 * (a memmove) for long blocks, a word or byte loop for short ones.
 *
 * @example
 * copyBytes(heap, addressOf(wasm, x) + row * rowBytes, addressOf(wasm, out), rowBytes);
 */
export function copyBytes(heap: Heap, from: number, to: number, length: number): void {
  if (length >= loopBelowBytes) {
    heap.bytes.copyWithin(to, from, from + length);
  } else if (((from | to | length) & 3) === 0) {
    const words = heap.words;
    for (let i = from >>> 2, j = to >>> 2, end = (from + length) >>> 2; i < end; i++, j++) words[j] = words[i]!;
  } else {
    const bytes = heap.bytes;
    for (let i = 0; i < length; i++) bytes[to + i] = bytes[from + i]!;
  }
}

/**
 * Repeats the block of `blockBytes` bytes at `at` so that it appears `times` times in a row (the first
 * copy is already there): a fill when the block is one element, else copies of doubling size.
 *
 * @example
 * replicate(heap, addressOf(wasm, out) + row * 4 * d, 4, d, 4); // broadcast one float over a row of d
 */
export function replicate(heap: Heap, at: number, blockBytes: number, times: number, bytesPerElement: number): void {
  if (times <= 1) return;
  if (blockBytes === 4 && bytesPerElement === 4 && (at & 3) === 0) {
    const i = at >>> 2;
    heap.words.fill(heap.words[i]!, i + 1, i + times);
  } else if (blockBytes === 1) {
    heap.bytes.fill(heap.bytes[at]!, at + 1, at + times);
  } else {
    const total = blockBytes * times;
    for (let filled = blockBytes; filled < total;) {
      const n = Math.min(filled, total - filled);
      copyBytes(heap, at, at + filled, n);
      filled += n;
    }
  }
}
