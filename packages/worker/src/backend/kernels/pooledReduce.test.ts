import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/compareBackends.js';
import { expectClose, randomFloats, runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';
import { reducePlan } from './pooledReduce.js';

const rand = seededRandom(31);

beforeAll(() => useWasmWithCpuReference(2));

describe('reducePlan', () => {
  it('sees a contiguous run of reduced axes with something after it as [outer, reduced, inner]', () => {
    expect(reducePlan([64, 28, 28, 32], [0, 1, 2], false)).toEqual({ outer: 1, first: 64, reduced: 50176, inner: 32, outShape: [32] });
    expect(reducePlan([64, 128], 0, true)).toEqual({ outer: 1, first: 64, reduced: 64, inner: 128, outShape: [1, 128] });
    expect(reducePlan([2, 3, 4, 5], [-2, 1], false)).toEqual({ outer: 2, first: 3, reduced: 12, inner: 5, outShape: [2, 5] });
    expect(reducePlan([2, 3, 4, 5], [1, 2], true)).toEqual({ outer: 2, first: 3, reduced: 12, inner: 5, outShape: [2, 1, 1, 5] });
  });

  it('leaves innermost, scattered, trivial and empty reductions to the stock kernel', () => {
    expect(reducePlan([64, 10], 1, false)).toBeNull(); // innermost: no transpose in the stock kernel
    expect(reducePlan([64, 10], null, false)).toBeNull(); // every axis
    expect(reducePlan([4, 5, 6], [0, 2], false)).toBeNull(); // not contiguous
    expect(reducePlan([1, 5], 0, false)).toBeNull(); // one value per output
    expect(reducePlan([0, 5], 0, false)).toBeNull(); // empty
    expect(reducePlan([4, 5, 1], [0, 1], false)).toBeNull(); // one value after the run
    expect(reducePlan([4, 5], [], false)).toBeNull();
  });
});

describe('Sum / Mean on wasm (Oar) against tfjs cpu', () => {
  const cases: Array<[string, number[], number | number[] | null, boolean]> = [
    ['batch norm moments axes [0, 1, 2]', [8, 12, 10, 6], [0, 1, 2], false],
    ['keepDims', [8, 12, 10, 6], [0, 1, 2], true],
    ['bias gradient axis 0', [37, 20], 0, false],
    ['middle axes', [3, 4, 5, 7], [1, 2], false],
    ['negative axes', [3, 4, 5, 7], [-3, -2], true],
    ['one long axis (one pass of 3000)', [3000, 7], 0, false],
    ['innermost axis (stock kernel)', [6, 9], 1, false],
    ['every axis (stock kernel)', [6, 9], null, false],
    ['scattered axes (stock kernel)', [4, 5, 6], [0, 2], false],
  ];
  it.each(cases)('%s', async (_name, shape, axis, keepDims) => {
    const x = randomFloats(shape.reduce((a, b) => a * b), rand);
    const ax = axis ?? undefined;
    const op = () => [tf.sum(tf.tensor(x, shape), ax, keepDims), tf.mean(tf.tensor(x, shape), ax, keepDims)];
    const ref = await runOn('cpu', op);
    const got = await runOn('wasm', op);
    // Sums of n values in [-1, 1), in float32, in another order than cpu's: atol grows with sqrt(n).
    const n = x.length / ref[0]!.length;
    expectClose(got[0]!, ref[0]!, 1e-5 * Math.max(1, Math.sqrt(n) / 4), 1e-4);
    expectClose(got[1]!, ref[1]!);
  });

  it('keeps the output shape, and sums int32 with the stock kernel', async () => {
    const [shape] = await runOn('wasm', () => tf.tensor(tf.sum(tf.ones([4, 3, 2]), [0, 1], true).shape));
    expect(Array.from(shape!)).toEqual([1, 1, 2]);
    const [ints] = await runOn('wasm', () => tf.sum(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), 0));
    expect(Array.from(ints!)).toEqual([9, 12]);
  });

  it('gives tf.moments and its gradients (batch norm over N, H, W)', async () => {
    const x = randomFloats(6 * 7 * 5 * 4, rand);
    const dy = randomFloats(6 * 7 * 5 * 4, rand);
    const op = () => {
      const t = tf.tensor4d(x, [6, 7, 5, 4]);
      const f = (u: tf.Tensor) => {
        const { mean, variance } = tf.moments(u, [0, 1, 2]);
        return tf.mul(tf.div(tf.sub(u, mean), tf.sqrt(tf.add(variance, 1e-5))), tf.tensor4d(dy, [6, 7, 5, 4])).sum();
      };
      const { mean, variance } = tf.moments(t, [0, 1, 2]);
      return [mean, variance, tf.grad(f)(t)];
    };
    const ref = await runOn('cpu', op);
    const got = await runOn('wasm', op);
    ref.forEach((r, i) => expectClose(got[i]!, r));
  });

  it('leaves no buffer behind', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    const before = tf.engine().backend.numDataIds();
    tf.tidy(() => {
      tf.sum(tf.ones([4, 5, 6, 3]), [0, 1, 2]);
      tf.mean(tf.ones([40, 3]), 0, true);
    });
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });
});
