import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/compareBackends.js';
import { expectClose, randomFloats, runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';
import { dilateSpatially, rotateFilter } from './conv2DBackpropInput.js';

const rand = seededRandom(29);
type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

beforeAll(() => useWasmWithCpuReference(2));

const largest = (a: ArrayLike<number>): number => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 1);

describe('rotateFilter', () => {
  it('turns the filter by 180° in space and swaps its channel axes', () => {
    // [fh=1, fw=2, in=2, out=3]: w[0][kw][i][o] = 100·kw + 10·i + o.
    const w = Float32Array.from([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
    const out = new Float32Array(12).fill(NaN);
    rotateFilter(w, [1, 2, 2, 3], out);
    // out[0][kw][o][i] = w[0][1 − kw][i][o]
    expect(Array.from(out)).toEqual([100, 110, 101, 111, 102, 112, 0, 10, 1, 11, 2, 12]);
  });
});

describe('dilateSpatially', () => {
  it('puts stride − 1 zeros between pixels, none after the last', () => {
    const dy = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]); // [1, 2, 2, 2]
    const out = new Float32Array(1 * 3 * 4 * 2);
    dilateSpatially(dy, [1, 2, 2, 2], [2, 3], out);
    expect(Array.from(out)).toEqual([
      1, 2, 0, 0, 0, 0, 3, 4,
      0, 0, 0, 0, 0, 0, 0, 0,
      5, 6, 0, 0, 0, 0, 7, 8,
    ]);
  });
});

describe('Conv2DBackpropInput on wasm (Oar) against tfjs cpu', () => {
  const cases: Array<[string, number[], number[], number | [number, number], Pad, Rounding]> = [
    ['3x3 valid', [2, 9, 8, 3], [3, 3, 3, 5], 1, 'valid', undefined],
    ['3x3 same', [2, 7, 9, 4], [3, 3, 4, 6], 1, 'same', undefined],
    ['3x3 same stride 2 (odd size)', [2, 9, 8, 3], [3, 3, 3, 5], 2, 'same', undefined],
    ['4x4 same stride 2 (even filter: pads 1/2)', [3, 8, 10, 2], [4, 4, 2, 3], 2, 'same', undefined],
    ['5x5 pad 2 (the Fashion-MNIST conv2, small)', [3, 14, 14, 8], [5, 5, 8, 16], 1, 2, undefined],
    ['strides [2, 3], asymmetric explicit pads', [2, 10, 11, 2], [3, 2, 2, 4], [2, 3], [[0, 0], [2, 1], [0, 3], [0, 0]], undefined],
    ['stride 2 valid, unused last rows', [2, 10, 10, 3], [3, 3, 3, 2], 2, 'valid', undefined],
    ['pad larger than the filter (negative pads, cropped)', [1, 6, 5, 2], [3, 2, 2, 3], 1, [[0, 0], [4, 3], [3, 0], [0, 0]], undefined],
    ['numeric pad with ceil rounding', [1, 9, 9, 2], [4, 4, 2, 3], 2, 1, 'ceil'],
    ['1x1', [3, 5, 4, 8], [1, 1, 8, 4], 1, 'same', undefined],
    ['1x1 stride 2', [2, 5, 6, 3], [1, 1, 3, 4], 2, 'valid', undefined],
    ['one output channel', [2, 6, 6, 3], [3, 3, 3, 1], 1, 'same', undefined],
    ['filter as large as the image', [2, 5, 5, 2], [5, 5, 2, 3], 1, 'valid', undefined],
  ];

  it.each(cases)('%s: value', async (_name, xShape, filterShape, strides, pad, dimRoundingMode) => {
    const info = backend_util.computeConv2DInfo(xShape as [number, number, number, number],
      filterShape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const w = randomFloats(filterShape.reduce((a, b) => a * b), rand);
    const dy = randomFloats(info.outShape.reduce((a, b) => a * b), rand);
    const op = () => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.tensor(dy, info.outShape), filter: tf.tensor(w, filterShape) },
      { strides, pad, dataFormat: 'NHWC', ...(dimRoundingMode ? { dimRoundingMode } : {}), inputShape: xShape }) as tf.Tensor;
    const [ref] = await runOn('cpu', op);
    const [got] = await runOn('wasm', op);
    expect(got!.length).toBe(xShape.reduce((a, b) => a * b));
    // Sums of up to fh·fw·outC products of values in [-1, 1) in float32, in another order than cpu's.
    const terms = filterShape[0]! * filterShape[1]! * filterShape[3]!;
    expectClose(got!, ref!, 1e-5 * Math.max(1, terms / 100), 1e-4);
  });

  it.each(cases.filter(([, , , , , rounding]) => rounding === undefined))('%s: gradients of tf.conv2d', async (_name, xShape, filterShape, strides, pad) => {
    const x = randomFloats(xShape.reduce((a, b) => a * b), rand);
    const w = randomFloats(filterShape.reduce((a, b) => a * b), rand);
    const grads = () => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad).square().sum())(
      [tf.tensor4d(x, xShape as [number, number, number, number]), tf.tensor4d(w, filterShape as [number, number, number, number])]);
    const ref = await runOn('cpu', grads);
    const got = await runOn('wasm', grads);
    // Gradients are sums of many products of sums (|dx| reaches ~100 for 5×5×16): float32 rounding grows with
    // their magnitude, so atol is 1e-5 of the largest reference value (at least 1e-5).
    ref.forEach((r, i) => expectClose(got[i]!, r, 1e-5 * largest(r), 1e-4));
  });

  it('gives conv2dTranspose\'s value', async () => {
    const x = randomFloats(2 * 4 * 5 * 3, rand);
    const w = randomFloats(3 * 3 * 2 * 3, rand);
    const op = () => tf.conv2dTranspose(tf.tensor4d(x, [2, 4, 5, 3]), tf.tensor4d(w, [3, 3, 2, 3]), [2, 8, 10, 2], 2, 'same');
    expectClose((await runOn('wasm', op))[0]!, (await runOn('cpu', op))[0]!);
  });

  it('gives zeros for an empty batch', async () => {
    const op = () => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.zeros([0, 4, 4, 3]), filter: tf.ones([3, 3, 2, 3]) },
      { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [0, 4, 4, 2] }) as tf.Tensor;
    const [got] = await runOn('wasm', op);
    expect(got!.length).toBe(0);
  });

  it('leaves no buffer behind, with and without stride and crop', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    const before = tf.engine().backend.numDataIds();
    tf.tidy(() => {
      tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.ones([2, 4, 4, 3]), filter: tf.ones([3, 3, 2, 3]) },
        { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 8, 8, 2] });
      tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.ones([1, 11, 7, 3]), filter: tf.ones([3, 2, 2, 3]) },
        { strides: 1, pad: [[0, 0], [4, 3], [3, 0], [0, 0]], dataFormat: 'NHWC', inputShape: [1, 6, 5, 2] });
    });
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });

  it('refuses NCHW, as wasm Conv2D does', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    expect(() => tf.engine().runKernel('Conv2DBackpropInput', { dy: tf.ones([1, 3, 2, 2]), filter: tf.ones([3, 3, 2, 3]) },
      { strides: 1, pad: 'valid', dataFormat: 'NCHW', inputShape: [1, 2, 4, 4] }))
      .toThrow(/^Conv2DBackpropInput \(wasm\): dataFormat must be 'NHWC' \(as wasm Conv2D\), got 'NCHW'$/);
  });
});
