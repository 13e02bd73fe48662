import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/compareBackends.js';
import { expectClose, randomFloats, runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';
import { matMulPlan, untransposedMatMul } from './untransposedMatMul.js';

const rand = seededRandom(23);

beforeAll(() => useWasmWithCpuReference(1));

describe('matMulPlan', () => {
  it('transposes the operands when that moves fewer elements, else computes the transposed product', () => {
    // dW = Xᵀ·dY: transposing X (64·512) beats swapping (dY 64·1536 twice + X + out 512·1536).
    expect(matMulPlan([64, 512], [64, 1536], [512, 1536], true, false)).toBe('keep');
    // dX = dY·Wᵀ: transposing W (512·1536, then repacked) costs more than (W·dYᵀ)ᵀ.
    expect(matMulPlan([64, 1536], [512, 1536], [64, 512], false, true)).toBe('swap');
    expect(matMulPlan([5, 3], [4, 5], [3, 4], true, true)).toBe('swap');
  });
});

describe('untransposedMatMul', () => {
  const cases: Array<[string, number[], number[], boolean, boolean, number[][]]> = [
    ['keep: transposes A, hands the stock kernel A·B', [2, 40, 3], [2, 40, 50], true, false, [[2, 3, 40], [2, 40, 50]]],
    ['swap: hands the stock kernel B·A as stored', [2, 5, 3], [2, 4, 5], true, true, [[2, 4, 5], [2, 5, 3]]],
  ];
  it.each(cases)('%s, flags off, nothing leaked', async (_name, aShape, bShape, ta, tb, expectedShapes) => {
    await runOn('wasm', () => tf.zeros([1]));
    const seen: Array<{ shapes: number[][]; attrs: NamedAttrMap }> = [];
    const stock = tf.getKernel('BatchMatMul', 'wasm')!;
    const spy: KernelConfig = {
      ...stock,
      kernelFunc: (args) => {
        seen.push({ shapes: [(args.inputs['a'] as TensorInfo).shape, (args.inputs['b'] as TensorInfo).shape], attrs: args.attrs! });
        return stock.kernelFunc(args);
      },
    };
    const wrapped = untransposedMatMul(spy);
    const before = tf.engine().backend.numDataIds();
    const a = tf.tensor(randomFloats(aShape.reduce((x, y) => x * y), rand), aShape);
    const b = tf.tensor(randomFloats(bShape.reduce((x, y) => x * y), rand), bShape);
    const out = wrapped.kernelFunc({ inputs: { a, b }, backend: tf.backend(), attrs: { transposeA: ta, transposeB: tb } }) as TensorInfo;
    const expected = tf.matMul(a, b, ta, tb);
    expect(out.shape).toEqual(expected.shape);
    expect(seen).toEqual([{ shapes: expectedShapes, attrs: { transposeA: false, transposeB: false } }]);
    const got = tf.engine().makeTensorFromTensorInfo(out);
    expectClose(got.dataSync(), expected.dataSync());
    tf.dispose([a, b, expected, got]);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });
});

describe('BatchMatMul / _FusedMatMul with transposes on wasm (Oar) against tfjs cpu', () => {
  const shapes: Array<[string, number[], number[], boolean, boolean]> = [
    ['A·B', [33, 17], [17, 9], false, false],
    ['Aᵀ·B', [17, 33], [17, 9], true, false],
    ['A·Bᵀ', [33, 17], [9, 17], false, true],
    ['Aᵀ·Bᵀ', [17, 33], [9, 17], true, true],
    ['batched Aᵀ·B', [3, 17, 33], [3, 17, 9], true, false],
    ['batched A·Bᵀ', [3, 33, 17], [3, 9, 17], false, true],
    ['batched Aᵀ · 2-D Bᵀ (broadcast)', [3, 17, 33], [9, 17], true, true],
    ['fc backward dX = dY·Wᵀ (swapped)', [16, 96], [40, 96], false, true],
    ['batched A · 2-D Bᵀ (broadcast, swapped)', [2, 8, 30], [50, 30], false, true],
    ['fc backward dW = Xᵀ·dY', [16, 40], [16, 96], true, false],
  ];
  it.each(shapes)('%s: values and gradients', async (_name, aShape, bShape, ta, tb) => {
    const a = randomFloats(aShape.reduce((x, y) => x * y), rand);
    const b = randomFloats(bShape.reduce((x, y) => x * y), rand);
    const batched = aShape.length === 3 && bShape.length === 2;
    const op = () => {
      const [ta_, tb_] = [tf.tensor(a, aShape), tf.tensor(b, bShape)];
      const y = tf.matMul(ta_, tb_, ta, tb);
      // tfjs's BatchMatMul gradient does not handle broadcast batch dims: values only there.
      return batched ? [y] : [y, ...tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q, ta, tb).square().sum())([ta_, tb_])];
    };
    const ref = await runOn('cpu', op);
    const got = await runOn('wasm', op);
    expect(got.length).toBe(ref.length);
    got.forEach((g, i) => expectClose(g, ref[i]!));
  });

  it.each([[false, false], [false, true], [true, false], [true, true]])('fused matMul + bias + relu, transposeA=%s transposeB=%s', async (ta, tb) => {
    const a = randomFloats(8 * 6, rand);
    const b = randomFloats(6 * 5, rand);
    const bias = randomFloats(5, rand);
    const op = () => tf.fused.matMul({
      a: tf.tensor2d(a, ta ? [6, 8] : [8, 6]), b: tf.tensor2d(b, tb ? [5, 6] : [6, 5]),
      transposeA: ta, transposeB: tb, bias: tf.tensor1d(bias), activation: 'relu',
    });
    expectClose((await runOn('wasm', op))[0]!, (await runOn('cpu', op))[0]!);
  });
});
