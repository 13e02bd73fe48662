import type { KernelConfig } from '@tensorflow/tfjs-core';
import { replaceKernel } from './replaceKernel.js';
import { untransposedMatMul } from './untransposedMatMul.js';
import { cpuUnsortedSegmentSum, wasmUnsortedSegmentSum } from './unsortedSegmentSum.js';
import { makeWasmConv2DBackpropFilter } from './conv2DBackpropFilter.js';
import { wasmConv2DBackpropInput } from './conv2DBackpropInput.js';
import { wasmMaxPoolGrad } from './maxPoolGrad.js';
import { pooledReduce } from './pooledReduce.js';
import { noCopyKernelNames, withoutCopy } from './withoutCopy.js';
import { rowGather } from './rowGather.js';
import { blockCopy, blockCopyKernelNames } from './blockCopy.js';
import { heapTile } from './heapTile.js';
import { binaryKernelNames, expandedBroadcast } from './expandedBroadcast.js';
import { wasmDepthwiseConv2dBackpropFilter, wasmDepthwiseConv2dBackpropInput } from './depthwiseConv2dBackprop.js';
import { cpuResizeBilinearGrad, cpuResizeNearestNeighborGrad, wasmResizeBilinearGrad, wasmResizeNearestNeighborGrad } from './resizeGrad.js';

/**
 * Registers Oar's kernels for the wasm backend: the ones tfjs-wasm lacks that training needs
 * (`UnsortedSegmentSum`, `Conv2DBackpropFilter`, the depthwise conv backprops), correct `MaxPoolGrad`
 * and resize gradients, and fast paths for stock ones: `BatchMatMul` and `_FusedMatMul` with transposed
 * operands, `Conv2DBackpropInput` as a forward conv, `Sum` / `Mean` over leading axes as average pooling,
 * `Identity`, same-dtype `Cast`, whole `Slice` and zero `PadV2` without a copy, row copies on the heap for
 * `GatherV2`, `Slice`, `SplitV`, `Concat` and `Tile`, and binary ops whose broadcast operand is expanded
 * first. Idempotent; call after importing tfjs-backend-wasm.
 *
 * @example
 * await import('@tensorflow/tfjs-backend-wasm');
 * registerWasmKernels();
 */
export function registerWasmKernels(): void {
  type Wrap = (stock: KernelConfig) => KernelConfig;
  const wrappers: Array<[string, Wrap]> = [
    ['BatchMatMul', untransposedMatMul], ['_FusedMatMul', untransposedMatMul],
    ['Sum', pooledReduce], ['Mean', pooledReduce], ['GatherV2', rowGather], ['Tile', heapTile],
    ...blockCopyKernelNames.map((name): [string, Wrap] => [name, blockCopy]),
    ...noCopyKernelNames.map((name): [string, Wrap] => [name, withoutCopy]),
    ...binaryKernelNames.map((name): [string, Wrap] => [name, expandedBroadcast]),
  ];
  // A kernel named twice gets both wrappers, the later one outside (Slice: no copy, else block copies).
  const byName = new Map<string, Wrap[]>();
  for (const [name, wrap] of wrappers) byName.set(name, [...(byName.get(name) ?? []), wrap]);
  for (const [name, wraps] of byName) {
    replaceKernel(name, 'wasm', (stock) => {
      if (stock === undefined) throw new Error(`tfjs-backend-wasm has no ${name} kernel to wrap`);
      return wraps.reduce((config, wrap) => wrap(config), stock);
    });
  }
  replaceKernel('UnsortedSegmentSum', 'wasm', () => wasmUnsortedSegmentSum);
  replaceKernel('Conv2DBackpropFilter', 'wasm', () => makeWasmConv2DBackpropFilter());
  replaceKernel('Conv2DBackpropInput', 'wasm', () => wasmConv2DBackpropInput);
  replaceKernel('MaxPoolGrad', 'wasm', () => wasmMaxPoolGrad);
  replaceKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm', () => wasmDepthwiseConv2dBackpropFilter);
  replaceKernel('DepthwiseConv2dNativeBackpropInput', 'wasm', () => wasmDepthwiseConv2dBackpropInput);
  replaceKernel('ResizeBilinearGrad', 'wasm', () => wasmResizeBilinearGrad);
  replaceKernel('ResizeNearestNeighborGrad', 'wasm', () => wasmResizeNearestNeighborGrad);
}

/**
 * Registers Oar's kernels for tfjs's pure-JS cpu backend: a linear-time `UnsortedSegmentSum` and correct
 * resize gradients (`ResizeBilinearGrad`, `ResizeNearestNeighborGrad`). Idempotent; call after importing
 * tfjs-backend-cpu.
 *
 * @example
 * await import('@tensorflow/tfjs-backend-cpu');
 * registerCpuKernels();
 */
export function registerCpuKernels(): void {
  replaceKernel('UnsortedSegmentSum', 'cpu', () => cpuUnsortedSegmentSum);
  replaceKernel('ResizeBilinearGrad', 'cpu', () => cpuResizeBilinearGrad);
  replaceKernel('ResizeNearestNeighborGrad', 'cpu', () => cpuResizeNearestNeighborGrad);
}
