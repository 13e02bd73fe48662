import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/compareBackends.js';
import { randomFloats, runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';
import { isOurKernel } from './replaceKernel.js';
import { expectSameAsCpu } from './testing/expectSameAsCpu.js';

const rand = seededRandom(47);
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const randomIds = (n: number, max: number) => Int32Array.from({ length: n }, () => Math.floor(rand() * max));

beforeAll(() => useWasmWithCpuReference(2));

/** GatherV2 by its definition: out[b, o, c, i] = x[b, o, ids[b, c], i] for x as [batch, outer, dim, inner]. */
function naiveGather(x: ArrayLike<number>, xShape: number[], ids: ArrayLike<number>, axis: number, batchDims: number): number[] {
  const batch = size(xShape.slice(0, batchDims));
  const [outer, dim, inner] = [size(xShape.slice(batchDims, axis)), xShape[axis]!, size(xShape.slice(axis + 1))];
  const count = ids.length / batch;
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < count; c++) {
        for (let i = 0; i < inner; i++) out.push(x[((b * outer + o) * dim + ids[b * count + c]!) * inner + i]!);
      }
    }
  }
  return out;
}

describe('GatherV2 on wasm (Oar) against tfjs cpu', () => {
  it('is Oar\'s kernel', () => {
    expect(isOurKernel(tf.getKernel('GatherV2', 'wasm')!.kernelFunc)).toBe(true);
  });

  // Rows long (copyWithin) and short (word loop), ragged counts, repeats, every axis, indices of rank 2.
  const cases: Array<[string, number[], number[], number]> = [
    ['rows of 384 (g2p), axis 0', [61, 384], [73], 0],
    ['rows of 3 values (short copies)', [40, 3], [97], 0],
    ['a vector', [29], [50], 0],
    ['rank 3, axis 0', [7, 5, 3], [11], 0],
    ['rank 3, axis 1', [4, 9, 6], [13], 1],
    ['rank 3, last axis (one value per copy)', [4, 5, 9], [7], 2],
    ['2-D indices', [12, 17], [3, 5], 0],
    ['2-D indices, axis 1', [3, 12, 2], [2, 4], 1],
    ['no indices', [5, 8], [0], 0],
    ['empty x rows, no indices', [0, 8], [0], 0],
  ];
  it.each(cases)('%s', async (_name, xShape, idsShape, axis) => {
    const x = randomFloats(size(xShape), rand);
    const ids = randomIds(size(idsShape), xShape[axis]!);
    const op = () => tf.gather(tf.tensor(x, xShape), tf.tensor(ids, idsShape, 'int32'), axis);
    await expectSameAsCpu(op);
    expect(Array.from((await runOn('wasm', op))[0]!)).toEqual(naiveGather(x, xShape, ids, axis, 0));
  });

  it('gathers int32 and bool values exactly, keeping the dtype', async () => {
    const ints = Int32Array.from({ length: 30 * 7 }, () => Math.floor(rand() * 2e9 - 1e9));
    const ids = randomIds(45, 30);
    await expectSameAsCpu(() => [
      tf.gather(tf.tensor2d(ints, [30, 7], 'int32'), tf.tensor1d(ids, 'int32')),
      tf.gather(tf.tensor2d(ints, [30, 7], 'int32').greater(0), tf.tensor1d(ids, 'int32')),
      tf.gather(tf.tensor2d(ints, [30, 7], 'int32').greater(0), tf.tensor1d(ids.slice(0, 5).map((i) => i % 7), 'int32'), 1),
    ]);
  });

  it('copies NaN, infinities and -0 bit for bit', async () => {
    const [got] = await runOn('wasm', () => tf.gather(tf.tensor2d([[NaN, -0], [Infinity, -Infinity]]), tf.tensor1d([1, 0, 1], 'int32')));
    expect(Array.from(got!)).toEqual([Infinity, -Infinity, NaN, -0, Infinity, -Infinity]);
    expect(Object.is(got![3], -0)).toBe(true);
  });

  // tfjs-wasm 4.22's own kernel gets these wrong (zeros and misplaced rows); the cpu backend is right.
  it.each([
    ['batchDims 1, axis 1', [3, 5, 4], [3, 2], 1, 1],
    ['batchDims 1, axis 2', [2, 3, 6, 2], [2, 4], 2, 1],
    ['batchDims 2, axis 2', [2, 3, 5], [2, 3, 4], 2, 2],
  ])('%s', async (_name, xShape, idsShape, axis, batchDims) => {
    const x = randomFloats(size(xShape), rand);
    const ids = randomIds(size(idsShape), xShape[axis]!);
    const op = () => tf.gather(tf.tensor(x, xShape), tf.tensor(ids, idsShape, 'int32'), axis, batchDims);
    const [got] = await runOn('wasm', op);
    expect(Array.from(got!)).toEqual(naiveGather(x, xShape, ids, axis, batchDims));
    await expectSameAsCpu(op);
  });

  it('rejects an index out of range as tfjs does, before allocating anything', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    const before = tf.engine().backend.numDataIds();
    const gather = (ids: number[], axis: number) => () => tf.tidy(() => tf.gather(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d(ids, 'int32'), axis));
    expect(gather([0, 2], 0)).toThrow(/^GatherV2: the index value 2 is not in \[0, 1\]$/);
    expect(gather([1, -1], 1)).toThrow(/^GatherV2: the index value -1 is not in \[0, 1\]$/);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });

  it('gives the gradient of gather (an embedding lookup) as on cpu', async () => {
    const table = randomFloats(40 * 24, rand);
    const ids = randomIds(100, 40);
    const dy = randomFloats(100 * 24, rand);
    await expectSameAsCpu(() => tf.grad((t: tf.Tensor) => tf.gather(t, tf.tensor1d(ids, 'int32')).mul(tf.tensor2d(dy, [100, 24])).sum())(tf.tensor2d(table, [40, 24])), 1e-5, 1e-5);
  });
});
