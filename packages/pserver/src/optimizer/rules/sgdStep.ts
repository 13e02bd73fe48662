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
