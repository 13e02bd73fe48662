import { backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '../BackendError.js';
import { addressOf, copyBytes, elementBytes, heapOf } from './wasmHeap.js';

/** A box of a tensor as contiguous runs: `run` values starting at each of `starts` (offsets in values). */
export interface Runs {
  run: number;
  starts: number[];
}

/**
 * The contiguous runs of the box `begin`..`begin + size` of a row-major tensor of `shape`: the axes after
 * the last partial one are whole, so each run is `size[k] × (values after axis k)` long.
 *
 * @example
 * boxRuns([4, 3], [1, 0], [2, 3]); // { run: 6, starts: [3] }
 * boxRuns([4, 3], [0, 1], [2, 1]); // { run: 1, starts: [1, 4] }
 */
export function boxRuns(shape: readonly number[], begin: readonly number[], size: readonly number[]): Runs {
  if (size.some((s) => s === 0)) return { run: 0, starts: [] };
  let k = shape.length - 1;
  while (k >= 0 && size[k] === shape[k]) k--;
  if (k < 0) return { run: util.sizeFromShape([...shape]), starts: [0] };
  const strides = [...util.computeStrides([...shape]), 1];
  const base = begin.reduce((sum, b, j) => sum + b * strides[j]!, 0);
  let starts = [base];
  for (let j = k - 1; j >= 0; j--) {
    const step = strides[j]!;
    starts = Array.from({ length: size[j]! }, (_, i) => i * step).flatMap((d) => starts.map((s) => s + d));
  }
  return { run: size[k]! * strides[k]!, starts };
}

function copyBox(wasm: BackendWasm, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  const out = wasm.makeOutput([...size], x.dtype);
  const { run, starts } = boxRuns(x.shape, begin, size);
  const heap = heapOf(wasm);
  const bytes = elementBytes(x.dtype);
  const [from, to] = [addressOf(wasm, x), addressOf(wasm, out)];
  starts.forEach((start, i) => copyBytes(heap, from + start * bytes, to + i * run * bytes, run * bytes));
  return out;
}

const slice: KernelFunc = ({ inputs, attrs, backend }) => {
  const x = inputs['x'] as TensorInfo;
  const [begin, size] = slice_util.parseSliceParams(x, attrs!['begin'] as number[], attrs!['size'] as number[]);
  slice_util.assertParamsValid(x, begin, size);
  return copyBox(backend as BackendWasm, x, begin, size);
};

const splitV: KernelFunc = ({ inputs, attrs, backend }) => {
  const x = inputs['x'] as TensorInfo;
  const axis = util.parseAxisParam(attrs!['axis'] as number, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x as never, attrs!['numOrSizeSplits'] as number[], axis);
  const begin = x.shape.map(() => 0);
  return sizes.map((s) => {
    const size = x.shape.map((d, i) => (i === axis ? s : d));
    const part = copyBox(backend as BackendWasm, x, begin, size);
    begin[axis] = begin[axis]! + s;
    return part;
  });
};

const concat: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as BackendWasm;
  const xs = Object.values(inputs) as TensorInfo[];
  const axis = util.parseAxisParam(attrs!['axis'] as number, xs[0]!.shape)[0]!;
  backend_util.assertParamsConsistent(xs.map((t) => t.shape), axis);
  const out = wasm.makeOutput(backend_util.computeOutShape(xs.map((t) => t.shape), axis), xs[0]!.dtype);
  const bytes = elementBytes(out.dtype);
  const blocks = xs.map((t) => util.sizeFromShape(t.shape.slice(axis)) * bytes);
  const rowBytes = blocks.reduce((a, b) => a + b, 0);
  const outer = util.sizeFromShape(out.shape.slice(0, axis));
  const heap = heapOf(wasm);
  const to = addressOf(wasm, out);
  xs.forEach((t, i) => {
    if (blocks[i] === 0) return;
    const from = addressOf(wasm, t);
    const offset = blocks.slice(0, i).reduce((a, b) => a + b, 0);
    for (let o = 0; o < outer; o++) copyBytes(heap, from + o * blocks[i]!, to + o * rowBytes + offset, blocks[i]!);
  });
  return out;
};

