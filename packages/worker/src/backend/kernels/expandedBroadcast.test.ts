import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/compareBackends.js';
import { randomFloats, useWasmWithCpuReference } from '../testing/backendTesting.js';
import { expectSameAsCpu } from './testing/expectSameAsCpu.js';
import { binaryKernelNames, needsExpansion } from './expandedBroadcast.js';
import { isOurKernel } from './replaceKernel.js';

const rand = seededRandom(83);
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const f32 = (shape: number[]) => ({ shape, dtype: 'float32' as const });

beforeAll(() => useWasmWithCpuReference(2));

describe('needsExpansion', () => {
  it('expands broadcast operands of kernels outside XNNPACK, and int32 ones of any', () => {
    expect(needsExpansion('Maximum', f32([518, 1]), f32([518, 256]))).toBe(true);
    expect(needsExpansion('LogicalAnd', { shape: [518, 1], dtype: 'bool' }, { shape: [518, 256], dtype: 'bool' })).toBe(true);
    expect(needsExpansion('Add', { shape: [1, 8], dtype: 'int32' }, { shape: [4, 8], dtype: 'int32' })).toBe(true);
  });

  it('leaves equal shapes, single values, XNNPACK float ops and other dtypes to the stock kernel', () => {
    expect(needsExpansion('Maximum', f32([5, 3]), f32([5, 3]))).toBe(false);
    expect(needsExpansion('Maximum', f32([]), f32([5, 3]))).toBe(false);
    expect(needsExpansion('Maximum', f32([5, 3]), f32([1, 1]))).toBe(false);
    expect(needsExpansion('Multiply', f32([518, 1]), f32([518, 256]))).toBe(false);
    expect(needsExpansion('Add', f32([1, 8]), f32([4, 8]))).toBe(false);
    expect(needsExpansion('Add', { shape: [2, 1], dtype: 'complex64' }, { shape: [2, 2], dtype: 'complex64' })).toBe(false);
  });
});

describe('binary ops with broadcasting on wasm (Oar) against tfjs cpu', () => {
  it('are all Oar\'s kernels', () => {
    expect(binaryKernelNames.filter((name) => !isOurKernel(tf.getKernel(name, 'wasm')!.kernelFunc))).toEqual([]);
  });

  const shapes: Array<[string, number[], number[]]> = [
    ['[n, 1] ⊙ [n, d]', [37, 1], [37, 20]],
    ['[n, d] ⊙ [1, d]', [37, 20], [1, 20]],
    ['[d] ⊙ [n, d] (rank padded)', [20], [9, 20]],
    ['[k, 1, d] ⊙ [1, m, 1] (both expanded)', [3, 1, 4], [1, 5, 1]],
    ['a single value', [1, 1], [6, 5]],
  ];
  const floatOps: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
    ['maximum', tf.maximum], ['minimum', tf.minimum], ['pow', (a, b) => tf.pow(tf.abs(a), b)], ['atan2', tf.atan2],
    ['greater', tf.greater], ['lessEqual', tf.lessEqual], ['equal', (a, b) => tf.equal(tf.sign(a), tf.sign(b))],
    ['mul', tf.mul], ['add', tf.add], ['squaredDifference', tf.squaredDifference],
  ];
  it.each(shapes)('float ops, %s', async (_name, aShape, bShape) => {
    const a = randomFloats(size(aShape), rand);
    const b = randomFloats(size(bShape), rand);
    await expectSameAsCpu(() => floatOps.map(([, op]) => op(tf.tensor(a, aShape), tf.tensor(b, bShape))), 1e-6, 1e-6);
  });

  it.each(shapes)('int32 and bool ops, %s', async (_name, aShape, bShape) => {
    const a = Int32Array.from({ length: size(aShape) }, () => Math.floor(rand() * 200 - 100));
    const b = Int32Array.from({ length: size(bShape) }, () => Math.floor(rand() * 200 - 100) || 1);
    await expectSameAsCpu(() => {
      const [x, y] = [tf.tensor(a, aShape, 'int32'), tf.tensor(b, bShape, 'int32')];
      const [p, q] = [x.greater(0), y.less(0)];
      return [
        tf.add(x, y), tf.sub(x, y), tf.mul(x, y), tf.floorDiv(x, y), tf.mod(x, y), tf.maximum(x, y), tf.notEqual(x, y),
        tf.logicalAnd(p, q), tf.logicalOr(p, q), tf.logicalXor(p, q), tf.equal(p, q),
      ];
    });
  });

  // (tfjs's Maximum / Minimum gradients do not reduce over broadcast axes, on any backend.)
  it('gives the gradients of broadcast pow and atan2 as on cpu', async () => {
    const a = randomFloats(23, rand);
    const b = randomFloats(23 * 11, rand);
    await expectSameAsCpu(() => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.add(tf.atan2(x, y).sum(), tf.pow(tf.abs(y).add(0.5), tf.abs(x)).sum()))(
      [tf.tensor2d(a, [23, 1]), tf.tensor2d(b, [23, 11])],
    ), 1e-5, 1e-5);
  });
});
