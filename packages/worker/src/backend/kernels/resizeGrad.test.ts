import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/compareBackends.js';
import { expectClose, randomFloats, runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';
import { registerCpuKernels } from './registerKernels.js';

const rand = seededRandom(37);

/** d sum(resize(x)·dy)/dx by central differences: exact up to rounding, resizing being linear in x. */
function numericGrad(resize: (x: tf.Tensor4D) => tf.Tensor, x: Float32Array, shape: number[], dy: tf.Tensor): Float32Array {
  const loss = (v: Float32Array) => tf.tidy(() => tf.sum(tf.mul(resize(tf.tensor4d(v, shape as [number, number, number, number])), dy)).dataSync()[0]!);
  return Float32Array.from(x, (_, i) => {
    const plus = x.slice();
    const minus = x.slice();
    plus[i]! += 0.5;
    minus[i]! -= 0.5;
    return loss(plus) - loss(minus);
  });
}

beforeAll(async () => {
  await useWasmWithCpuReference(1);
  registerCpuKernels();
});

describe('resize gradients (Oar) on cpu and wasm against central differences', () => {
  const cases: Array<[string, number[], [number, number], boolean, boolean]> = [];
  for (const [alignCorners, halfPixelCenters] of [[false, false], [true, false], [false, true]] as const) {
    cases.push([`up, non-square, alignCorners=${alignCorners} halfPixelCenters=${halfPixelCenters}`, [2, 3, 4, 2], [5, 7], alignCorners, halfPixelCenters]);
    cases.push([`down, alignCorners=${alignCorners} halfPixelCenters=${halfPixelCenters}`, [2, 7, 6, 3], [3, 4], alignCorners, halfPixelCenters]);
  }
  const ops = {
    bilinear: (size: [number, number], ac: boolean, hp: boolean) => (x: tf.Tensor4D) => tf.image.resizeBilinear(x, size, ac, hp),
    nearest: (size: [number, number], ac: boolean, hp: boolean) => (x: tf.Tensor4D) => tf.image.resizeNearestNeighbor(x, size, ac, hp),
  };
  for (const [kind, make] of Object.entries(ops)) {
    it.each(cases)(`${kind}: %s`, async (_name, shape, size, ac, hp) => {
      const resize = make(size, ac, hp);
      const x = randomFloats(shape.reduce((a, b) => a * b), rand);
      const dy = randomFloats(shape[0]! * size[0] * size[1] * shape[3]!, rand);
      const grad = () => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(resize(t as tf.Tensor4D), tf.tensor(dy, [shape[0]!, ...size, shape[3]!]))))(
        tf.tensor4d(x, shape as [number, number, number, number]));
      const forward = () => resize(tf.tensor4d(x, shape as [number, number, number, number]));
      expectClose((await runOn('wasm', forward))[0]!, (await runOn('cpu', forward))[0]!);
      for (const backend of ['cpu', 'wasm']) {
        const [got] = await runOn(backend, grad);
        expect(got!.length).toBe(x.length);
        const dyTensor = tf.tensor(dy, [shape[0]!, ...size, shape[3]!]);
        expectClose(got!, numericGrad(resize, x, shape, dyTensor), 1e-4, 1e-4);
        dyTensor.dispose();
      }
    });
  }
});
