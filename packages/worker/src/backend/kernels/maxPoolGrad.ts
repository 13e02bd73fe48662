import { backend_util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';

/** The window's taps that fall inside the image, as offsets of pixel starts from the image start. */
function windowTaps(info: backend_util.Conv2DInfo, oh: number, ow: number, taps: Int32Array): number {
  const { inHeight, inWidth, inChannels: c, filterHeight, filterWidth, dilationHeight, dilationWidth } = info;
  const ih0 = oh * info.strideHeight - info.padInfo.top;
  const iw0 = ow * info.strideWidth - info.padInfo.left;
  let k = 0;
  for (let kh = 0; kh < filterHeight; kh++) {
    const ih = ih0 + kh * dilationHeight;
    if (ih < 0 || ih >= inHeight) continue;
    for (let kw = 0; kw < filterWidth; kw++) {
      const iw = iw0 + kw * dilationWidth;
      if (iw >= 0 && iw < inWidth) taps[k++] = (ih * inWidth + iw) * c;
    }
  }
  return k;
}

/** True if every window is 2×2 and lies wholly inside the image (the common 2/2 pool): no tap checks needed. */
function isWhole2x2(info: backend_util.Conv2DInfo): boolean {
  return info.filterHeight === 2 && info.filterWidth === 2 && info.dilationHeight === 1 && info.dilationWidth === 1
    && info.padInfo.top === 0 && info.padInfo.left === 0
    && (info.outHeight - 1) * info.strideHeight + 2 <= info.inHeight && (info.outWidth - 1) * info.strideWidth + 2 <= info.inWidth;
}

function backprop2x2(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo, dx: Float32Array): void {
  const { inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const down = inWidth * c;
  let o = 0;
  for (let n = 0; n < info.batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, o += c) {
        const a = ((n * inHeight + oh * strideHeight) * inWidth + ow * strideWidth) * c;
        for (let ch = 0; ch < c; ch++) {
          // Row-major order; a later tap wins only if strictly greater.
          let best = a + ch;
          let bestValue = x[best]!;
          let v = x[best + c]!;
          if (v > bestValue) { bestValue = v; best = a + c + ch; }
          v = x[a + down + ch]!;
          if (v > bestValue) { bestValue = v; best = a + down + ch; }
          v = x[a + down + c + ch]!;
          if (v > bestValue) best = a + down + c + ch;
          dx[best]! += dy[o + ch]!;
        }
      }
    }
  }
}

/**
 * The gradient of a 2-D max pool, NHWC: each window's `dy` goes to the first position holding the window's
 * maximum of `x` (row-major order, padding never wins), as TensorFlow and tfjs's cpu backend do.
 * `dx` must hold zeros.
 *
 * @example
 * maxPoolBackprop(x, dy, info, dx);
 */
export function maxPoolBackprop(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo, dx: Float32Array): void {
  if (isWhole2x2(info)) {
    backprop2x2(x, dy, info, dx);
    return;
  }
  const { inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const taps = new Int32Array(info.filterHeight * info.filterWidth);
  let o = 0;
  for (let n = 0; n < info.batchSize; n++) {
    const image = n * inHeight * inWidth * c;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, o += c) {
        const k = windowTaps(info, oh, ow, taps);
        if (k === 0) continue; // a window wholly in the padding
        for (let ch = 0; ch < c; ch++) {
          let best = image + taps[0]! + ch;
          let bestValue = x[best]!;
          for (let t = 1; t < k; t++) {
            const at = image + taps[t]! + ch;
            if (x[at]! > bestValue) { bestValue = x[at]!; best = at; }
          }
          dx[best]! += dy[o + ch]!;
        }
      }
    }
  }
}

const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode,
  );
  const dx = wasm.makeOutput(input.shape, 'float32');
  const dxValues = wasm.typedArrayFromHeap(dx) as Float32Array;
  dxValues.fill(0);
  maxPoolBackprop(
    wasm.typedArrayFromHeap(input) as Float32Array, wasm.typedArrayFromHeap(dy) as Float32Array, info, dxValues,
  );
  return dx;
};

/**
 * `MaxPoolGrad` for the wasm backend, replacing tfjs-wasm 4.22's, which is wrong as soon as there is more
 * than one image or channel (it sends the gradient to the wrong positions).
 *
 * @example
 * replaceKernel('MaxPoolGrad', 'wasm', () => wasmMaxPoolGrad);
 */
export const wasmMaxPoolGrad: KernelConfig = { kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc };
