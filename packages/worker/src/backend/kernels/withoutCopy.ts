import { slice_util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '../BackendError.js';

/** When a kernel's result is its input unchanged, by kernel name. */
const unchanged: Record<string, (x: TensorInfo, attrs: NamedAttrMap) => boolean> = {
  Identity: (x) => x.dtype !== 'string',
  Cast: (x, attrs) => x.dtype !== 'string' && attrs['dtype'] === x.dtype,
  Slice: (x, attrs) => {
    const [begin, size] = slice_util.parseSliceParams(x, attrs['begin'] as number | number[], attrs['size'] as number | number[]);
    return begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i]);
  },
  PadV2: (_x, attrs) => (attrs['paddings'] as Array<[number, number]>).every(([before, after]) => before === 0 && after === 0),
};

/**
 * The names of the kernels {@link withoutCopy} can wrap.
 *
 * @example
 * for (const name of noCopyKernelNames) replaceKernel(name, 'wasm', (stock) => withoutCopy(stock!));
 */
export const noCopyKernelNames: readonly string[] = Object.keys(unchanged);

function kernel(stock: KernelConfig, isUnchanged: (x: TensorInfo, attrs: NamedAttrMap) => boolean): KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as TensorInfo;
    if (!isUnchanged(x, args.attrs ?? {})) return stock.kernelFunc(args);
    // One more reference to the same buffer, as tfjs-wasm's Reshape (and the cpu backend's Identity) do.
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/**
 * Wraps a wasm kernel that copies its input when the result is that input unchanged (`Identity`, `Cast` to
 * the same dtype, a `Slice` of everything, a `PadV2` by zeros) to share the input's buffer instead (a
 * reference count). tfjs's gradients call `Identity` and `Cast` on every activation, and a zero pad and its
 * gradient's whole slice copy whole activations: 13 copies of each [64, 28, 28, 32] activation per step
 * of the Fashion-MNIST net. tfjs tensors are immutable and Oar's kernels write only their own outputs, so
 * sharing is safe.
 *
 * @example
 * replaceKernel('Identity', 'wasm', (stock) => withoutCopy(stock!));
 */
export function withoutCopy(stock: KernelConfig): KernelConfig {
  const isUnchanged = unchanged[stock.kernelName];
  if (isUnchanged === undefined) {
    throw new BackendError(`withoutCopy: kernelName must be one of ${noCopyKernelNames.join(', ')}, got '${stock.kernelName}'`);
  }
  return { ...stock, kernelFunc: kernel(stock, isUnchanged) };
}
