import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmWithCpuReference } from '../testing/backendTesting.js';
import { addressOf, copyBytes, heapOf, replicate, type Heap } from './wasmHeap.js';

/** A small stand-in heap holding 0, 1, 2, … (mod 256) in its bytes. */
function testHeap(size = 512): Heap {
  const bytes = Uint8Array.from({ length: size }, (_, i) => i % 256);
  return { bytes, words: new Int32Array(bytes.buffer) };
}

describe('copyBytes', () => {
  // Lengths below, at and above the 64-byte switch to copyWithin; aligned (word loop) and not (byte loop).
  it.each([[0, 256, 64], [4, 260, 100], [8, 300, 12], [4, 200, 4], [3, 301, 13], [1, 400, 70], [16, 96, 0]])(
    'copies %i.. to %i.. (%i bytes) and touches nothing else', (from, to, length) => {
      const heap = testHeap();
      const expected = Array.from(heap.bytes);
      for (let i = 0; i < length; i++) expected[to + i] = expected[from + i]!;
      copyBytes(heap, from, to, length);
      expect(Array.from(heap.bytes)).toEqual(expected);
    },
  );
});

describe('replicate', () => {
  it.each([
    ['one 4-byte element (a word fill)', 8, 4, 9, 4],
    ['one byte (a byte fill)', 5, 1, 17, 1],
    ['a 12-byte block, 7 times (doubling copies)', 16, 12, 7, 4],
    ['a 100-byte block, 3 times (copyWithin)', 0, 100, 3, 4],
    ['a 2-byte bool block, 5 times', 3, 2, 5, 1],
    ['once: nothing to do', 40, 8, 1, 4],
    ['zero times: nothing to do', 40, 8, 0, 4],
  ])('%s', (_name, at, blockBytes, times, bytesPerElement) => {
    const heap = testHeap();
    const expected = Array.from(heap.bytes);
    for (let i = blockBytes; i < blockBytes * times; i++) expected[at + i] = expected[at + (i % blockBytes)]!;
    replicate(heap, at, blockBytes, times, bytesPerElement);
    expect(Array.from(heap.bytes)).toEqual(expected);
  });
});

describe('heapOf / addressOf on the wasm backend', () => {
  beforeAll(() => useWasmWithCpuReference(1));

  it('sees a tensor\'s values at its address, also after the heap grew', () => {
    const x = tf.tensor1d([1.5, -2, 3.25], 'float32');
    const wasm = tf.backend() as BackendWasm;
    const before = heapOf(wasm).bytes.byteLength;
    const big = tf.zeros([before / 2]); // twice the heap's size: grows the wasm memory, replacing its buffer
    const heap = heapOf(wasm);
    expect(heap.bytes.byteLength).toBeGreaterThan(before);
    const at = addressOf(wasm, x) / 4;
    expect(Array.from(new Float32Array(heap.bytes.buffer, at * 4, 3))).toEqual([1.5, -2, 3.25]);
    expect(heap.words.length).toBe(heap.bytes.length >>> 2);
    tf.dispose([x, big]);
  });
});