/** Sets every value of `t` to `value` (as its dtype stores it). */
function fillTensor(wasm: BackendWasm, t: TensorInfo, value: number): void {
  const at = addressOf(wasm, t);
  const size = util.sizeFromShape(t.shape);
  const heap = heapOf(wasm);
  if (t.dtype === 'bool') heap.bytes.fill(value !== 0 ? 1 : 0, at, at + size);
  else if (t.dtype === 'int32') heap.words.fill(value, at >>> 2, (at >>> 2) + size);
  else new Float32Array(heap.bytes.buffer, heap.bytes.byteOffset + at, size).fill(value);
}

const padV2: KernelFunc = (args) => {
  const wasm = args.backend as BackendWasm;
  const x = args.inputs['x'] as TensorInfo;
  const { paddings, constantValue } = args.attrs as { paddings: Array<[number, number]>; constantValue: number };
  const out = wasm.makeOutput(x.shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]), x.dtype);
  if (util.sizeFromShape(out.shape) === 0) return out;
  fillTensor(wasm, out, constantValue);
  const { run, starts } = boxRuns(out.shape, paddings.map(([before]) => before), x.shape);
  const heap = heapOf(wasm);
  const bytes = elementBytes(x.dtype);
  const [from, to] = [addressOf(wasm, x), addressOf(wasm, out)];
  starts.forEach((start, i) => copyBytes(heap, from + i * run * bytes, to + start * bytes, run * bytes));
  return out;
};

/** Paddings tfjs-wasm's `PadV2` takes but this copy does not: negative ones (crops), or not one per axis. */
function oddPaddings(args: Parameters<KernelFunc>[0]): boolean {
  const paddings = (args.attrs as { paddings?: Array<[number, number]> }).paddings;
  const rank = (args.inputs['x'] as TensorInfo).shape.length;
  return paddings?.length !== rank || paddings.some((p) => p.length !== 2 || p[0] < 0 || p[1] < 0);
}

const ours: Record<string, KernelFunc> = { Slice: slice, SplitV: splitV, Concat: concat, PadV2: padV2 };

/**
 * The names of the kernels {@link blockCopy} can wrap.
 *
 * @example
 * for (const name of blockCopyKernelNames) replaceKernel(name, 'wasm', (stock) => blockCopy(stock!));
 */
export const blockCopyKernelNames: readonly string[] = Object.keys(ours);

function plainInputs(inputs: TensorInfo[]): boolean {
  return inputs.length > 0 && inputs.every((t) => t.dtype === 'float32' || t.dtype === 'int32' || t.dtype === 'bool');
}

/**
 * Wraps the wasm `Slice`, `SplitV`, `Concat` or `PadV2` kernel to copy contiguous runs with memmoves on
 * the wasm heap (float32, int32, bool). The stock `Slice` first reads the whole input out of the heap into
 * a new array (so `SplitV`, a `Slice` per part, copies the whole input once per part: ≈ 5–10 ms to cut
 * [1909, 256] into 9 row blocks), the stock `Concat` makes a subarray per row and part, and the stock
 * `PadV2` (the gradient of every `Slice`) goes element by element. Other dtypes go to the stock kernel.
 *
 * @example
 * replaceKernel('SplitV', 'wasm', (stock) => blockCopy(stock!));
 */
export function blockCopy(stock: KernelConfig): KernelConfig {
  const own = ours[stock.kernelName];
  if (own === undefined) {
    throw new BackendError(`blockCopy: kernelName must be one of ${blockCopyKernelNames.join(', ')}, got '${stock.kernelName}'`);
  }
  const kernelFunc: KernelFunc = (args) => {
    const ok = plainInputs(Object.values(args.inputs) as TensorInfo[]) && !(stock.kernelName === 'PadV2' && oddPaddings(args));
    return (ok ? own : stock.kernelFunc)(args);
  };
  return { ...stock, kernelFunc };
}
