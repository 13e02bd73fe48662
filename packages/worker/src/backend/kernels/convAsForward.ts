import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { runWasmKernel } from './runWasmKernel.js';

/**
 * The padding of a stride-1 forward convolution along one axis, and where its output starts within the
 * wanted window: wanted pads may be negative (the input is longer than used), which a convolution cannot
 * take, so it runs with the pads clamped at zero and `crop` of its output is skipped.
 */
export interface AxisPads {
  before: number;
  after: number;
  crop: number;
}

function clamped(before: number, after: number): AxisPads {
  const b = Math.max(0, before);
  return { before: b, after: Math.max(0, after), crop: b - before };
}

/**
 * Pads of the forward convolution that gives the input gradient of a convolution along one axis, run on
 * `dy` zero-dilated by `stride` (length `(outSize − 1)·stride + 1`) with the filter reversed:
 * `filterSize − 1 − padBefore` before and enough after to give `inSize` values.
 *
 * @example
 * backpropInputPads(14, 5, 1, 2, 14); // { before: 2, after: 2, crop: 0 } for a 5×5 'same' conv
 */
export function backpropInputPads(inSize: number, filterSize: number, stride: number, padBefore: number, outSize: number): AxisPads {
  const dilated = (outSize - 1) * stride + 1;
  return clamped(filterSize - 1 - padBefore, inSize - dilated + padBefore);
}

/**
 * Pads of the forward convolution that gives the filter gradient of a convolution along one axis: `x`
 * (channels: the batch) convolved with `dy` as the filter, dilated by the conv's stride and strided by
 * its dilation: `padBefore` before and enough after for `filterSize` outputs (more are cut off).
 *
 * @example
 * backpropFilterPads(14, 5, 1, 1, 2, 14); // { before: 2, after: 2, crop: 0 }
 */
export function backpropFilterPads(
  inSize: number, filterSize: number, stride: number, dilation: number, padBefore: number, outSize: number,
): AxisPads {
  const dilated = (outSize - 1) * stride + 1;
  return clamped(padBefore, (filterSize - 1) * dilation + dilated - inSize - padBefore);
}

/** Options of {@link forwardConv}: stride-1-per-axis pads, and the conv's own strides and dilations. */
export interface ForwardConvSpec {
  pads: [AxisPads, AxisPads];
  strides?: [number, number];
  dilations?: [number, number];
  /** The [height, width] of the result wanted: the output is cut to it from (crop, crop). */
  outSize: [number, number];
}

/**
 * Runs tfjs-wasm's `Conv2D` (XNNPACK) on `x` and `filter` with explicit pads, then cuts the wanted window out
 * of the result when the pads were clamped or the conv gives more than asked for. The caller owns the result.
 *
 * @example
 * const dx = forwardConv(wasm, dyDilated, rotated, { pads: [ph, pw], outSize: [inH, inW] });
 */
export function forwardConv(wasm: BackendWasm, x: TensorInfo, filter: TensorInfo, spec: ForwardConvSpec): TensorInfo {
  const [ph, pw] = spec.pads;
  const y = runWasmKernel(wasm, 'Conv2D', { x, filter }, {
    strides: spec.strides ?? [1, 1],
    dilations: spec.dilations ?? [1, 1],
    pad: [[0, 0], [ph.before, ph.after], [pw.before, pw.after], [0, 0]],
    dataFormat: 'NHWC',
  } as never);
  const [n, h, w, c] = y.shape as [number, number, number, number];
  const [outH, outW] = spec.outSize;
  if (ph.crop === 0 && pw.crop === 0 && h === outH && w === outW) return y;
  try {
    return runWasmKernel(wasm, 'Slice', { x: y }, { begin: [0, ph.crop, pw.crop, 0], size: [n, outH, outW, c] });
  } finally {
    wasm.disposeData(y.dataId);
  }
}
