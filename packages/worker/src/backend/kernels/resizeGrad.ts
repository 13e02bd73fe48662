import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { backend_util, DataId, DataType, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** The part of tfjs's cpu backend used here: its data lives in JS typed arrays. */
interface JsBackend {
  readSync(dataId: DataId): backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: DataType, values: backend_util.BackendValues): TensorInfo;
}

interface ResizeAttrs { alignCorners: boolean; halfPixelCenters: boolean }

/** Input pixels and weights behind one output coordinate: `[lo, hi, weight of hi]`. */
type Taps = (out: number) => [number, number, number];

/** Source scale of a resize along one axis, as tfjs's forward kernels compute it. */
function ratio(inSize: number, outSize: number, alignCorners: boolean): number {
  return alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
}

function bilinearTaps(inSize: number, outSize: number, { alignCorners, halfPixelCenters }: ResizeAttrs): Taps {
  const scale = ratio(inSize, outSize, alignCorners);
  return (o) => {
    const source = halfPixelCenters ? scale * (o + 0.5) - 0.5 : scale * o;
    const lo = Math.max(0, Math.floor(source));
    return [lo, Math.min(inSize - 1, Math.ceil(source)), source - lo];
  };
}

function nearestTaps(inSize: number, outSize: number, { alignCorners, halfPixelCenters }: ResizeAttrs): Taps {
  const scale = ratio(inSize, outSize, alignCorners);
  return (o) => {
    const source = halfPixelCenters ? scale * (o + 0.5) : scale * o;
    let nearest = Math.min(inSize - 1, alignCorners ? Math.round(source) : Math.floor(source));
    if (halfPixelCenters) nearest = Math.max(0, nearest);
    return [nearest, nearest, 0];
  };
}

/**
 * The gradient of a separable 2-D resize, NHWC: every `dy` value goes back to the input pixels its output
 * was interpolated from, with the forward pass's weights (the transpose of the forward linear map).
 *
 * @example
 * resizeBackprop(dy, [2, 6, 8, 3], [2, 3, 4, 3], rowTaps, colTaps, dx);
 */
export function resizeBackprop(
  dy: ArrayLike<number>, dyShape: number[], xShape: number[], rows: Taps, cols: Taps, dx: Float32Array,
): void {
  const [batch, outH, outW, depth] = dyShape as [number, number, number, number];
  const [, inH, inW] = xShape as [number, number, number, number];
  const colTaps = Array.from({ length: outW }, (_, c) => cols(c));
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < outH; r++) {
      const [r0, r1, rw] = rows(r);
      const top = (b * inH + r0) * inW;
      const bottom = (b * inH + r1) * inW;
      for (let c = 0; c < outW; c++) {
        const [c0, c1, cw] = colTaps[c]!;
        const weights = [(1 - rw) * (1 - cw), (1 - rw) * cw, rw * (1 - cw), rw * cw];
        const at = [(top + c0) * depth, (top + c1) * depth, (bottom + c0) * depth, (bottom + c1) * depth];
        for (let d = 0; d < depth; d++, o++) {
          const g = dy[o]!;
          for (let k = 0; k < 4; k++) if (weights[k] !== 0) dx[at[k]! + d]! += weights[k]! * g;
        }
      }
    }
  }
}

type TapsOf = (inSize: number, outSize: number, attrs: ResizeAttrs) => Taps;

function backprop(images: TensorInfo, dy: TensorInfo, dyValues: ArrayLike<number>, attrs: ResizeAttrs, taps: TapsOf, dx: Float32Array): void {
  resizeBackprop(dyValues, dy.shape, images.shape,
    taps(images.shape[1]!, dy.shape[1]!, attrs), taps(images.shape[2]!, dy.shape[2]!, attrs), dx);
}

function cpuKernel(taps: TapsOf): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const cpu = backend as JsBackend;
    const { images, dy } = inputs as { images: TensorInfo; dy: TensorInfo };
    const dx = new Float32Array(images.shape.reduce((p, q) => p * q, 1));
    backprop(images, dy, cpu.readSync(dy.dataId) as Float32Array, attrs as unknown as ResizeAttrs, taps, dx);
    return cpu.makeTensorInfo(images.shape, 'float32', dx);
  };
}

function wasmKernel(taps: TapsOf): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const { images, dy } = inputs as { images: TensorInfo; dy: TensorInfo };
    const dx = wasm.makeOutput(images.shape, 'float32');
    const dxValues = wasm.typedArrayFromHeap(dx) as Float32Array;
    dxValues.fill(0);
    backprop(images, dy, wasm.typedArrayFromHeap(dy), attrs as unknown as ResizeAttrs, taps, dxValues);
    return dx;
  };
}

/**
 * `ResizeBilinearGrad` for tfjs's cpu backend, replacing 4.22's, which returns a wrongly shaped gradient
 * for non-square images (the engine then rejects it).
 *
 * @example
 * replaceKernel('ResizeBilinearGrad', 'cpu', () => cpuResizeBilinearGrad);
 */
export const cpuResizeBilinearGrad: KernelConfig = {
  kernelName: 'ResizeBilinearGrad', backendName: 'cpu', kernelFunc: cpuKernel(bilinearTaps),
};

/**
 * `ResizeNearestNeighborGrad` for tfjs's cpu backend, replacing 4.22's, which reads `dy` at the wrong
 * offsets past the first image and ignores `halfPixelCenters`.
 *
 * @example
 * replaceKernel('ResizeNearestNeighborGrad', 'cpu', () => cpuResizeNearestNeighborGrad);
 */
export const cpuResizeNearestNeighborGrad: KernelConfig = {
  kernelName: 'ResizeNearestNeighborGrad', backendName: 'cpu', kernelFunc: cpuKernel(nearestTaps),
};

/**
 * `ResizeBilinearGrad` for the wasm backend, replacing tfjs-wasm 4.22's, which ignores `halfPixelCenters`.
 *
 * @example
 * replaceKernel('ResizeBilinearGrad', 'wasm', () => wasmResizeBilinearGrad);
 */
export const wasmResizeBilinearGrad: KernelConfig = {
  kernelName: 'ResizeBilinearGrad', backendName: 'wasm', kernelFunc: wasmKernel(bilinearTaps),
};

/**
 * `ResizeNearestNeighborGrad` for the wasm backend, replacing tfjs-wasm 4.22's, which ignores
 * `halfPixelCenters`.
 *
 * @example
 * replaceKernel('ResizeNearestNeighborGrad', 'wasm', () => wasmResizeNearestNeighborGrad);
 */
export const wasmResizeNearestNeighborGrad: KernelConfig = {
  kernelName: 'ResizeNearestNeighborGrad', backendName: 'wasm', kernelFunc: wasmKernel(nearestTaps),
};
