import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/compareBackends.js';
import { expectClose, randomFloats, runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';
import { im2col, makeWasmConv2DBackpropFilter } from './conv2DBackpropFilter.js';
import { registerWasmKernels } from './registerKernels.js';
import { replaceKernel } from './replaceKernel.js';

const rand = seededRandom(17);
type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

beforeAll(() => useWasmWithCpuReference(1));

describe('im2col', () => {
  it('lays out each output pixel\'s taps in [fh, fw, in] order, zeros in the padding', () => {
    // x: 1 image 2x2, 2 channels; 2x2 filter, 'same' padding puts one zero row/column bottom/right.
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const info = backend_util.computeConv2DInfo([1, 2, 2, 2], [2, 2, 2, 1], 1, 1, 'same', undefined, false, 'channelsLast');
    const col = new Float32Array(4 * 8).fill(NaN);
    im2col(x, info, 0, 1, col);
    expect(Array.from(col)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
      3, 4, 0, 0, 7, 8, 0, 0,
      5, 6, 7, 8, 0, 0, 0, 0,
      7, 8, 0, 0, 0, 0, 0, 0,
    ]);
  });
});

/** Registers Oar's Conv2DBackpropFilter built with these options for the tests of a describe block. */
function useFilterGrad(maxColumnFloats?: number, minConvBatch?: number): void {
  beforeAll(() => {
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
    replaceKernel('Conv2DBackpropFilter', 'wasm', () => makeWasmConv2DBackpropFilter(maxColumnFloats, minConvBatch));
  });
  afterAll(() => {
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
    registerWasmKernels();
  });
}

/** dW by the definition (float64 sums), dilations included, which tfjs's cpu kernel ignores. */
function naiveFilterGrad(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo): Float64Array {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: O } = info;
  const { filterHeight: FH, filterWidth: FW } = info;
  const dw = new Float64Array(FH * FW * C * O);
  for (let n = 0; n < info.batchSize; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let kh = 0; kh < FH; kh++) {
          const ih = oh * info.strideHeight - info.padInfo.top + kh * info.dilationHeight;
          for (let kw = 0; kw < FW; kw++) {
            const iw = ow * info.strideWidth - info.padInfo.left + kw * info.dilationWidth;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            for (let c = 0; c < C; c++) {
              for (let o = 0; o < O; o++) {
                dw[((kh * FW + kw) * C + c) * O + o]! += x[((n * H + ih) * W + iw) * C + c]! * dy[((n * OH + oh) * OW + ow) * O + o]!;
              }
            }
          }
        }
      }
    }
  }
  return dw;
}

const cases: Array<[string, number[], number[], number | [number, number], Pad, 'floor' | 'round' | 'ceil' | undefined]> = [
  ['3x3 valid', [2, 9, 8, 3], [3, 3, 3, 5], 1, 'valid', undefined],
  ['3x3 same stride 2', [2, 9, 8, 3], [3, 3, 3, 5], 2, 'same', undefined],
  ['4x4 same stride 2 (even filter: pads 1/2)', [3, 8, 10, 2], [4, 4, 2, 3], 2, 'same', undefined],
  ['5x5 one channel (LeNet conv1)', [4, 28, 28, 1], [5, 5, 1, 6], 1, 'valid', undefined],
  ['5x5 LeNet conv2', [4, 12, 12, 6], [5, 5, 6, 16], 1, 'valid', undefined],
  ['5x5 pad 2, 9 images (as the Fashion-MNIST conv2)', [9, 10, 10, 4], [5, 5, 4, 8], 1, 2, undefined],
  ['strides [2, 3], explicit pads', [2, 10, 11, 2], [3, 2, 2, 4], [2, 3], [[0, 0], [2, 1], [0, 3], [0, 0]], undefined],
  ['stride 2 valid, unused last rows', [2, 10, 10, 3], [3, 3, 3, 2], 2, 'valid', undefined],
  ['numeric pad with ceil rounding', [1, 9, 9, 2], [4, 4, 2, 3], 2, 1, 'ceil'],
  ['1x1', [3, 5, 4, 8], [1, 1, 8, 4], 1, 'same', undefined],
  ['filter as large as the image', [2, 5, 5, 2], [5, 5, 2, 3], 1, 'valid', undefined],
];

