import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/compareBackends.js';
import { expectClose, randomFloats, runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';
import { replaceKernel } from './replaceKernel.js';
import { cpuUnsortedSegmentSum, scatterAddRows } from './unsortedSegmentSum.js';

/** The definition, in float64: out[s] = Σ_{i: ids[i] = s} x[i]. */
function naiveSegmentSum(x: ArrayLike<number>, ids: ArrayLike<number>, numSegments: number, rowSize: number): number[] {
  const out = new Array<number>(numSegments * rowSize).fill(0);
  for (let i = 0; i < ids.length; i++) {
    if (ids[i]! < 0 || ids[i]! >= numSegments) continue;
    for (let j = 0; j < rowSize; j++) out[ids[i]! * rowSize + j]! += x[i * rowSize + j]!;
  }
  return out;
}

const rand = seededRandom(5);
const randomIds = (n: number, max: number) => Int32Array.from({ length: n }, () => Math.floor(rand() * max));
let stockCpuKernel: tf.KernelConfig;

beforeAll(async () => {
  await useWasmWithCpuReference(1);
  stockCpuKernel = tf.getKernel('UnsortedSegmentSum', 'cpu')!;
});

describe('scatterAddRows', () => {
  it('adds each row into its segment and drops out-of-range ids', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const out = new Float32Array(6);
    scatterAddRows(x, Int32Array.from([2, 0, 2, -1]), 3, 2, out);
    expect(Array.from(out)).toEqual([3, 4, 0, 0, 6, 8]);
  });
});

describe('UnsortedSegmentSum on wasm (Oar) against tfjs cpu', () => {
  // tfjs cpu fails on segment ids of rank > 1 (TensorFlow allows any prefix of x's shape): checked
  // against the definition only.
  const cases: Array<[string, number[], number, number]> = [
    ['embedding gradient [200, 16] into 50 rows', [200, 16], 1, 50],
    ['rank-3 x', [30, 4, 5], 1, 7],
    ['2-D segment ids (prefix of x)', [6, 5, 3], 2, 4],
    ['more segments than rows', [5, 3], 1, 40],
  ];
  it.each(cases)('%s', async (_name, shape, idsRank, numSegments) => {
    const x = randomFloats(shape.reduce((a, b) => a * b), rand);
    const ids = randomIds(shape.slice(0, idsRank).reduce((a, b) => a * b), numSegments);
    const op = () => tf.unsortedSegmentSum(tf.tensor(x, shape), tf.tensor<tf.Rank>(ids, shape.slice(0, idsRank), 'int32') as tf.Tensor1D, numSegments);
    const [got] = await runOn('wasm', op);
    if (idsRank === 1) expectClose(got!, (await runOn('cpu', op))[0]!);
    const rowSize = x.length / ids.length;
    expectClose(got!, naiveSegmentSum(x, ids, numSegments, rowSize));
  });

  it('sums int32 values exactly', async () => {
    const op = () => tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]], undefined, 'int32'), tf.tensor1d([1, 1, 0], 'int32'), 2);
    const [got] = await runOn('wasm', op);
    expect(got).toBeInstanceOf(Int32Array);
    expect(Array.from(got!)).toEqual([5, 6, 4, 6]);
  });

  it('drops out-of-range ids, as tfjs cpu does', async () => {
    const op = () => tf.unsortedSegmentSum(tf.tensor2d([[1], [2], [4]]), tf.tensor1d([0, 5, -1], 'int32'), 2);
    const [ref] = await runOn('cpu', op);
    expect(Array.from((await runOn('wasm', op))[0]!)).toEqual(Array.from(ref!));
  });

  it('gives the gradient of gather (embedding lookups) on both backends', async () => {
    const table = randomFloats(40 * 8, rand);
    const ids = randomIds(100, 40);
    const dy = randomFloats(100 * 8, rand);
    const grad = () => tf.grad((t: tf.Tensor) => tf.gather(t, tf.tensor1d(ids, 'int32')).mul(tf.tensor2d(dy, [100, 8])).sum())(tf.tensor2d(table, [40, 8]));
    const [ref] = await runOn('cpu', grad);
    const [got] = await runOn('wasm', grad);
    expectClose(got!, ref!);
    expectClose(got!, naiveSegmentSum(dy, ids, 40, 8));
  });

  it('rejects a bad numSegments with the value', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    expect(() => tf.engine().runKernel('UnsortedSegmentSum', { x: tf.ones([2, 2]), segmentIds: tf.tensor1d([0, 1], 'int32') }, { numSegments: -1 }))
      .toThrow(/^UnsortedSegmentSum: numSegments must be a non-negative integer, got -1$/);
  });
});

describe('UnsortedSegmentSum on cpu (Oar) against the stock cpu kernel', () => {
  it('matches the stock kernel on random input, float32 and int32', async () => {
    const x = randomFloats(300 * 6, rand);
    const ids = randomIds(300, 25);
    const op = () => tf.unsortedSegmentSum(tf.tensor2d(x, [300, 6]), tf.tensor1d(ids, 'int32'), 25);
    const intOp = () => tf.unsortedSegmentSum(tf.tensor2d(ids.slice(0, 60), [20, 3], 'int32'), tf.tensor1d(ids.slice(0, 20), 'int32'), 25);
    const [ref, refInt] = await runOn('cpu', () => [op(), intOp()]);
    replaceKernel('UnsortedSegmentSum', 'cpu', () => cpuUnsortedSegmentSum);
    try {
      expect(tf.getKernel('UnsortedSegmentSum', 'cpu')!.kernelFunc).toBe(cpuUnsortedSegmentSum.kernelFunc);
      const [got, gotInt] = await runOn('cpu', () => [op(), intOp()]);
      expectClose(got!, ref!);
      expect(Array.from(gotInt!)).toEqual(Array.from(refInt!));
      expect(gotInt).toBeInstanceOf(Int32Array);
    } finally {
      tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
      tf.registerKernel(stockCpuKernel);
    }
  });
});
