import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/compareBackends.js';
import { randomFloats, runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';
import { expectSameAsCpu } from './testing/expectSameAsCpu.js';
import { broadcastOnHeap, tileOnHeap } from './heapTile.js';
import { isOurKernel } from './replaceKernel.js';

const rand = seededRandom(71);
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Float32, int32 and bool versions of one random tensor, made on the active backend when called. */
function inputs(shape: number[]): () => tf.Tensor[] {
  const floats = randomFloats(size(shape), rand);
  const ints = Int32Array.from(floats, (v) => Math.round(v * 2e9));
  return () => [tf.tensor(floats, shape), tf.tensor(ints, shape, 'int32'), tf.tensor(floats, shape).greater(0)];
}

beforeAll(() => useWasmWithCpuReference(2));

describe('Tile and broadcastTo on wasm (Oar) against tfjs cpu', () => {
  it('Tile is Oar\'s kernel', () => {
    expect(isOurKernel(tf.getKernel('Tile', 'wasm')!.kernelFunc)).toBe(true);
  });

  const tiles: Array<[string, number[], number[]]> = [
    ['a column across (broadcast [n, 1] → [n, d])', [23, 1], [1, 19]],
    ['a row down', [1, 40], [17, 1]],
    ['a matrix both ways', [3, 5], [4, 2]],
    ['rank 3, middle axis', [2, 3, 4], [1, 5, 1]],
    ['rank 4, every axis', [2, 1, 3, 2], [2, 3, 1, 3]],
    ['nothing repeated', [4, 6], [1, 1]],
    ['zero times', [4, 6], [0, 2]],
    ['a vector', [7], [5]],
  ];
  it.each(tiles)('Tile: %s', async (_name, shape, reps) => {
    const make = inputs(shape);
    await expectSameAsCpu(() => make().map((t) => tf.tile(t, reps)));
  });

  const broadcasts: Array<[string, number[], number[]]> = [
    ['[n, 1] → [n, d]', [31, 1], [31, 24]],
    ['[d] → [n, d] (rank padded)', [24], [9, 24]],
    ['[1, m, 1] → [k, m, n]', [1, 4, 1], [3, 4, 5]],
    ['a single value', [1, 1], [6, 7]],
  ];
  it.each(broadcasts)('broadcastTo: %s', async (_name, shape, to) => {
    const make = inputs(shape);
    await expectSameAsCpu(() => make().map((t) => tf.broadcastTo(t, to)));
  });

  it('gives where() with a broadcast condition as on cpu', async () => {
    const c = randomFloats(29, rand);
    const a = randomFloats(29 * 13, rand);
    await expectSameAsCpu(() => tf.where(tf.tensor2d(c, [29, 1]).greater(0), tf.tensor2d(a, [29, 13]), tf.zeros([29, 13])));
  });

  it('gives the gradient of tile as on cpu', async () => {
    const x = randomFloats(6 * 4, rand);
    const dy = randomFloats(12 * 12, rand);
    await expectSameAsCpu(() => tf.grad((t: tf.Tensor) => tf.tile(t, [2, 3]).mul(tf.tensor2d(dy, [12, 12])).sum())(tf.tensor2d(x, [6, 4])), 1e-6, 1e-6);
  });
});

describe('tileOnHeap / broadcastOnHeap', () => {
  it('reject reps and shapes they cannot tile to, naming the values', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    const wasm = tf.backend() as BackendWasm;
    tf.tidy(() => {
      const x = tf.ones([2, 3]);
      expect(() => tileOnHeap(wasm, x, [2])).toThrow(/^Tile: reps must be 2 non-negative integers \(one per axis of x\), got \[2\]$/);
      expect(() => tileOnHeap(wasm, x, [1, 1.5])).toThrow(/got \[1,1\.5\]$/);
      expect(() => broadcastOnHeap(wasm, x, [4, 3])).toThrow(/^broadcastOnHeap: x of shape \[2,3\] cannot broadcast to \[4,3\]$/);
      expect(() => broadcastOnHeap(wasm, x, [3])).toThrow(/cannot broadcast to \[3\]$/);
    });
  });
});
