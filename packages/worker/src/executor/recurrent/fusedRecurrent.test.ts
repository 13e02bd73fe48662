import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/initBackend.js';
import { tf } from '../tf.js';
import { gruSequence, lstmSequence } from './fusedRecurrent.js';
import { StepSchedule } from './StepSchedule.js';

// Against fixtures from an independent NumPy (float64) implementation of Paddle's formulas:
// packages/worker/fixtures/recurrent/make_fixtures.py. Float32 here: atol 1e-5 + rtol 1e-4·|ref|.
const fixtures = JSON.parse(readFileSync(new URL('../../../fixtures/recurrent/recurrent_fixtures.json', import.meta.url), 'utf8'));
const close = (got: ArrayLike<number>, want: number[], atol = 1e-5, rtol = 1e-4) => {
  expect(got.length).toBe(want.length);
  const bad = want.map((w, i) => [i, got[i]!, w] as const).filter(([, g, w]) => !(Math.abs(g - w) <= atol + rtol * Math.abs(w)));
  expect(bad).toEqual([]);
};

describe.each(['cpu', 'wasm'] as const)('fused recurrent layers against NumPy on %s', (backend) => {
  let previous: string;
  beforeAll(async () => {
    previous = tf.getBackend();
    await initBackend({ backend, log: () => {} });
  });
  afterAll(async () => {
    if (previous) await tf.setBackend(previous);
  });

  it.each(['gru', 'gru_reverse', 'lstm', 'lstm_reverse'])('%s: forward and gradients on a ragged batch', (name) => {
    const f = fixtures[name];
    const H = f.size as number;
    const gates = name.startsWith('gru') ? 3 : 4;
    const rows = (f.starts as number[]).at(-1)!;
    const schedule = new StepSchedule(Int32Array.from(f.starts), f.reverse);
    const x = tf.tensor2d(f.input, [rows, gates * H]);
    const w = tf.tensor1d(f.w0);
    const b = tf.tensor2d(f.bias, [1, f.bias.length]);
    const R = tf.tensor2d(f.weights, [rows, H]);
    const run = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
      name.startsWith('gru')
        ? gruSequence({ input: xi as tf.Tensor2D, weight: wi, bias: bi, size: H, act: 'tanh', gateAct: 'sigmoid' }, schedule)
        : lstmSequence({ input: xi as tf.Tensor2D, weight: wi, bias: bi, size: H, act: 'tanh', gateAct: 'sigmoid', stateAct: 'tanh' }, schedule);
    close(run(x, w, b).dataSync(), f.output);
    const grads = tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(run(xi, wi, bi), R)))([x, w, b]);
    close(grads[0]!.dataSync(), f.grad_input, 1e-4, 1e-3);
    close(grads[1]!.dataSync(), f.grad_w0, 1e-4, 1e-3);
    close(grads[2]!.dataSync(), f.grad_bias, 1e-4, 1e-3);
  });
});

describe('StepSchedule', () => {
  it('sorts longest first, shrinks the batch, and maps rows back', () => {
    const s = new StepSchedule(Int32Array.from([0, 2, 3, 7]), false);
    expect(Array.from(s.order)).toEqual([2, 0, 1]);
    expect(Array.from(s.active)).toEqual([3, 2, 1, 1]);
    expect(Array.from(s.stepRows)).toEqual([3, 0, 2, 4, 1, 5, 6]);
    expect(Array.from(s.outputIndex)).toEqual([1, 4, 2, 0, 3, 5, 6]);
    const r = new StepSchedule(Int32Array.from([0, 2, 3, 7]), true);
    expect(Array.from(r.stepRows)).toEqual([6, 1, 2, 5, 0, 4, 3]);
  });

  it('rejects inputs with other lengths', () => {
    const s = new StepSchedule(Int32Array.from([0, 2, 3]), false);
    expect(() => s.checkSameLayout(Int32Array.from([0, 1, 3]), 'recurrent group "g", input "b"')).toThrow(
      /recurrent group "g", input "b": sequence lengths differ from the group's first sequence input \(\[2, 1\] vs \[1, 2\]\)/,
    );
  });
});
