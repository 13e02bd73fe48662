import { util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '../BackendError.js';
import { addressOf, copyBytes, elementBytes, heapOf, replicate } from './wasmHeap.js';

/**
 * Tiles `x` (float32, int32 or bool) `reps[i]` times along each axis into a new wasm tensor: the blocks
 * of `x` are copied once, then each axis's block is repeated by copies of doubling size (a fill for one
 * value), all on the wasm heap.
 *
 * @example
 * const rows = tileOnHeap(wasm, column, [1, 256]); // [n, 1] → [n, 256]
 */
export function tileOnHeap(wasm: BackendWasm, x: TensorInfo, reps: readonly number[]): TensorInfo {
  const rank = x.shape.length;
  if (reps.length !== rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new BackendError(`Tile: reps must be ${rank} non-negative integers (one per axis of x), got [${reps}]`);
  }
  const out = wasm.makeOutput(x.shape.map((d, i) => d * reps[i]!), x.dtype);
  if (util.sizeFromShape(out.shape) === 0) return out;
  const bytes = elementBytes(x.dtype);
  const inStride = [...util.computeStrides(x.shape), 1].map((s) => s * bytes);
  const outStride = [...util.computeStrides(out.shape), 1].map((s) => s * bytes);
  let k = rank; // the axes from k on are not repeated: one contiguous block
  while (k > 0 && reps[k - 1] === 1) k--;
  const innerBytes = util.sizeFromShape(x.shape.slice(k)) * bytes;
  const heap = heapOf(wasm);
  const fill = (axis: number, from: number, to: number): void => {
    if (axis === k) {
      copyBytes(heap, from, to, innerBytes);
      return;
    }
    const dim = x.shape[axis]!;
    for (let i = 0; i < dim; i++) fill(axis + 1, from + i * inStride[axis]!, to + i * outStride[axis]!);
    replicate(heap, to, dim * outStride[axis]!, reps[axis]!, bytes);
  };
  fill(0, addressOf(wasm, x), addressOf(wasm, out));
  return out;
}

/**
 * Broadcasts `x` to `shape` (numpy rules: `x`'s axes align with the last ones of `shape`) into a new wasm
 * tensor, with {@link tileOnHeap}.
 *
 * @example
 * const full = broadcastOnHeap(wasm, bias, [64, 128]); // [128] → [64, 128]
 */
export function broadcastOnHeap(wasm: BackendWasm, x: TensorInfo, shape: readonly number[]): TensorInfo {
  const aligned = [...new Array<number>(Math.max(0, shape.length - x.shape.length)).fill(1), ...x.shape];
  if (aligned.length !== shape.length || aligned.some((d, i) => d !== 1 && d !== shape[i])) {
    throw new BackendError(`broadcastOnHeap: x of shape [${x.shape}] cannot broadcast to [${shape}]`);
  }
  return tileOnHeap(wasm, { ...x, shape: aligned }, aligned.map((d, i) => (d === 1 ? shape[i]! : 1)));
}

function kernel(stock: KernelConfig): KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as TensorInfo;
    if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') return stock.kernelFunc(args);
    return tileOnHeap(args.backend as BackendWasm, x, (args.attrs as { reps: number[] }).reps);
  };
}

/**
 * Wraps the wasm `Tile` kernel to tile float32, int32 and bool tensors with block copies on the wasm heap
 * ({@link tileOnHeap}). The stock kernel computes every element's source in a scalar loop (≈ 80 ms to
 * tile [2310, 1] to [2310, 256]); `tf.where` and `tf.broadcastTo` of differing shapes tile.
 *
 * @example
 * replaceKernel('Tile', 'wasm', (stock) => heapTile(stock!));
 */
export function heapTile(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: kernel(stock) };
}
