import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Runs another kernel of the wasm backend from inside a kernel (no tape, no engine bookkeeping); the
 * caller disposes the result with `backend.disposeData(result.dataId)` when it is an intermediate.
 *
 * @example
 * const t = runWasmKernel(backend, 'Transpose', { x }, { perm: [1, 0] });
 */
export function runWasmKernel(
  backend: BackendWasm,
  kernelName: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel === undefined) throw new Error(`wasm kernel ${kernelName} is not registered`);
  return kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

/**
 * Swaps the last two axes of `x` into a new wasm tensor (XNNPACK's transpose).
 *
 * @example
 * const aT = transposeLastTwo(backend, a); // [b, m, k] -> [b, k, m]
 */
export function transposeLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [rank - 1, rank - 2];
  return runWasmKernel(backend, 'Transpose', { x }, { perm });
}
