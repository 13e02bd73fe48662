/**
 * One AdaDelta step on `n` floats, in place.
 *
 * @paddle adadeltaApply (paddle/math/TrainingAlgorithmOp.cu), with g clipped to [−clip, clip]:
 * `a ← ρ·a + (1−ρ)·g²`, `r = √((u + ε) / (a + ε))`, `u ← ρ·u + (1−ρ)·(r·g)²`, `d = −lr·r·(g + l2·w)`,
 * then `m ← μ·m + d`, `w ← w + m` (or `w ← w + d`). Without L2 and momentum this is torch.optim.Adadelta;
 * with L2, Paddle keeps `l2·w` out of the running averages (torch folds it into g).
 *
 * @example
 * adadeltaStep(value, 0, grad, 0, value.length, a, u, undefined, 1, 0.95, 1e-6, 0, 0, Infinity);
 */
export function adadeltaStep(
  value: Float32Array,
  vOff: number,
  grad: Float32Array,
  gOff: number,
  n: number,
  gradSquareMean: Float32Array,
  updateSquareMean: Float32Array,
  momentum: Float32Array | undefined,
  lr: number,
  rho: number,
  epsilon: number,
  mu: number,
  l2: number,
  clip: number,
): void {
  const c = 1 - rho;
  const lo = -clip;
  for (let i = 0; i < n; i++) {
    const g = Math.min(clip, Math.max(lo, grad[gOff + i]));
    const j = vOff + i;
    const w = value[j];
    const a = rho * gradSquareMean[j] + c * g * g;
    gradSquareMean[j] = a;
    const r = Math.sqrt((updateSquareMean[j] + epsilon) / (a + epsilon));
    const rg = r * g;
    updateSquareMean[j] = rho * updateSquareMean[j] + c * rg * rg;
    const d = -lr * r * (g + l2 * w);
    if (momentum === undefined) {
      value[j] = w + d;
    } else {
      const mj = mu * momentum[j] + d;
      momentum[j] = mj;
      value[j] = w + mj;
    }
  }
}