describe.each([
  ['im2col + matMul', Infinity],
  ['one forward conv', 1],
])('Conv2DBackpropFilter on wasm (Oar), %s, against tfjs cpu', (_path, minConvBatch) => {
  useFilterGrad(undefined, minConvBatch);

  it.each(cases)('%s', async (_name, xShape, filterShape, strides, pad, dimRoundingMode) => {
    const info = backend_util.computeConv2DInfo(xShape as [number, number, number, number],
      filterShape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const x = randomFloats(xShape.reduce((a, b) => a * b), rand);
    const dy = randomFloats(info.outShape.reduce((a, b) => a * b), rand);
    const op = () => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(x, xShape), dy: tf.tensor(dy, info.outShape) },
      { strides, pad, dataFormat: 'NHWC', ...(dimRoundingMode ? { dimRoundingMode } : {}), filterShape }) as tf.Tensor;
    const [ref] = await runOn('cpu', op);
    const [got] = await runOn('wasm', op);
    const k = filterShape[0]! * filterShape[1]! * filterShape[2]!;
    // Sums of up to N·outH·outW terms in float32: the tolerance grows with their count.
    const terms = info.batchSize * info.outHeight * info.outWidth;
    expectClose(got!, ref!, 1e-5 * Math.max(1, terms / 100), 1e-4);
    expect(got!.length).toBe(k * filterShape[3]!);
  });

  it.each([
    ['dilation 2, same', [2, 9, 8, 3], [3, 3, 3, 4], 1, 2, 'same'],
    ['dilations [2, 3], valid', [3, 11, 12, 2], [3, 2, 2, 3], 1, [2, 3], 'valid'],
  ] as Array<[string, number[], number[], number, number | [number, number], Pad]>)('%s, against the definition', async (_name, xShape, filterShape, strides, dilations, pad) => {
    const info = backend_util.computeConv2DInfo(xShape as [number, number, number, number],
      filterShape as [number, number, number, number], strides, dilations, pad, undefined, false, 'channelsLast');
    const x = randomFloats(xShape.reduce((a, b) => a * b), rand);
    const dy = randomFloats(info.outShape.reduce((a, b) => a * b), rand);
    const [got] = await runOn('wasm', () => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(x, xShape), dy: tf.tensor(dy, info.outShape) },
      { strides, dilations, pad, dataFormat: 'NHWC', filterShape }) as tf.Tensor);
    expectClose(got!, naiveFilterGrad(x, dy, info));
  });

  it('gives conv2d\'s filter gradient through tf.grad, on both backends', async () => {
    const x = randomFloats(2 * 7 * 7 * 3, rand);
    const w = randomFloats(3 * 3 * 3 * 4, rand);
    const grads = () => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').square().sum())(
      [tf.tensor4d(x, [2, 7, 7, 3]), tf.tensor4d(w, [3, 3, 3, 4])]);
    const ref = await runOn('cpu', grads);
    const got = await runOn('wasm', grads);
    expectClose(got[0]!, ref[0]!);
    expectClose(got[1]!, ref[1]!);
  });

  it('leaves no buffer behind', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    const before = tf.engine().backend.numDataIds();
    tf.tidy(() => {
      tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.ones([3, 8, 8, 4]), dy: tf.ones([3, 8, 8, 2]) },
        { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 4, 2] });
      tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.ones([2, 10, 10, 3]), dy: tf.ones([2, 4, 4, 2]) },
        { strides: 2, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 3, 2] });
    });
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });
});

describe('Conv2DBackpropFilter on wasm (Oar), im2col in slices', () => {
  it('does large batches in slices of images, with the same result', async () => {
    const xShape = [7, 6, 5, 3];
    const dyShape = [7, 6, 5, 4];
    const x = randomFloats(xShape.reduce((a, b) => a * b), rand);
    const dy = randomFloats(dyShape.reduce((a, b) => a * b), rand);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] };
    const op = () => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.tensor(x, xShape), dy: tf.tensor(dy, dyShape) }, attrs) as tf.Tensor;
    const [ref] = await runOn('cpu', op);
    // One image's im2col block is 30 x 27 = 810 floats: 2000 gives slices of 2 images (2, 2, 2, 1).
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
    replaceKernel('Conv2DBackpropFilter', 'wasm', () => makeWasmConv2DBackpropFilter(2000, Infinity));
    try {
      const before = (await runOn('wasm', () => tf.zeros([1])), tf.engine().backend.numDataIds());
      const [got] = await runOn('wasm', op);
      expectClose(got!, ref!);
      expect(tf.engine().backend.numDataIds()).toBe(before);
    } finally {
      tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
      registerWasmKernels();
    }
  });

  it('refuses NCHW, as wasm Conv2D does', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.ones([1, 2, 4, 4]), dy: tf.ones([1, 3, 2, 2]) },
      { strides: 1, pad: 'valid', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] }))
      .toThrow(/^Conv2DBackpropFilter \(wasm\): dataFormat must be 'NHWC' \(as wasm Conv2D\), got 'NCHW'$/);
  });
});
