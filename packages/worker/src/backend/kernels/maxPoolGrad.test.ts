import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { seededRandom } from '../testing/compareBackends.js';
import { expectClose, randomFloats, runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';

const rand = seededRandom(29);

beforeAll(() => useWasmWithCpuReference(1));

describe('MaxPoolGrad on wasm (Oar) against tfjs cpu, through tf.grad', () => {
  const cases: Array<[string, number[], number | [number, number], number | [number, number], 'same' | 'valid' | number]> = [
    ['2x2/2 valid, batch 3, 4 channels', [3, 8, 6, 4], 2, 2, 'valid'],
    ['3x3/2 same (overlapping windows)', [2, 7, 9, 3], 3, 2, 'same'],
    ['3x3/1 same', [2, 5, 5, 2], 3, 1, 'same'],
    ['[2,3] windows, strides [1,2], odd sizes', [2, 7, 8, 3], [2, 3], [1, 2], 'valid'],
    ['numeric pad 1', [1, 6, 6, 2], 3, 2, 1],
    ['2x2/2 valid, odd sizes (last row and column unused)', [2, 7, 9, 3], 2, 2, 'valid'],
    ['2x2/1 valid (overlapping 2x2 windows)', [2, 5, 6, 3], 2, 1, 'valid'],
    ['2x2/2 same (windows over the edge)', [2, 5, 7, 2], 2, 2, 'same'],
  ];
  const withTies = cases.map(([name, ...rest]) => [`${name}, many ties (values in {-1, 0, 1})`, ...rest] as (typeof cases)[number]);
  it.each([...cases, ...withTies])('%s', async (name, shape, filterSize, strides, pad) => {
    // Ties test the rule that the first maximum in row-major order takes the gradient (after a relu, whole
    // windows of zeros are common).
    const x = randomFloats(shape.reduce((a, b) => a * b), rand).map((v) => (name.includes('ties') ? Math.round(v) : v));
    const ySize = await runOn('cpu', () => tf.maxPool(tf.tensor4d(x, shape as [number, number, number, number]), filterSize, strides, pad));
    const dy = randomFloats(ySize[0]!.length, rand);
    const grad = () => {
      const t = tf.tensor4d(x, shape as [number, number, number, number]);
      const y = tf.maxPool(t, filterSize, strides, pad);
      return [y, tf.grad((u: tf.Tensor) => tf.maxPool(u as tf.Tensor4D, filterSize, strides, pad).mul(tf.tensor(dy, y.shape)).sum())(t)];
    };
    const ref = await runOn('cpu', grad);
    const got = await runOn('wasm', grad);
    expectClose(got[0]!, ref[0]!);
    expectClose(got[1]!, ref[1]!);
  });
});
