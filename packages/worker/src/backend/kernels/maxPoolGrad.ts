import { backend_util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The gradient of a 2-D max pool, NHWC: each window's `dy` goes to the first position holding the window's
 * maximum of `x` (row-major order, padding never wins), as TensorFlow and tfjs's cpu backend do.
 * `dx` must hold zeros.
 *
 * @example
 * maxPoolBackprop(x, dy, info, dx);
 */
export function maxPoolBackprop(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo, dx: Float32Array): void {
  const { inHeight, inWidth, inChannels: c, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  let o = 0;
  for (let n = 0; n < info.batchSize; n++) {
    const image = n * inHeight * inWidth * c;
    for (let oh = 0; oh < outHeight; oh++) {
      const ih0 = oh * strideHeight - info.padInfo.top;
      for (let ow = 0; ow < outWidth; ow++) {
        const iw0 = ow * strideWidth - info.padInfo.left;
        for (let ch = 0; ch < c; ch++, o++) {
          let best = -1;
          let bestValue = -Infinity;
          for (let kh = 0; kh < filterHeight; kh++) {
            const ih = ih0 + kh * dilationHeight;
            if (ih < 0 || ih >= inHeight) continue;
            for (let kw = 0; kw < filterWidth; kw++) {
              const iw = iw0 + kw * dilationWidth;
              if (iw < 0 || iw >= inWidth) continue;
              const at = image + (ih * inWidth + iw) * c + ch;
              if (best < 0 || x[at]! > bestValue) { best = at; bestValue = x[at]!; }
            }
          }
          if (best >= 0) dx[best]! += dy[o]!;
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
