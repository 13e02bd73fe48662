import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/compareBackends.js';
import { randomFloats, runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';
import { blockCopy, blockCopyKernelNames, boxRuns } from './blockCopy.js';
import { expectSameAsCpu } from './testing/expectSameAsCpu.js';
import { isOurKernel } from './replaceKernel.js';

const rand = seededRandom(59);
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** Float32, int32 and bool versions of one random tensor, made on the active backend when called. */
function inputs(shape: number[]): () => { x: tf.Tensor; i: tf.Tensor; b: tf.Tensor } {
  const floats = randomFloats(size(shape), rand);
  const ints = Int32Array.from(floats, (v) => Math.round(v * 2e9));
  return () => ({ x: tf.tensor(floats, shape), i: tf.tensor(ints, shape, 'int32'), b: tf.tensor(floats, shape).greater(0) });
}

beforeAll(() => useWasmWithCpuReference(2));

describe('boxRuns', () => {
  it('cuts a box into its contiguous runs, in row-major order', () => {
    expect(boxRuns([4, 3], [1, 0], [2, 3])).toEqual({ run: 6, starts: [3] });
    expect(boxRuns([4, 3], [0, 1], [2, 1])).toEqual({ run: 1, starts: [1, 4] });
    expect(boxRuns([2, 3, 4], [0, 1, 0], [2, 2, 4])).toEqual({ run: 8, starts: [4, 16] });
    expect(boxRuns([2, 3, 4], [1, 1, 2], [1, 2, 2])).toEqual({ run: 2, starts: [18, 22] });
    expect(boxRuns([5], [0], [5])).toEqual({ run: 5, starts: [0] });
    expect(boxRuns([3, 4], [1, 1], [0, 2])).toEqual({ run: 0, starts: [] });
  });
});

describe('Slice, SplitV, Concat, PadV2 on wasm (Oar) against tfjs cpu', () => {
  it('are Oar\'s kernels', () => {
    expect(blockCopyKernelNames).toEqual(['Slice', 'SplitV', 'Concat', 'PadV2']);
    for (const name of blockCopyKernelNames) expect(isOurKernel(tf.getKernel(name, 'wasm')!.kernelFunc)).toBe(true);
  });

  const slices: Array<[string, number[], number[], number[]]> = [
    ['rows (one run)', [37, 24], [5, 0], [20, -1]],
    ['columns (a run per row)', [37, 24], [0, 7], [-1, 9]],
    ['a single column', [19, 24], [0, 23], [-1, 1]],
    ['a middle box of rank 3', [6, 7, 5], [1, 2, 1], [3, 4, 3]],
    ['rank 4, the last axes whole', [3, 4, 5, 6], [1, 1, 0, 0], [2, 2, 5, 6]],
    ['a vector', [100], [31], [40]],
    ['nothing', [5, 6], [2, 3], [0, 2]],
  ];
  it.each(slices)('Slice: %s', async (_name, shape, begin, sz) => {
    const make = inputs(shape);
    await expectSameAsCpu(() => Object.values(make()).map((t) => tf.slice(t, begin, sz)));
  });

  const splits: Array<[string, number[], number[] | number, number]> = [
    ['rows of ragged blocks (the recurrent group)', [83, 16], [24, 7, 30, 22], 0],
    ['equal parts along axis 1', [9, 12], 4, 1],
    ['last axis, ragged', [4, 3, 10], [1, 6, 3], 2],
    ['with an empty part', [8, 5], [3, 0, 5], 0],
  ];
  it.each(splits)('SplitV: %s', async (_name, shape, sizes, axis) => {
    const make = inputs(shape);
    await expectSameAsCpu(() => Object.values(make()).flatMap((t) => tf.split(t, sizes, axis)));
  });

  const concats: Array<[string, number[][], number]> = [
    ['row blocks', [[3, 16], [1, 16], [7, 16], [0, 16], [5, 16]], 0],
    ['two halves of the bi-GRU, axis 1', [[37, 12], [37, 12]], 1],
    ['columns of different widths', [[9, 1], [9, 30], [9, 2]], 1],
    ['middle axis of rank 3', [[2, 3, 4], [2, 1, 4], [2, 5, 4]], 1],
    ['vectors', [[5], [0], [11]], 0],
    ['one input left after the empty ones', [[0, 4], [6, 4], [0, 4]], 0],
  ];
  it.each(concats)('Concat: %s', async (_name, shapes, axis) => {
    const makes = shapes.map(inputs);
    await expectSameAsCpu(() => {
      const xs = makes.map((make) => make());
      return (['x', 'i', 'b'] as const).map((kind) => tf.concat(xs.map((x) => x[kind]), axis));
    });
  });

  const pads: Array<[string, number[], Array<[number, number]>, number]> = [
    ['columns both sides (the gradient of a column slice)', [23, 8], [[0, 0], [8, 16]], 0],
    ['rows after', [23, 8], [[0, 9], [0, 0]], 0],
    ['every side, by a constant', [3, 4, 5], [[1, 2], [0, 3], [2, 1]], -7.5],
    ['a vector', [9], [[4, 1]], 2],
    ['an empty input', [0, 3], [[2, 1], [1, 0]], 3],
  ];
  it.each(pads)('PadV2: %s', async (_name, shape, paddings, value) => {
    const make = inputs(shape);
    await expectSameAsCpu(() => {
      const { x, i, b } = make();
      return [tf.pad(x, paddings, value), tf.pad(i, paddings, Math.trunc(value)), tf.pad(b, paddings, value === 0 ? 0 : 1)];
    });
  });

  it('gives the gradients of slice, split and concat as on cpu', async () => {
    const a = randomFloats(12 * 10, rand);
    const b = randomFloats(12 * 6, rand);
    const dy = randomFloats(12 * 16, rand);
    await expectSameAsCpu(() => {
      const f = (x: tf.Tensor, y: tf.Tensor) => {
        const [p, q] = tf.split(tf.concat([x, y], 1), [7, 9], 1);
        return tf.concat([tf.slice(q!, [2, 1], [10, 8]).square(), tf.slice(p!, [0, 0], [10, -1])], 1).mul(tf.tensor2d(dy.slice(0, 150), [10, 15])).sum();
      };
      return tf.grads(f)([tf.tensor2d(a, [12, 10]), tf.tensor2d(b, [12, 6])]);
    }, 1e-6, 1e-6);
  });

  it('leaves strings to the stock kernels', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    tf.tidy(() => {
      const words = tf.tensor2d([['a', 'b', 'c'], ['d', 'e', 'f']]);
      expect(tf.slice(words, [0, 1], [2, 2]).arraySync()).toEqual([['b', 'c'], ['e', 'f']]);
      expect(tf.concat([words, words], 0).arraySync()).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['a', 'b', 'c'], ['d', 'e', 'f']]);
    });
  });

  it('refuses a kernel it does not know', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    expect(() => blockCopy(tf.getKernel('Add', 'wasm')!))
      .toThrow(/^blockCopy: kernelName must be one of Slice, SplitV, Concat, PadV2, got 'Add'$/);
  });
});
