/**
 * One RMSProp step on `n` floats, in place: Paddle's centred form.
 *
 * @paddle rmspropApply (paddle/math/TrainingAlgorithmOp.cu), with g clipped to [−clip, clip]:
 * `q ← ρ·q + (1−ρ)·g²` (on the first update `q ← ρ·q + g²`, so the first estimate is not too small),
 * `f ← ρ·f + (1−ρ)·g`, `d = −lr·(g + l2·w) / √(q − f² + ε)`, then `m ← μ·m + d`, `w ← w + m`
 * (or `w ← w + d`). Unlike torch.optim.RMSprop(centered=True), ε is inside the root and the first update
 * is special.
 *
 * @example
 * rmspropStep(value, 0, grad, 0, value.length, q, f, undefined, 1e-3, 0.95, 1e-6, 0, 0, Infinity, true);
 */
export function rmspropStep(
  value: Float32Array,
  vOff: number,
  grad: Float32Array,
  gOff: number,
  n: number,
  meanSquare: Float32Array,
  mean: Float32Array,
  momentum: Float32Array | undefined,
  lr: number,
  rho: number,
  epsilon: number,
  mu: number,
  l2: number,
  clip: number,
  firstTime: boolean,
): void {
  const c = 1 - rho;
  const cq = firstTime ? 1 : c;
  const lo = -clip;
  for (let i = 0; i < n; i++) {
    const g = Math.min(clip, Math.max(lo, grad[gOff + i]));
    const j = vOff + i;
    const w = value[j];
    const q = rho * meanSquare[j] + cq * g * g;
    const f = rho * mean[j] + c * g;
    meanSquare[j] = q;
    mean[j] = f;
    const d = (-lr * (g + l2 * w)) / Math.sqrt(q - f * f + epsilon);
    if (momentum === undefined) {
      value[j] = w + d;
    } else {
      const mj = mu * momentum[j] + d;
      momentum[j] = mj;
      value[j] = w + mj;
    }
  }
}
