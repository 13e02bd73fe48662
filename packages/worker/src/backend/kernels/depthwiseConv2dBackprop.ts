import { backend_util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type {
  DepthwiseConv2dNativeBackpropFilterAttrs, DepthwiseConv2dNativeBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo,
} from '@tensorflow/tfjs-core';

type Shape4 = [number, number, number, number];

/**
 * Visits every (output pixel, filter tap) pair of a depthwise conv whose input pixel is inside the image:
 * `visit(xAt, dyAt, wAt)` gets the offsets of channel 0 in x (NHWC), dy (NHWC, inC·mult channels) and the
 * filter (`[fh, fw, inC, mult]`).
 */
function forEachTap(info: backend_util.Conv2DInfo, visit: (xAt: number, dyAt: number, wAt: number) => void): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, outChannels } = info;
  for (let n = 0; n < info.batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyAt = ((n * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * info.strideHeight - info.padInfo.top + kh * info.dilationHeight;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * info.strideWidth - info.padInfo.left + kw * info.dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            visit(((n * inHeight + ih) * inWidth + iw) * inChannels, dyAt, (kh * filterWidth + kw) * outChannels);
          }
        }
      }
    }
  }
}

function zeroOutput(wasm: BackendWasm, shape: number[]): [TensorInfo, Float32Array] {
  const out = wasm.makeOutput(shape, 'float32');
  const values = wasm.typedArrayFromHeap(out) as Float32Array;
  values.fill(0);
  return [out, values];
}

const filterGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(x.shape as Shape4, filterShape, strides, dilations, pad, dimRoundingMode, true);
  const [dw, dwValues] = zeroOutput(wasm, filterShape);
  const xs = wasm.typedArrayFromHeap(x) as Float32Array;
  const dys = wasm.typedArrayFromHeap(dy) as Float32Array;
  const { inChannels } = info;
  const mult = info.outChannels / inChannels;
  forEachTap(info, (xAt, dyAt, wAt) => {
    for (let c = 0; c < inChannels; c++) {
      const xv = xs[xAt + c]!;
      for (let q = 0; q < mult; q++) dwValues[wAt + c * mult + q]! += xv * dys[dyAt + c * mult + q]!;
    }
  });
  return dw;
};

const inputGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as Shape4, strides, dilations, pad, dimRoundingMode, true);
  const [dx, dxValues] = zeroOutput(wasm, inputShape);
  const ws = wasm.typedArrayFromHeap(filter) as Float32Array;
  const dys = wasm.typedArrayFromHeap(dy) as Float32Array;
  const { inChannels } = info;
  const mult = info.outChannels / inChannels;
  forEachTap(info, (xAt, dyAt, wAt) => {
    for (let c = 0; c < inChannels; c++) {
      let sum = 0;
      for (let q = 0; q < mult; q++) sum += ws[wAt + c * mult + q]! * dys[dyAt + c * mult + q]!;
      dxValues[xAt + c]! += sum;
    }
  });
  return dx;
};

/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend, which has none: direct loops on the heap
 * (a depthwise conv has no channel contraction to hand to a matMul). NHWC, strides, dilations, padding.
 *
 * @example
 * replaceKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm', () => wasmDepthwiseConv2dBackpropFilter);
 */
export const wasmDepthwiseConv2dBackpropFilter: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: filterGrad,
};

/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend, which has none: direct loops on the heap.
 *
 * @example
 * replaceKernel('DepthwiseConv2dNativeBackpropInput', 'wasm', () => wasmDepthwiseConv2dBackpropInput);
 */
export const wasmDepthwiseConv2dBackpropInput: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: 'wasm', kernelFunc: inputGrad,
};
