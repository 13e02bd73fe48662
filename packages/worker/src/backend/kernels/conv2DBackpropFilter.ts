import { backend_util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '../BackendError.js';
import { backpropFilterPads, forwardConv } from './convAsForward.js';
import { runWasmKernel, transposeLastTwo } from './runWasmKernel.js';

/** Largest im2col block built at once, in floats (32 MiB); bigger batches are done in slices. */
const defaultMaxColumnFloats = 1 << 23;
/**
 * Smallest batch computed as a forward convolution: its channels are the images, and XNNPACK reads
 * `batch` floats per tap, which is slower than im2col for a handful of images (measured: equal at 4).
 */
const defaultMinConvBatch = 8;

/**
 * Writes the im2col rows of images `[n0, n0 + count)` of NHWC `x` into `col`, one row per output pixel
 * (`count·outH·outW` rows) of `filterH·filterW·inC` values in the filter's `[fh, fw, in]` order; taps
 * that fall in the padding are zeros.
 *
 * @example
 * im2col(x, info, 0, info.batchSize, col); // col: [N·outH·outW, fh·fw·inC]
 */
export function im2col(x: Float32Array, info: backend_util.Conv2DInfo, n0: number, count: number, col: Float32Array): void {
  const { inHeight, inWidth, inChannels: c, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const rowSize = filterHeight * filterWidth * c;
  const tapRun = dilationWidth === 1 ? filterWidth * c : c; // contiguous values per filter row
  let r = 0;
  for (let n = n0; n < n0 + count; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, r++) {
        const row = r * rowSize;
        const iw0 = ow * strideWidth - info.padInfo.left;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight - info.padInfo.top + kh * dilationHeight;
          const dst = row + kh * filterWidth * c;
          if (ih < 0 || ih >= inHeight) {
            col.fill(0, dst, dst + filterWidth * c);
            continue;
          }
          const src = (n * inHeight + ih) * inWidth * c;
          if (tapRun > c && iw0 >= 0 && iw0 + filterWidth <= inWidth) {
            col.set(x.subarray(src + iw0 * c, src + iw0 * c + tapRun), dst);
            continue;
          }
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = iw0 + kw * dilationWidth;
            const d = dst + kw * c;
            if (iw < 0 || iw >= inWidth) col.fill(0, d, d + c);
            else for (let k = 0; k < c; k++) col[d + k] = x[src + iw * c + k]!;
          }
        }
      }
    }
  }
}

function convInfoOf(x: TensorInfo, attrs: Conv2DBackpropFilterAttrs & { dilations?: number | [number, number] }) {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new BackendError(
      `Conv2DBackpropFilter (wasm): dataFormat must be 'NHWC' (as wasm Conv2D), got '${attrs.dataFormat}'`,
    );
  }
  return backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, attrs.dilations ?? 1,
    attrs.pad, attrs.dimRoundingMode, false, 'channelsLast',
  );
}

/** dW for images `[n0, n0 + count)`: im2col, then colᵀ · dy on the fast untransposed matMul. */
function filterGradSlice(
  wasm: BackendWasm, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo, n0: number, count: number,
): TensorInfo {
  const pixels = info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const col = wasm.makeOutput([count * pixels, k], 'float32');
  const dySlice = count === info.batchSize ? null : wasm.makeOutput([count * pixels, info.outChannels], 'float32');
  const temps = dySlice === null ? [col] : [col, dySlice];
  try {
    im2col(wasm.typedArrayFromHeap(x) as Float32Array, info, n0, count, wasm.typedArrayFromHeap(col) as Float32Array);
    let dy2d = dySlice;
    if (dy2d === null) {
      dy2d = runWasmKernel(wasm, 'Reshape', { x: dy }, { shape: [count * pixels, info.outChannels] });
      temps.push(dy2d);
    } else {
      const size = pixels * info.outChannels;
      const all = wasm.typedArrayFromHeap(dy) as Float32Array;
      (wasm.typedArrayFromHeap(dy2d) as Float32Array).set(all.subarray(n0 * size, (n0 + count) * size));
    }
    const colT = transposeLastTwo(wasm, col);
    temps.push(colT);
    return runWasmKernel(wasm, 'BatchMatMul', { a: colT, b: dy2d }, { transposeA: false, transposeB: false });
  } finally {
    for (const t of temps) wasm.disposeData(t.dataId);
  }
}

