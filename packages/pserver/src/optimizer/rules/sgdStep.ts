/**
 * One SGD step on `n` floats, in place: `value[vOff + i]` with `grad[gOff + i]`.
 *
 * @paddle sgdUpdate (paddle/parameter/ParameterUpdateFunctions.cpp), with g clipped to [−clip, clip]:
 * `m ← μ·m − lr·(g + l2·w)`, `w ← w + m`; without a momentum buffer, `w ← w − lr·(g + l2·w)`.
 * For a constant lr this equals torch.optim.SGD (`buf ← μ·buf + g + l2·w`, `w ← w − lr·buf`, `m = −lr·buf`);
 * when lr changes, Paddle's form (kept here) scales only the new gradient, torch's the whole buffer.
 *
 * @example
 * sgdStep(value, 0, grad, 0, value.length, momentum, 0.01, 0.9, 1e-4, Infinity);
 */
export function sgdStep(
  value: Float32Array,
  vOff: number,
  grad: Float32Array,
  gOff: number,
  n: number,
  momentum: Float32Array | undefined,
  lr: number,
  mu: number,
  l2: number,
  clip: number,
): void {
  const lo = -clip;
  if (momentum === undefined && l2 === 0 && clip === Infinity) {
    // The common case, without the clamp and decay terms (same result: they are identities here).
    for (let i = 0; i < n; i++) value[vOff + i] -= lr * grad[gOff + i];
    return;
  }
  if (momentum === undefined) {
    for (let i = 0; i < n; i++) {
      const g = Math.min(clip, Math.max(lo, grad[gOff + i]));
      const j = vOff + i;
      const w = value[j];
      value[j] = w - lr * (g + l2 * w);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const g = Math.min(clip, Math.max(lo, grad[gOff + i]));
    const j = vOff + i;
    const w = value[j];
    const m = mu * momentum[j] - lr * (g + l2 * w);
    momentum[j] = m;
    value[j] = w + m;
  }
}

/**
 * {@link sgdStep} without momentum, L2 or clipping, on the gradient `mean + a·(x − mean)`: a running mean
 * moved by one more gradient, folded into the update so that the mean is never stored (one pass instead
 * of two, bit for bit the same values). `mean` is not modified.
 *
 * @example
 * // the samples-weighted mean of g1 (w1 samples) and g2 (w2 samples), applied with lr 0.01
 * sgdMeanStep(value, g1, w2 / (w1 + w2), g2, 0.01);
 */
export function sgdMeanStep(value: Float32Array, mean: Float32Array, a: number, x: Float32Array, lr: number): void {
  // Each mean is rounded to float32 as a stored one would be: the same result as storing it, then sgdStep.
  // Unrolled by 4 (V8 does not vectorise): ~20 % faster on a pserver's 5M floats.
  const n = value.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const m0 = mean[i]!, m1 = mean[i + 1]!, m2 = mean[i + 2]!, m3 = mean[i + 3]!;
    value[i] -= lr * Math.fround(m0 + a * (x[i]! - m0));
    value[i + 1] -= lr * Math.fround(m1 + a * (x[i + 1]! - m1));
    value[i + 2] -= lr * Math.fround(m2 + a * (x[i + 2]! - m2));
    value[i + 3] -= lr * Math.fround(m3 + a * (x[i + 3]! - m3));
  }
  for (; i < n; i++) {
    const m = mean[i]!;
    value[i] -= lr * Math.fround(m + a * (x[i]! - m));
  }
}
