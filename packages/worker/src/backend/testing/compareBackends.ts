import * as tf from '@tensorflow/tfjs-core';
import type { InputSpec, OpFamily } from './opFamilies.js';

/** Values of one run: the forward output and the gradient of `sum(output · dy)` for each float input. */
export interface FamilyResult {
  shape: number[];
  value: Float32Array | Int32Array | Uint8Array;
  grads: Float32Array[];
  /** Backend data ids (tensor buffers) left behind by the run: a kernel that leaks memory. */
  leakedDataIds: number;
}

/** A seeded uniform generator in [0, 1) (mulberry32), so that every backend sees the same inputs. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random values for an input spec (floats in [-1, 1), positives in [0.5, 2), ids in [0, max)). */
export function randomValues(spec: InputSpec, rand: () => number): Float32Array | Int32Array {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.kind === 'ids') return Int32Array.from({ length: size }, () => Math.floor(rand() * (spec.max ?? 2)));
  if (spec.kind === 'positive') return Float32Array.from({ length: size }, () => 0.5 + 1.5 * rand());
  return Float32Array.from({ length: size }, () => 2 * rand() - 1);
}

/**
 * Runs a family's forward pass and (unless `grad: false`) its gradients on backend `backendName`.
 *
 * @example
 * const cpu = await runFamily(opFamilies[0], 'cpu', 1);
 */
export async function runFamily(
  family: OpFamily, backendName: string, seed: number, numeric = false,
): Promise<FamilyResult> {
  if (!(await tf.setBackend(backendName))) throw new Error(`backend ${backendName} failed to initialize`);
  const rand = seededRandom(seed);
  const data = family.inputs.map((spec) => randomValues(spec, rand));
  const dataIdsBefore = tf.engine().backend.numDataIds();
  const result: FamilyResult = { shape: [], value: new Float32Array(), grads: [], leakedDataIds: 0 };
  tf.tidy(() => {
    const xs = family.inputs.map((spec, i) => tf.tensor(data[i]!, spec.shape, spec.kind === 'ids' ? 'int32' : 'float32'));
    const y = family.fn(...xs);
    result.shape = y.shape;
    result.value = y.dataSync() as FamilyResult['value'];
    if (family.grad === false) return;
    const floatAt = family.inputs.flatMap((spec, i) => (spec.kind === 'ids' ? [] : [i]));
    const dy = tf.tensor(Float32Array.from({ length: y.size }, () => 2 * rand() - 1), y.shape);
    const withFloats = (...floats: tf.Tensor[]) => family.fn(...xs.map((x, i) => {
      const k = floatAt.indexOf(i);
      return k < 0 ? x : floats[k]!;
    }));
    if (numeric) {
      result.grads = floatAt.map((i) => centralDifferences((x) => withFloats(...floatAt.map((j) => (j === i ? x : xs[j]!))), xs[i]!, dy));
      return;
    }
    const grads = tf.grads(withFloats)(floatAt.map((i) => xs[i]!), dy);
    result.grads = grads.map((g) => g.dataSync() as Float32Array);
  });
  result.leakedDataIds = tf.engine().backend.numDataIds() - dataIdsBefore;
  return result;
}

/** d sum(f(x)·dy) / dx by central differences of step 1/2: exact (up to rounding) for f linear in x. */
function centralDifferences(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, dy: tf.Tensor): Float32Array {
  const base = x.dataSync() as Float32Array;
  const loss = (values: Float32Array) => tf.tidy(() => {
    const y = f(tf.tensor(values, x.shape)).dataSync();
    const w = dy.dataSync();
    let sum = 0;
    for (let k = 0; k < y.length; k++) sum += y[k]! * w[k]!;
    return sum;
  });
  return Float32Array.from(base, (_, i) => {
    const plus = base.slice();
    const minus = base.slice();
    plus[i]! += 0.5;
    minus[i]! -= 0.5;
    return loss(plus) - loss(minus);
  });
}

/** The worst element of `got` against `ref` under |got − ref| ≤ atol + rtol·|ref|, or null if all pass. */
export function worstMismatch(
  ref: ArrayLike<number>, got: ArrayLike<number>, atol = 1e-5, rtol = 1e-4,
): { index: number; ref: number; got: number } | null {
  if (ref.length !== got.length) return { index: -1, ref: ref.length, got: got.length };
  let worst: { index: number; ref: number; got: number; excess: number } | null = null;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i]!;
    const g = got[i]!;
    const excess = Math.abs(g - r) - (atol + rtol * Math.abs(r));
    if (!(excess <= 0) && (worst === null || !(excess <= worst.excess))) worst = { index: i, ref: r, got: g, excess };
  }
  return worst && { index: worst.index, ref: worst.ref, got: worst.got };
}

/** Compares two runs of a family; returns what differs, or null. */
export function compareResults(ref: FamilyResult, got: FamilyResult): string | null {
  if (ref.shape.join() !== got.shape.join()) return `output shape [${got.shape}] vs [${ref.shape}]`;
  if (got.leakedDataIds !== 0) return `leaks ${got.leakedDataIds} tensor buffer(s) per run`;
  const parts: Array<[string, ArrayLike<number>, ArrayLike<number> | undefined]> = [
    ['output', ref.value, got.value],
    ...ref.grads.map((g, i): [string, ArrayLike<number>, ArrayLike<number> | undefined] => [`grad ${i}`, g, got.grads[i]]),
  ];
  for (const [what, r, g] of parts) {
    if (g === undefined) return `${what} missing`;
    const bad = worstMismatch(r, g);
    if (bad) return `${what}[${bad.index}] = ${bad.got}, reference ${bad.ref}`;
  }
  return null;
}

/** One family that failed on the probed backend: an error thrown, or a mismatch against the reference. */
export interface ProbeFailure { family: string; problem: string }

/**
 * Runs every family on `backendName` and on `referenceName` and lists the failures.
 *
 * @example
 * const failures = await probeOpFamilies(opFamilies, 'wasm', 'cpu');
 */
export async function probeOpFamilies(
  families: readonly OpFamily[], backendName: string, referenceName = 'cpu', seed = 7,
): Promise<ProbeFailure[]> {
  const failures: ProbeFailure[] = [];
  for (const family of families) {
    let ref: FamilyResult;
    try {
      ref = await runFamily(family, referenceName, seed, family.linear === true);
    } catch (error) {
      failures.push({ family: family.name, problem: `reference throws: ${(error as Error).message.split('\n')[0]}` });
      continue;
    }
    try {
      const problem = compareResults(ref, await runFamily(family, backendName, seed));
      if (problem !== null) failures.push({ family: family.name, problem });
    } catch (error) {
      failures.push({ family: family.name, problem: `throws: ${(error as Error).message.split('\n')[0]}` });
    }
  }
  return failures;
}
