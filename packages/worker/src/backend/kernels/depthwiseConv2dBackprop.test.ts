import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { seededRandom } from '../testing/compareBackends.js';
import { expectClose, randomFloats, runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';

const rand = seededRandom(31);
type Pad = 'same' | 'valid' | number;

beforeAll(() => useWasmWithCpuReference(1));

describe('depthwiseConv2d gradients on wasm (Oar) against tfjs cpu', () => {
  const cases: Array<[string, number[], number[], number | [number, number], Pad]> = [
    ['3x3 same, multiplier 1', [2, 6, 7, 3], [3, 3, 3, 1], 1, 'same'],
    ['3x3 valid stride 2, multiplier 2', [2, 9, 8, 2], [3, 3, 2, 2], 2, 'valid'],
    ['5x5 same stride [1,2], multiplier 3', [1, 8, 8, 4], [5, 5, 4, 3], [1, 2], 'same'],
    ['2x2 numeric pad', [2, 5, 5, 2], [2, 2, 2, 1], 1, 1],
  ];
  it.each(cases)('%s: both inputs', async (_name, xShape, wShape, strides, pad) => {
    const x = randomFloats(xShape.reduce((a, b) => a * b), rand);
    const w = randomFloats(wShape.reduce((a, b) => a * b), rand);
    const conv = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad);
    const grads = () => {
      const [tx, tw] = [tf.tensor(x, xShape), tf.tensor(w, wShape)];
      const y = conv(tx, tw);
      const dy = tf.tensor(randomFloats(y.size, seededRandom(y.size)), y.shape);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => conv(a, b).mul(dy).sum())([tx, tw]);
    };
    const ref = await runOn('cpu', grads);
    const got = await runOn('wasm', grads);
    expectClose(got[0]!, ref[0]!);
    expectClose(got[1]!, ref[1]!);
  });
});