/**
 * dW as one forward convolution on XNNPACK: dW[kh, kw, i, o] = Σ x[n, oh·sh − pt + kh, ow·sw − pl + kw, i]
 * · dy[n, oh, ow, o] is `x` as [inC, H, W, N] (images as channels) convolved with `dy` as an
 * [outH, outW, N, outC] filter dilated by the strides, giving [inC, fh, fw, outC].
 */
function filterGradAsConv(wasm: BackendWasm, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const temps: TensorInfo[] = [];
  const keep = (t: TensorInfo): TensorInfo => { temps.push(t); return t; };
  try {
    const xT = keep(runWasmKernel(wasm, 'Transpose', { x }, { perm: [3, 1, 2, 0] }));
    const dyT = keep(runWasmKernel(wasm, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] }));
    const pads = [
      backpropFilterPads(info.inHeight, info.filterHeight, info.strideHeight, info.dilationHeight, info.padInfo.top, info.outHeight),
      backpropFilterPads(info.inWidth, info.filterWidth, info.strideWidth, info.dilationWidth, info.padInfo.left, info.outWidth),
    ] as const;
    const grad = keep(forwardConv(wasm, xT, dyT, {
      pads: [pads[0], pads[1]],
      strides: [info.dilationHeight, info.dilationWidth],
      dilations: [info.strideHeight, info.strideWidth],
      outSize: [info.filterHeight, info.filterWidth],
    }));
    return runWasmKernel(wasm, 'Transpose', { x: grad }, { perm: [1, 2, 0, 3] });
  } finally {
    for (const t of temps) wasm.disposeData(t.dataId);
  }
}

const filterGradKernel = (maxColumnFloats: number, minConvBatch: number): KernelFunc => ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const info = convInfoOf(x, attrs as unknown as Conv2DBackpropFilterAttrs);
  if (info.batchSize >= minConvBatch && info.outHeight * info.outWidth > 0) return filterGradAsConv(wasm, x, dy, info);
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const perImage = Math.max(1, info.outHeight * info.outWidth * k);
  const step = Math.max(1, Math.min(info.batchSize, Math.floor(maxColumnFloats / perImage)));
  let total: TensorInfo | null = null;
  for (let n0 = 0; n0 < info.batchSize; n0 += step) {
    const part = filterGradSlice(wasm, x, dy, info, n0, Math.min(step, info.batchSize - n0));
    if (total === null) { total = part; continue; }
    const sum = wasm.typedArrayFromHeap(total) as Float32Array;
    const add = wasm.typedArrayFromHeap(part) as Float32Array;
    for (let i = 0; i < sum.length; i++) sum[i]! += add[i]!;
    wasm.disposeData(part.dataId);
  }
  const filterShape = [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels];
  if (total === null) {
    // An empty batch: the gradient is zero.
    const zeros = wasm.makeOutput(filterShape, 'float32');
    (wasm.typedArrayFromHeap(zeros) as Float32Array).fill(0);
    return zeros;
  }
  // [k, outC] row-major is already [fh, fw, inC, outC]; relabel in place.
  return { dataId: total.dataId, shape: filterShape, dtype: 'float32' };
};

/**
 * `Conv2DBackpropFilter` (the filter gradient of `conv2d`) for the wasm backend, which has none. From
 * `minConvBatch` images (default 8) on, one forward convolution on XNNPACK (`x` with the images as
 * channels, `dy` as the filter); below, im2col of the input, then `colᵀ · dy` on XNNPACK's matMul, in
 * slices of images when the im2col block would pass `maxColumnFloats` (default 2^23, 32 MiB). NHWC;
 * strides, dilations, 'same' / 'valid' / numeric / explicit padding and `dimRoundingMode` as `tf.conv2d`
 * takes them.
 *
 * @example
 * replaceKernel('Conv2DBackpropFilter', 'wasm', () => makeWasmConv2DBackpropFilter());
 */
export function makeWasmConv2DBackpropFilter(maxColumnFloats = defaultMaxColumnFloats, minConvBatch = defaultMinConvBatch): KernelConfig {
  return { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: filterGradKernel(maxColumnFloats, minConvBatch) };
}
