/**
 * One AdaGrad step on `n` floats, in place.
 *
 * @paddle adagradApply (paddle/math/TrainingAlgorithmOp.cu), with g clipped to [−clip, clip]:
 * `s ← s + g²`, `d = −lr·(g + l2·w) / √(s + ε)`, then `m ← μ·m + d`, `w ← w + m` (or `w ← w + d` without
 * momentum). ε is inside the root (torch.optim.Adagrad adds it outside), and L2 enters the step but not `s`.
 *
 * @example
 * adagradStep(value, 0, grad, 0, value.length, sum, undefined, 0.01, 1e-6, 0, 0, Infinity);
 */
export function adagradStep(
  value: Float32Array,
  vOff: number,
  grad: Float32Array,
  gOff: number,
  n: number,
  sum: Float32Array,
  momentum: Float32Array | undefined,
  lr: number,
  epsilon: number,
  mu: number,
  l2: number,
  clip: number,
): void {
  const lo = -clip;
  for (let i = 0; i < n; i++) {
    const g = Math.min(clip, Math.max(lo, grad[gOff + i]));
    const j = vOff + i;
    const w = value[j];
    const s = sum[j] + g * g;
    sum[j] = s;
    const d = (-lr * (g + l2 * w)) / Math.sqrt(s + epsilon);
    if (momentum === undefined) {
      value[j] = w + d;
    } else {
      const mj = mu * momentum[j] + d;
      momentum[j] = mj;
      value[j] = w + mj;
    }
  }
}
