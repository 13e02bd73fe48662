/**
 * The scalar step size of Adam's update t (counted from 1): `lr · √(1 − β2^t) / (1 − β1^t)`.
 *
 * @paddle adamApply (paddle/math/TrainingAlgorithmOp.cu), `alpha`
 * @example
 * adamStepSize(1e-3, 0.9, 0.999, 1); // 1e-3 · √0.001 / 0.1
 */
export function adamStepSize(lr: number, beta1: number, beta2: number, t: number): number {
  return (lr * Math.sqrt(1 - Math.pow(beta2, t))) / (1 - Math.pow(beta1, t));
}

/**
 * One Adam step on `n` floats, in place, with the step size from {@link adamStepSize}.
 *
 * @paddle adamApply: `g ← clip(g) + l2·w`, `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`,
 * `w ← w − alpha·m / (√v + ε)`. The ε sits outside the bias correction of v, as in Paddle and in
 * torch.optim.SparseAdam (torch.optim.Adam divides by `√v̂ + ε` instead). Paddle's Adam ignored `decay_rate`;
 * here L2 joins the gradient, as torch.optim.Adam's `weight_decay` does.
 *
 * @example
 * adamStep(value, 0, grad, 0, value.length, m, v, adamStepSize(1e-3, 0.9, 0.999, 1), 0.9, 0.999, 1e-8, 0, Infinity);
 */
export function adamStep(
  value: Float32Array,
  vOff: number,
  grad: Float32Array,
  gOff: number,
  n: number,
  m: Float32Array,
  v: Float32Array,
  alpha: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  l2: number,
  clip: number,
): void {
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  const lo = -clip;
  for (let i = 0; i < n; i++) {
    let g = Math.min(clip, Math.max(lo, grad[gOff + i]));
    const j = vOff + i;
    const w = value[j];
    g += l2 * w;
    const mj = beta1 * m[j] + c1 * g;
    const vj = beta2 * v[j] + c2 * g * g;
    m[j] = mj;
    v[j] = vj;
    value[j] = w - (alpha * mj) / (Math.sqrt(vj) + epsilon);
  }
}

/**
 * {@link adamStep} over a whole parameter on the gradient `mean + a·(x − mean)`: a running mean moved by
 * one more gradient, folded into the update so that the mean is never stored (bit for bit the same values).
 * `mean` is not modified.
 *
 * @example
 * adamMeanStep(value, g1, w2 / (w1 + w2), g2, m, v, adamStepSize(1e-3, 0.9, 0.999, 1), 0.9, 0.999, 1e-8, 0, Infinity);
 */
export function adamMeanStep(
  value: Float32Array,
  mean: Float32Array,
  a: number,
  x: Float32Array,
  m: Float32Array,
  v: Float32Array,
  alpha: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  l2: number,
  clip: number,
): void {
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  const lo = -clip;
  for (let j = 0; j < value.length; j++) {
    const s = mean[j]!;
    // Rounded to float32 as a stored mean would be, so that clipping sees the same value.
    let g = Math.min(clip, Math.max(lo, Math.fround(s + a * (x[j]! - s))));
    const w = value[j]!;
    g += l2 * w;
    const mj = beta1 * m[j]! + c1 * g;
    const vj = beta2 * v[j]! + c2 * g * g;
    m[j] = mj;
    v[j] = vj;
    value[j] = w - (alpha * mj) / (Math.sqrt(vj) + epsilon);
  }
}
