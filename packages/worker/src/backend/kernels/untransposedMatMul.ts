import { util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { transposeLastTwo } from './runWasmKernel.js';

type Flags = { transposeA?: boolean; transposeB?: boolean };

/**
 * How to compute op(A)·op(B) with untransposed products only: `keep` transposes the transposed operands;
 * `swap` computes (op(B)ᵀ·op(A)ᵀ)ᵀ, where a transposed operand is used as stored. The cost counted is the
 * elements moved by transposes plus those of the right operand, which XNNPACK repacks for every new tensor.
 *
 * @example
 * matMulPlan([64, 512], [1536, 512], [64, 1536], false, true); // 'swap': transposes 64·512 + 64·1536
 */
export function matMulPlan(aShape: number[], bShape: number[], outShape: number[], ta: boolean, tb: boolean): 'keep' | 'swap' {
  const [a, b, out] = [aShape, bShape, outShape].map((s) => util.sizeFromShape(s)) as [number, number, number];
  const keep = (ta ? a : 0) + (tb ? 2 * b : b);
  const swap = (tb ? 0 : b) + (ta ? a : 2 * a) + out;
  return swap < keep ? 'swap' : 'keep';
}

function outShapeOf(a: TensorInfo, b: TensorInfo, ta: boolean, tb: boolean): number[] {
  const m = a.shape[a.shape.length - (ta ? 1 : 2)]!;
  const n = b.shape[b.shape.length - (tb ? 2 : 1)]!;
  const batchA = a.shape.slice(0, -2).reverse();
  const batchB = b.shape.slice(0, -2).reverse();
  const batch = Array.from({ length: Math.max(batchA.length, batchB.length) }, (_, i) => Math.max(batchA[i] ?? 1, batchB[i] ?? 1));
  return [...batch.reverse(), m, n];
}

function untransposed(stock: KernelConfig, swappable: boolean): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const { transposeA = false, transposeB = false } = (attrs ?? {}) as Flags;
    if (!transposeA && !transposeB) return stock.kernelFunc({ inputs, backend, attrs });
    const a = inputs['a']!;
    const b = inputs['b']!;
    const temps: TensorInfo[] = [];
    const transposed = (x: TensorInfo): TensorInfo => {
      const t = transposeLastTwo(wasm, x);
      temps.push(t);
      return t;
    };
    const run = (extra: NamedTensorInfoMap, left: TensorInfo, right: TensorInfo): TensorInfo => stock.kernelFunc({
      inputs: { ...extra, a: left, b: right },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false } as NamedAttrMap,
    }) as TensorInfo;
    try {
      const plan = swappable ? matMulPlan(a.shape, b.shape, outShapeOf(a, b, transposeA, transposeB), transposeA, transposeB) : 'keep';
      if (plan === 'keep') return run(inputs, transposeA ? transposed(a) : a, transposeB ? transposed(b) : b);
      const outT = run({}, transposeB ? b : transposed(b), transposeA ? a : transposed(a));
      temps.push(outT);
      return transposeLastTwo(wasm, outT);
    } finally {
      for (const t of temps) wasm.disposeData(t.dataId);
    }
  };
}

/**
 * Wraps the wasm `BatchMatMul` or `_FusedMatMul` kernel so that products with a transposed operand run
 * on the fast untransposed path: tfjs-wasm 4.22 computes them with a scalar loop (~2 GFLOP/s against
 * ~25), and every matMul gradient is one. The operands are transposed explicitly (XNNPACK), or, for
 * `BatchMatMul` when it moves fewer elements, the transposed product (op(B)ᵀ·op(A)ᵀ)ᵀ is computed.
 *
 * @example
 * replaceKernel('BatchMatMul', 'wasm', (stock) => untransposedMatMul(stock!));
 */
export function untransposedMatMul(stock: KernelConfig): KernelConfig {
  // _FusedMatMul adds a bias along the output's last axis: it cannot be computed transposed.
  return { ...stock, kernelFunc: untransposed(stock, stock.kernelName === 'BatchMatMul') };
}
