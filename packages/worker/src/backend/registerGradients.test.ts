import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerGradients } from './registerGradients.js';

const coreDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core'));

beforeAll(async () => {
  tf.enableProdMode(); // no tfjs console banner
  await registerGradients();
  await tf.setBackend('cpu');
});

describe('registerGradients', () => {
  it('registers a gradient for every kernel tfjs-core has one for (its dist/gradients/*_grad.js)', () => {
    const kernels = readdirSync(join(coreDist, 'gradients')).filter((f) => f.endsWith('_grad.js')).map((f) => f.slice(0, -8));
    expect(kernels.length).toBeGreaterThan(90);
    expect(kernels.filter((k) => tf.getGradient(k) === undefined)).toEqual([]);
  });

  it('is idempotent', async () => {
    const before = tf.getGradient('BatchMatMul');
    await registerGradients();
    expect(tf.getGradient('BatchMatMul')).toBe(before);
  });

  it('gives cumsum the right gradient on a non-last axis (tfjs 4.22 transposes it)', () => {
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const dy = tf.tensor2d([[1, 10, 100], [1000, 10000, 100000]]);
    // d/dx_ij of sum(dy · cumsum(x, axis 0)) = sum over k ≥ i of dy_kj.
    expect(tf.grad((t: tf.Tensor) => tf.cumsum(t, 0).mul(dy).sum())(x).arraySync())
      .toEqual([[1001, 10010, 100100], [1000, 10000, 100000]]);
    // exclusive + reverse: sum over k < i.
    expect(tf.grad((t: tf.Tensor) => tf.cumsum(t, 0, true, true).mul(dy).sum())(x).arraySync())
      .toEqual([[0, 0, 0], [1, 10, 100]]);
    expect(tf.grad((t: tf.Tensor) => tf.cumsum(t, 1).mul(dy).sum())(x).arraySync())
      .toEqual([[111, 110, 100], [111000, 110000, 100000]]);
  });

  it('makes the gradients that call chained methods work (Prod)', () => {
    const g = tf.grad((t: tf.Tensor) => tf.prod(t, 1).sum())(tf.tensor2d([[2, 3], [4, 5]]));
    expect(g.arraySync()).toEqual([[3, 2], [5, 4]]);
  });
});

describe('registerChainedOps (through registerGradients)', () => {
  it('adds every chained method tfjs-core declares (dist/public/chained_ops)', () => {
    const dir = join(coreDist, 'public', 'chained_ops');
    const names = readdirSync(dir).filter((f) => f.endsWith('.js'))
      .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/prototype\.(\w+) =/g)].map((m) => m[1]!));
    expect(names.length).toBeGreaterThan(130);
    const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
    expect(names.filter((n) => typeof proto[n] !== 'function')).toEqual([]);
  });

  it('computes what the functional ops compute', () => {
    const a = tf.tensor2d([[1, -2], [3, 4]]);
    expect(a.add(1).mul(2).arraySync()).toEqual([[4, -2], [8, 10]]);
    expect(a.as1D().arraySync()).toEqual([1, -2, 3, 4]);
    expect(a.as2D(1, 4).shape).toEqual([1, 4]);
    expect(a.flatten().reshapeAs(a).arraySync()).toEqual(a.arraySync());
    expect(a.concat(a, 0).shape).toEqual([4, 2]);
    expect(a.concat([a, a], 1).shape).toEqual([2, 6]);
    expect(a.stack(a).shape).toEqual([2, 2, 2]);
    expect(a.toInt().dtype).toBe('int32');
    expect(a.toBool().dtype).toBe('bool');
    expect(a.toInt().toFloat().dtype).toBe('float32');
    expect(a.asType('int32').dtype).toBe('int32');
    expect(tf.tensor([5]).asScalar().shape).toEqual([]);
    expect(() => a.asScalar()).toThrow(/only 1 element/);
    expect(a.where(tf.tensor2d([[1, 0], [0, 1]], undefined, 'bool'), tf.zerosLike(a)).arraySync()).toEqual([[1, 0], [0, 4]]);
    expect(a.reshape([1, 2, 2, 1]).resizeBilinear([4, 4]).shape).toEqual([1, 4, 4, 1]);
    expect(a.reshape([1, 2, 2, 1]).resizeNearestNeighbor([3, 3]).shape).toEqual([1, 3, 3, 1]);
    const disposed = tf.tensor([1]);
    disposed.dispose();
    expect(() => disposed.square()).toThrow(/disposed/);
  });
});
