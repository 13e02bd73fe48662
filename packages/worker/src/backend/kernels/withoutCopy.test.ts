import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';
import { withoutCopy } from './withoutCopy.js';

beforeAll(() => useWasmWithCpuReference(1));

const noOps: Array<[string, (x: tf.Tensor) => tf.Tensor]> = [
  ['Identity', (x) => tf.clone(x)],
  ['Cast to the same dtype', (x) => tf.cast(x, 'float32')],
  ['Slice of everything', (x) => tf.slice(x, [0, 0], [-1, 3])],
  ['PadV2 by zeros', (x) => tf.pad(x, [[0, 0], [0, 0]], -1e30)],
];

const changes: Array<[string, (x: tf.Tensor) => tf.Tensor]> = [
  ['Cast to int32', (x) => tf.cast(x, 'int32')],
  ['Slice of a part', (x) => tf.slice(x, [1, 0], [1, 2])],
  ['PadV2 by ones', (x) => tf.pad(x, [[1, 0], [0, 2]], 7)],
];

describe('kernels that return their input unchanged, on wasm', () => {
  it.each(noOps)('%s shares the input\'s buffer, which outlives the input', async (_name, op) => {
    await runOn('wasm', () => tf.zeros([1]));
    const before = tf.engine().backend.numDataIds();
    const x = tf.tensor2d([[1.5, -2, 3], [4, 5, -6]]);
    const y = op(x);
    expect(tf.engine().backend.numDataIds()).toBe(before + 1);
    expect(y.shape).toEqual([2, 3]);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3, 4, 5, -6]);
    y.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });

  it.each(changes)('%s still computes (as cpu), into a new buffer', async (_name, op) => {
    const f = () => op(tf.tensor2d([[1.5, -2, 3], [4, 5, -6]]));
    const ref = await runOn('cpu', f);
    await runOn('wasm', () => tf.zeros([1]));
    const before = tf.engine().backend.numDataIds();
    const [got] = await runOn('wasm', f);
    expectClose(got!, ref[0]!);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });

  it('refuses a kernel it does not know', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    expect(() => withoutCopy(tf.getKernel('Add', 'wasm')!))
      .toThrow(/^withoutCopy: kernelName must be one of Identity, Cast, Slice, PadV2, got 'Add'$/);
  });
});
