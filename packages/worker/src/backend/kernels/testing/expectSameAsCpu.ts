import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { worstMismatch } from '../../testing/compareBackends.js';

/** One output of a run, as plain numbers. */
interface Output { shape: number[]; dtype: string; values: number[] }

/** Runs `f` on backend `name`; returns its outputs and how many buffers it left behind there. */
async function run(name: string, f: () => tf.Tensor | tf.Tensor[]): Promise<{ outputs: Output[]; leaked: number }> {
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not start`);
  const before = tf.engine().backend.numDataIds();
  const outputs = tf.tidy(() => {
    const out = f();
    return (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync() as ArrayLike<number>) }));
  });
  return { outputs, leaked: tf.engine().backend.numDataIds() - before };
}

/**
 * Test helper: runs `f` (which makes its own inputs) on tfjs's cpu backend and on wasm, and asserts the
 * same number of outputs with the same shapes and dtypes, values equal (exactly by default, NaN equal to
 * NaN; else within |wasm − cpu| ≤ atol + rtol·|cpu|), and no tensor buffer left behind on wasm. Leaves
 * wasm active.
 *
 * @example
 * await expectSameAsCpu(() => tf.gather(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([1, 0], 'int32')));
 */
export async function expectSameAsCpu(f: () => tf.Tensor | tf.Tensor[], atol = 0, rtol = 0): Promise<void> {
  const ref = await run('cpu', f);
  const got = await run('wasm', f);
  expect(got.leaked).toBe(0);
  expect(got.outputs.map((o) => [o.shape, o.dtype])).toEqual(ref.outputs.map((o) => [o.shape, o.dtype]));
  got.outputs.forEach((o, i) => {
    if (atol === 0 && rtol === 0) expect(o.values).toEqual(ref.outputs[i]!.values);
    else expect(worstMismatch(ref.outputs[i]!.values, o.values, atol, rtol)).toBeNull();
  });
}
