import { util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { backend_util, DataId, DataType, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BackendError } from '../BackendError.js';

type Numbers = Float32Array | Int32Array;

/**
 * Scatter-add of rows: `out[ids[i], :] += x[i, :]` for rows of `rowSize` values; ids outside
 * `[0, numSegments)` are dropped, as TensorFlow does. `out` must hold `numSegments * rowSize` zeros.
 *
 * @example
 * scatterAddRows(x, ids, 5, 128, out); // the gradient of an embedding lookup into a 5-row table
 */
export function scatterAddRows(x: Numbers, ids: Int32Array, numSegments: number, rowSize: number, out: Numbers): void {
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i]!;
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * rowSize;
    const to = segment * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j]! += x[from + j]!;
  }
}

interface SegmentSumPlan { outShape: number[]; rowSize: number; numSegments: number; dtype: DataType }

function plan(x: TensorInfo, segmentIds: TensorInfo, numSegments: number): SegmentSumPlan {
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new BackendError(`UnsortedSegmentSum: numSegments must be a non-negative integer, got ${numSegments}`);
  }
  const idsRank = segmentIds.shape.length;
  if (segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new BackendError(
      `UnsortedSegmentSum: segmentIds shape must be a prefix of x's shape [${x.shape}], got [${segmentIds.shape}]`,
    );
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new BackendError(`UnsortedSegmentSum: x must be float32 or int32, got ${x.dtype}`);
  }
  const inner = x.shape.slice(idsRank);
  return { outShape: [numSegments, ...inner], rowSize: util.sizeFromShape(inner), numSegments, dtype: x.dtype };
}

function asIds(values: backend_util.BackendValues): Int32Array {
  return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
}

const wasmKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const p = plan(x, segmentIds, (attrs as { numSegments: number }).numSegments);
  const out = wasm.makeOutput(p.outShape, p.dtype);
  // Views only after the allocation above, which may have grown (and detached) the heap.
  const outValues = wasm.typedArrayFromHeap(out) as Numbers;
  outValues.fill(0);
  const ids = asIds(wasm.typedArrayFromHeap(segmentIds));
  scatterAddRows(wasm.typedArrayFromHeap(x) as Numbers, ids, p.numSegments, p.rowSize, outValues);
  return out;
};

/** The part of tfjs's cpu backend used here: its data lives in JS typed arrays. */
interface JsBackend {
  readSync(dataId: DataId): backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: DataType, values: backend_util.BackendValues): TensorInfo;
}

const cpuKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as JsBackend;
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const p = plan(x, segmentIds, (attrs as { numSegments: number }).numSegments);
  const outValues = p.dtype === 'int32'
    ? new Int32Array(p.numSegments * p.rowSize)
    : new Float32Array(p.numSegments * p.rowSize);
  const ids = asIds(cpu.readSync(segmentIds.dataId));
  scatterAddRows(cpu.readSync(x.dataId) as Numbers, ids, p.numSegments, p.rowSize, outValues);
  return cpu.makeTensorInfo(p.outShape, p.dtype, outValues);
};

/**
 * `UnsortedSegmentSum` for the wasm backend, which has none (it is the gradient of `gather`, so of every
 * embedding lookup): a scatter-add on the wasm heap, O(size of x).
 *
 * @example
 * replaceKernel('UnsortedSegmentSum', 'wasm', () => wasmUnsortedSegmentSum);
 */
export const wasmUnsortedSegmentSum: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: wasmKernel,
};

/**
 * `UnsortedSegmentSum` for tfjs's cpu backend: the same scatter-add on its typed arrays. The stock kernel
 * costs O(numSegments × size of x) (a masked sum per segment), which made embedding gradients dominate.
 *
 * @example
 * replaceKernel('UnsortedSegmentSum', 'cpu', () => cpuUnsortedSegmentSum);
 */
export const cpuUnsortedSegmentSum: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'cpu',
  kernelFunc: cpuKernel,
};
