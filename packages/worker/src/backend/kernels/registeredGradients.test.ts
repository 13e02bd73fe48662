import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/compareBackends.js';
import { expectClose, randomFloats, runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';
import { expectSameAsCpu } from './testing/expectSameAsCpu.js';

// The Sum, Mean and UnsortedSegmentSum gradients registerGradients (../registerGradients.ts) puts in place
// of tfjs's, checked against their definitions on both backends.

const rand = seededRandom(97);
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

beforeAll(() => useWasmWithCpuReference(2));

/** d/dx of sum(reduce(x, axes) · w): w at each x's reduced position, divided by the count for a mean. */
function reductionGradient(shape: number[], axes: number[], w: Float32Array, mean: boolean): number[] {
  const count = axes.reduce((n, a) => n * shape[a]!, 1);
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const keptStrides = kept.map((_, i) => size(kept.slice(i + 1)));
  return Array.from({ length: size(shape) }, (_, flat) => {
    let at = 0;
    for (let i = shape.length - 1, rest = flat; i >= 0; i--) {
      const index = rest % shape[i]!;
      rest = Math.floor(rest / shape[i]!);
      if (!axes.includes(i)) at += index * keptStrides[i]!;
    }
    return mean ? w[at]! / count : w[at]!;
  });
}

describe('the Sum and Mean gradients', () => {
  const cases: Array<[string, number[], number | number[] | undefined, boolean]> = [
    ['batch norm axes [0, 1, 2]', [4, 5, 3, 6], [0, 1, 2], false],
    ['bias gradient, axis 0', [17, 9], 0, false],
    ['innermost axis, keepDims', [17, 9], 1, true],
    ['middle axes, negative', [3, 4, 5, 2], [-3, -2], false],
    ['everything', [6, 7], undefined, false],
  ];
  it.each(cases)('%s', async (_name, shape, axis, keepDims) => {
    const axes = axis === undefined ? shape.map((_, i) => i) : tf.util.parseAxisParam(axis, shape);
    const x = randomFloats(size(shape), rand);
    const w = randomFloats(size(shape) / axes.reduce((n, a) => n * shape[a]!, 1), rand);
    const op = () => [tf.sum, tf.mean].map((reduce) => tf.grad((t: tf.Tensor) => {
      const r = reduce(t, axis, keepDims);
      return tf.sum(tf.mul(r, tf.tensor(w, r.shape)));
    })(tf.tensor(x, shape)));
    await expectSameAsCpu(op, 1e-7, 1e-6);
    for (const backend of ['cpu', 'wasm']) {
      const [sumGrad, meanGrad] = await runOn(backend, op);
      expectClose(sumGrad!, reductionGradient(shape, axes, w, false), 0, 0);
      expectClose(meanGrad!, reductionGradient(shape, axes, w, true), 1e-7, 1e-6);
    }
  });
});

describe('the UnsortedSegmentSum gradient', () => {
  /** d/dx of sum(unsortedSegmentSum(x, ids, n) · w): w's row ids[i] for row i, zeros for ids outside [0, n). */
  function segmentGradient(ids: Int32Array, n: number, w: Float32Array, row: number): number[] {
    return Array.from(ids).flatMap((id) => Array.from({ length: row }, (_, j) => (id >= 0 && id < n ? w[id * row + j]! : 0)));
  }

  const cases: Array<[string, number[], number, number, number]> = [
    ['rows into fewer segments', [40, 6], 1, 9, 0],
    ['ids of rank 2 (a prefix of x\'s shape)', [5, 4, 3], 2, 7, 0],
    ['negative ids and ids past the last segment get zeros', [30, 5], 1, 6, 3],
  ];
  it.each(cases)('%s', async (_name, shape, idsRank, numSegments, outside) => {
    const idsShape = shape.slice(0, idsRank);
    const ids = Int32Array.from({ length: size(idsShape) }, () => Math.floor(rand() * (numSegments + 2 * outside)) - outside);
    const x = randomFloats(size(shape), rand);
    const row = size(shape.slice(idsRank));
    const w = randomFloats(numSegments * row, rand);
    const op = () => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(
      tf.unsortedSegmentSum(t, tf.tensor<tf.Rank>(ids, idsShape, 'int32') as tf.Tensor1D, numSegments),
      tf.tensor(w, [numSegments, ...shape.slice(idsRank)]),
    )))(tf.tensor(x, shape));
    // tfjs's cpu kernel fails on ids of rank > 1 (TensorFlow allows any prefix of x's shape).
    if (idsRank === 1) await expectSameAsCpu(op);
    for (const backend of idsRank === 1 ? ['cpu', 'wasm'] : ['wasm']) {
      expectClose((await runOn(backend, op))[0]!, segmentGradient(ids, numSegments, w, row), 0, 0);
    }
  });

  it('masks with one multiply on wasm, not LogicalAnd, ones, zerosLike and where', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    const profile = await tf.profile(() => {
      tf.tidy(() => tf.grad((t: tf.Tensor) => tf.unsortedSegmentSum(t, tf.tensor1d([0, 2, 1, 0], 'int32'), 3).sum())(tf.ones([4, 8])));
    });
    const names = profile.kernels.map((k) => k.name);
    expect(names).toContain('GatherV2');
    expect(names.filter((n) => ['LogicalAnd', 'Select', 'Fill', 'ZerosLike'].includes(n))).toEqual([]);
  });
});
