import { util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { runWasmKernel } from './runWasmKernel.js';

/**
 * A reduction seen as `[outer, reduced, inner]`: the reduced axes are one contiguous run, `first` the
 * size of its first axis (the rest, `reduced / first`, is averaged in one pass).
 */
export interface ReducePlan {
  outer: number;
  first: number;
  reduced: number;
  inner: number;
  outShape: number[];
}

/**
 * How `Sum` / `Mean` over `axis` of a float tensor of `shape` can run as an average pool: when the
 * reduced axes are one contiguous run with something after it (the stock kernels transpose those axes
 * last, which costs more than the sum), else null (the stock kernel is used).
 *
 * @example
 * reducePlan([64, 28, 28, 32], [0, 1, 2], false); // { outer: 1, first: 64, reduced: 50176, inner: 32, outShape: [32] }
 */
export function reducePlan(shape: readonly number[], axis: number | number[] | null | undefined, keepDims: boolean): ReducePlan | null {
  const all = axis === null || axis === undefined ? shape.map((_, i) => i) : util.parseAxisParam(axis, [...shape]);
  const axes = [...new Set(all)].sort((a, b) => a - b);
  if (axes.length === 0) return null;
  const [lo, hi] = [axes[0]!, axes.at(-1)!];
  if (hi - lo + 1 !== axes.length) return null;
  const size = (from: number, to: number) => util.sizeFromShape(shape.slice(from, to));
  const plan = { outer: size(0, lo), first: shape[lo]!, reduced: size(lo, hi + 1), inner: size(hi + 1, shape.length) };
  if (plan.inner === 1 || plan.reduced <= 1 || plan.outer * plan.inner === 0) return null;
  const outShape = keepDims ? shape.map((d, i) => (i >= lo && i <= hi ? 1 : d)) : shape.filter((_, i) => i < lo || i > hi);
  return { ...plan, outShape };
}

/**
 * Sums or averages `[outer, reduced, inner]` over `reduced` with XNNPACK's average pooling (multi-threaded),
 * in two passes for precision: a pool over all reduced axes but the first, then, in float64, over the first.
 */
function pooled(wasm: BackendWasm, x: TensorInfo, plan: ReducePlan, mean: boolean): TensorInfo {
  const { outer, first, reduced, inner } = plan;
  const rest = reduced / first;
  const [rows, window] = rest > 1 ? [outer * first, rest] : [outer, reduced];
  const view = runWasmKernel(wasm, 'Reshape', { x }, { shape: [rows, window, 1, inner] });
  let avg: TensorInfo;
  try {
    avg = runWasmKernel(wasm, 'AvgPool', { x: view }, { filterSize: [window, 1], strides: [window, 1], pad: 'valid' });
  } finally {
    wasm.disposeData(view.dataId);
  }
  try {
    const means = wasm.typedArrayFromHeap(avg) as Float32Array;
    const out = wasm.makeOutput(plan.outShape, 'float32');
    const values = wasm.typedArrayFromHeap(out) as Float32Array;
    const groups = rows / outer; // means per output: `first` for two passes, else 1
    const scale = mean ? 1 / groups : window;
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(0);
      for (let g = 0; g < groups; g++) {
        const row = (o * groups + g) * inner;
        for (let c = 0; c < inner; c++) acc[c]! += means[row + c]!;
      }
      for (let c = 0; c < inner; c++) values[o * inner + c] = acc[c]! * scale;
    }
    return out;
  } finally {
    wasm.disposeData(avg.dataId);
  }
}

function reduceKernel(stock: KernelConfig, mean: boolean): KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as TensorInfo;
    const { axis, keepDims = false } = args.attrs as { axis?: number | number[] | null; keepDims?: boolean };
    const plan = x.dtype === 'float32' ? reducePlan(x.shape, axis, keepDims) : null;
    if (plan === null) return stock.kernelFunc(args);
    return pooled(args.backend as BackendWasm, x, plan, mean);
  };
}

/**
 * Wraps the wasm `Sum` or `Mean` kernel so that float reductions over leading or middle axes (batch norm's
 * moments over N, H, W and their gradients; bias gradients) run as XNNPACK average pooling on the data as it
 * lies, where tfjs-wasm first transposes the reduced axes last (≈9 ms against ≈0.5 for a
 * [64, 28, 28, 32] tensor on 2 threads). Other reductions go to the stock kernel.
 *
 * @example
 * replaceKernel('Sum', 'wasm', (stock) => pooledReduce(stock!));
 */
export function pooledReduce(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: reduceKernel(stock, stock.kernelName === 'Mean') };
}
