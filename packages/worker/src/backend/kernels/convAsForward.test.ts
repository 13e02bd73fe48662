import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOn, useWasmWithCpuReference } from '../testing/backendTesting.js';
import { backpropFilterPads, backpropInputPads, forwardConv } from './convAsForward.js';

beforeAll(() => useWasmWithCpuReference(1));

describe('backpropInputPads', () => {
  it('pads by filterSize − 1 − pad before, and after as much as fills the input', () => {
    expect(backpropInputPads(14, 5, 1, 2, 14)).toEqual({ before: 2, after: 2, crop: 0 });
    // 'valid' 3-tap stride 2 over 9: 4 outputs, dilated to 7; 2 + 7 + 2 − 3 + 1 = 9.
    expect(backpropInputPads(9, 3, 2, 0, 4)).toEqual({ before: 2, after: 2, crop: 0 });
    // stride 2 'valid' over 10: the last input row is unused, its gradient comes from the padding after.
    expect(backpropInputPads(10, 3, 2, 0, 4)).toEqual({ before: 2, after: 3, crop: 0 });
  });

  it('clamps a negative pad at zero and crops the surplus output instead', () => {
    // pad 4 before a 3-tap filter: the conv would start 2 before the dilated dy.
    expect(backpropInputPads(6, 3, 1, 4, 11)).toEqual({ before: 0, after: 0, crop: 2 });
  });
});

describe('backpropFilterPads', () => {
  it('pads by the conv\'s pad before, and after enough for filterSize outputs', () => {
    expect(backpropFilterPads(14, 5, 1, 1, 2, 14)).toEqual({ before: 2, after: 2, crop: 0 });
    // stride 2 'same' over 9 with 3 taps: 5 outputs dilated to 9, pads 1/1.
    expect(backpropFilterPads(9, 3, 2, 1, 1, 5)).toEqual({ before: 1, after: 1, crop: 0 });
    // dilation 2: 3 taps span 5.
    expect(backpropFilterPads(9, 3, 1, 2, 2, 9)).toEqual({ before: 2, after: 2, crop: 0 });
  });

  it('clamps a negative pad after at zero (the extra outputs are cut off)', () => {
    // stride 2 'valid' over 10: 4 outputs dilated to 7 use 9 rows; one row is left over.
    expect(backpropFilterPads(10, 3, 2, 1, 0, 4)).toEqual({ before: 0, after: 0, crop: 0 });
  });
});

describe('forwardConv', () => {
  it('cuts the wanted window out of the conv\'s output, and leaves no buffer behind', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    const wasm = tf.backend() as BackendWasm;
    // x: one 4×4 image whose pixel (r, c) holds 10·r + c; a 1×1 filter of 1 copies it.
    const x = tf.tensor4d(Array.from({ length: 16 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4)), [1, 4, 4, 1]);
    const w = tf.ones([1, 1, 1, 1]);
    const before = tf.engine().backend.numDataIds();
    const pads = [{ before: 0, after: 0, crop: 1 }, { before: 1, after: 0, crop: 2 }] as const;
    const y = forwardConv(wasm, x as unknown as TensorInfo, w as unknown as TensorInfo, { pads: [pads[0], pads[1]], outSize: [2, 3] });
    expect(y.shape).toEqual([1, 2, 3, 1]);
    // Padded width 5 (one zero column first); rows from 1, columns from 2 of the padded image: x columns 1..3.
    expect(Array.from(wasm.typedArrayFromHeap(y))).toEqual([11, 12, 13, 21, 22, 23]);
    wasm.disposeData(y.dataId);
    expect(tf.engine().backend.numDataIds()).toBe(before);
    tf.dispose([x, w]);
  });
});
