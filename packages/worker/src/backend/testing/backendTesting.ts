import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { initBackend } from '../initBackend.js';
import { worstMismatch } from './compareBackends.js';

/**
 * Starts Oar's wasm backend (`threads` threads) and loads tfjs's stock cpu backend beside it as the
 * reference (without Oar's cpu kernels). Leaves wasm active.
 */
export async function useWasmWithCpuReference(threads = 1): Promise<void> {
  await initBackend({ backend: 'wasm', threads, log: () => {} });
  await import('@tensorflow/tfjs-backend-cpu');
}

/** Runs `f` on backend `name` and returns every tensor it returns as a plain typed array. */
export async function runOn(name: string, f: () => tf.Tensor | tf.Tensor[]): Promise<Array<Float32Array | Int32Array>> {
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not start`);
  return tf.tidy(() => {
    const out = f();
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array | Int32Array);
  });
}

/** Asserts |got − ref| ≤ atol + rtol·|ref| element-wise (defaults 1e-5, 1e-4), with matching lengths. */
export function expectClose(got: ArrayLike<number>, ref: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): void {
  expect(got.length).toBe(ref.length);
  expect(worstMismatch(ref, got, atol, rtol)).toBeNull();
}

/** Float32 values in [-1, 1) from a seeded generator. */
export function randomFloats(size: number, rand: () => number): Float32Array {
  return Float32Array.from({ length: size }, () => 2 * rand() - 1);
}
