import { backend_util, util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { broadcastOnHeap } from './heapTile.js';

/** tfjs-wasm's binary kernels (all made by its `createBinaryKernelConfig`, inputs `a` and `b`). */
export const binaryKernelNames: readonly string[] = [
  'Add', 'Atan2', 'BitwiseAnd', 'Equal', 'FloorDiv', 'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'LogicalAnd',
  'LogicalOr', 'LogicalXor', 'Maximum', 'Minimum', 'Mod', 'Multiply', 'NotEqual', 'Pow', 'RealDiv',
  'SquaredDifference', 'Sub',
];

/** Kernels that XNNPACK runs for float32, broadcasting included, as fast as expanding first would be. */
const xnnpackFloat = new Set(['Add', 'Multiply', 'RealDiv', 'SquaredDifference', 'Sub']);

function plain(t: TensorInfo): boolean {
  return t.dtype === 'float32' || t.dtype === 'int32' || t.dtype === 'bool';
}

/**
 * Whether a binary kernel on `a` and `b` runs faster with its operands first broadcast to the output
 * shape: they differ in shape, neither is a single value (the stock kernels' scalar path is fast), the
 * values are plain numbers, and XNNPACK does not run it.
 *
 * @example
 * needsExpansion('Maximum', { shape: [518, 1], dtype: 'float32' }, { shape: [518, 256], dtype: 'float32' }); // true
 */
export function needsExpansion(kernelName: string, a: Pick<TensorInfo, 'shape' | 'dtype'>, b: Pick<TensorInfo, 'shape' | 'dtype'>): boolean {
  if (util.arraysEqual(a.shape, b.shape)) return false;
  if (util.sizeFromShape(a.shape) <= 1 || util.sizeFromShape(b.shape) <= 1) return false;
  if (!plain(a as TensorInfo) || !plain(b as TensorInfo)) return false;
  return !(xnnpackFloat.has(kernelName) && a.dtype === 'float32');
}

function kernel(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (!needsExpansion(stock.kernelName, a, b)) return stock.kernelFunc(args);
    const wasm = args.backend as BackendWasm;
    const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const temps: TensorInfo[] = [];
    const full = (t: TensorInfo): TensorInfo => {
      if (util.arraysEqual(t.shape, shape)) return t;
      const expanded = broadcastOnHeap(wasm, t, shape);
      temps.push(expanded);
      return expanded;
    };
    try {
      return stock.kernelFunc({ ...args, inputs: { a: full(a), b: full(b) } });
    } finally {
      for (const t of temps) wasm.disposeData(t.dataId);
    }
  };
}

/**
 * Wraps one of tfjs-wasm's binary kernels so that an operand that is broadcast (`[n, 1] ⊙ [n, d]`,
 * `[1, d] ⊙ [n, d]`, rank-padded, …) is first expanded to the output shape with block copies on the heap
 * ({@link broadcastOnHeap}), and the stock kernel then runs on equal shapes. Outside XNNPACK (comparisons,
 * logical ops, `Maximum`, `Pow`, `Mod`, every int32 op) the stock kernels compute each element's source
 * index in a generic broadcast loop: ≈ 120 ms for a `[2310, 1]` ∧ `[2310, 256]` `LogicalAnd`, against
 * ≈ 3 ms for the expansion and the equal-shape kernel. XNNPACK's float `Add`, `Sub`, `Multiply`, `RealDiv`
 * and `SquaredDifference` (0.1–1.5 ms there) and single-value operands are left to the stock kernel.
 *
 * @example
 * for (const name of binaryKernelNames) replaceKernel(name, 'wasm', (stock) => expandedBroadcast(stock!));
 */
export function expandedBroadcast(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: kernel(stock) };
}
