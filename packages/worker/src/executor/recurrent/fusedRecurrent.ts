import { activation } from '../activation.js';
import { int32 } from '../shapes.js';
import { tf } from '../tf.js';
import type { StepSchedule } from './StepSchedule.js';

type Act = (x: tf.Tensor2D) => tf.Tensor2D;
const act = (name: string): Act => {
  const f = activation(name);
  return (x) => f(x, undefined);
};

/** Runs `step` over the schedule on step-major input rows; returns outputs in the original row order. */
function runSteps(
  x: tf.Tensor2D, schedule: StepSchedule, step: (xt: tf.Tensor2D, n: number) => tf.Tensor2D,
): tf.Tensor2D {
  // One split, not a slice per step: a slice's gradient pads to the whole input, T times over.
  const parts = tf.split(tf.gather(x, int32(schedule.stepRows)), Array.from(schedule.active)) as tf.Tensor2D[];
  const outs: tf.Tensor2D[] = [];
  for (let t = 0; t < schedule.steps; t++) outs.push(step(parts[t]!, schedule.active[t]!));
  return tf.gather(tf.concat(outs), int32(schedule.outputIndex));
}

/** The first `n` rows (the sequences still running are a prefix). */
function prefix(h: tf.Tensor2D, n: number): tf.Tensor2D {
  return h.shape[0] === n ? h : tf.slice(h, [0, 0], [n, h.shape[1]]);
}

export interface GruArgs {
  /** Projected input, `[rows, 3H]` as `[x_z | x_r | x_c]`. */
  input: tf.Tensor2D;
  /** Paddle's buffer: `U_zr` (H × 2H) then `U_c` (H × H). */
  weight: tf.Tensor;
  /** `[1, 3H]`, or undefined. */
  bias?: tf.Tensor;
  size: number;
  act: string;
  gateAct: string;
  /** State before the first step, `[numSeq, H]` in schedule order; zeros when undefined. */
  boot?: tf.Tensor2D;
}

/**
 * One GRU step on a batch of rows: `z = σ(x_z + h U_z)`, `r = σ(x_r + h U_r)`,
 * `c = act(x_c + (r ⊙ h) U_c)`, `h' = (1 − z) ⊙ h + z ⊙ c`.
 */
export function gruStep(x: tf.Tensor2D, h: tf.Tensor2D, uzr: tf.Tensor2D, uc: tf.Tensor2D, H: number, actName: string, gateActName: string): tf.Tensor2D {
  const zr = act(gateActName)(tf.add(tf.slice(x, [0, 0], [-1, 2 * H]), tf.matMul(h, uzr)));
  const z = tf.slice(zr, [0, 0], [-1, H]);
  const r = tf.slice(zr, [0, H], [-1, H]);
  const c = act(actName)(tf.add(tf.slice(x, [0, 2 * H], [-1, H]), tf.matMul(tf.mul(r, h), uc)));
  return tf.add(h, tf.mul(z, tf.sub(c, h)));
}

/** Splits Paddle's GRU weight buffer into its gate and state blocks. */
export function gruWeights(weight: tf.Tensor, H: number): { uzr: tf.Tensor2D; uc: tf.Tensor2D } {
  const flat = weight.reshape([-1]);
  return {
    uzr: tf.slice(flat, [0], [2 * H * H]).reshape([H, 2 * H]),
    uc: tf.slice(flat, [2 * H * H], [H * H]).reshape([H, H]),
  };
}

/** A GRU over whole sequences (Paddle's grumemory), shrinking the batch as sequences end. */
export function gruSequence(args: GruArgs, schedule: StepSchedule): tf.Tensor2D {
  const H = args.size;
  const { uzr, uc } = gruWeights(args.weight, H);
  const x = args.bias ? (tf.add(args.input, args.bias) as tf.Tensor2D) : args.input;
  let h: tf.Tensor2D = args.boot ?? tf.zeros([schedule.numSequences, H]);
  return runSteps(x, schedule, (xt, n) => {
    h = gruStep(xt, prefix(h, n), uzr, uc, H, args.act, args.gateAct);
    return h;
  });
}

export interface LstmArgs {
  /** Projected input, `[rows, 4H]` as `[a | i | f | o]`. */
  input: tf.Tensor2D;
  /** `U`, H × 4H. */
  weight: tf.Tensor;
  /** `[1, 7H]`: 4H gate biases, then the peepholes w_ci, w_cf, w_co; or undefined. */
  bias?: tf.Tensor;
  size: number;
  act: string;
  gateAct: string;
  stateAct: string;
  bootH?: tf.Tensor2D;
  bootC?: tf.Tensor2D;
}

/**
 * The LSTM cell after the gate pre-activations `g` (= x + h U + b) are known: `a = act(g_a)`,
 * `i = σ(g_i + w_ci ⊙ c)`, `f = σ(g_f + w_cf ⊙ c)`, `c' = a ⊙ i + c ⊙ f`, `o = σ(g_o + w_co ⊙ c')`,
 * `h' = o ⊙ stateAct(c')`. This is Paddle's lstm_step; lstmemory adds `h U` first.
 */
export function lstmCell(
  g: tf.Tensor2D, c: tf.Tensor2D, peep: { ci: tf.Tensor; cf: tf.Tensor; co: tf.Tensor } | undefined,
  H: number, names: { act: string; gateAct: string; stateAct: string },
): { h: tf.Tensor2D; c: tf.Tensor2D } {
  const part = (k: number): tf.Tensor2D => tf.slice(g, [0, k * H], [-1, H]) as tf.Tensor2D;
  const gate = act(names.gateAct);
  const a = act(names.act)(part(0));
  const i = gate(peep ? (tf.add(part(1), tf.mul(peep.ci, c)) as tf.Tensor2D) : part(1));
  const f = gate(peep ? (tf.add(part(2), tf.mul(peep.cf, c)) as tf.Tensor2D) : part(2));
  const cNext = tf.add(tf.mul(a, i), tf.mul(c, f)) as tf.Tensor2D;
  const o = gate(peep ? (tf.add(part(3), tf.mul(peep.co, cNext)) as tf.Tensor2D) : part(3));
  return { h: tf.mul(o, act(names.stateAct)(cNext)) as tf.Tensor2D, c: cNext };
}

/** One LSTM step of lstmemory: the cell on `g0 + h U` (the gate bias is already in `g0` = x + b). */
export function lstmStep(
  g0: tf.Tensor2D, h: tf.Tensor2D, c: tf.Tensor2D, u: tf.Tensor2D, peep: { ci: tf.Tensor; cf: tf.Tensor; co: tf.Tensor } | undefined,
  H: number, names: { act: string; gateAct: string; stateAct: string },
): { h: tf.Tensor2D; c: tf.Tensor2D } {
  return lstmCell(tf.add(g0, tf.matMul(h, u)) as tf.Tensor2D, c, peep, H, names);
}

/** Splits peephole weights `[1, 3H]` (w_ci, w_cf, w_co). */
export function peepholes(flat: tf.Tensor, offset: number, H: number) {
  const v = flat.reshape([-1]);
  return { ci: tf.slice(v, [offset], [H]), cf: tf.slice(v, [offset + H], [H]), co: tf.slice(v, [offset + 2 * H], [H]) };
}

/** Splits an LSTM bias `[1, 7H]` into the gate bias `[1, 4H]` and the three peepholes. */
export function lstmBias(bias: tf.Tensor, H: number) {
  const flat = bias.reshape([-1]);
  return {
    gates: tf.slice(flat, [0], [4 * H]).reshape([1, 4 * H]),
    peep: peepholes(flat, 4 * H, H),
  };
}

/** A simple RNN over whole sequences (Paddle's recurrent layer): `h' = act(x + h W)` (bias already in x). */
export function rnnSequence(x: tf.Tensor2D, weight: tf.Tensor2D, actName: string, schedule: StepSchedule): tf.Tensor2D {
  const H = weight.shape[0];
  const f = act(actName);
  let h: tf.Tensor2D = tf.zeros([schedule.numSequences, H]);
  return runSteps(x, schedule, (xt, n) => {
    h = f(tf.add(xt, tf.matMul(prefix(h, n), weight)) as tf.Tensor2D);
    return h;
  });
}

/** An LSTM over whole sequences (Paddle's lstmemory), shrinking the batch as sequences end. */
export function lstmSequence(args: LstmArgs, schedule: StepSchedule): tf.Tensor2D {
  const H = args.size;
  const u = args.weight.reshape([H, 4 * H]) as tf.Tensor2D;
  const bias = args.bias ? lstmBias(args.bias, H) : undefined;
  const x = bias ? (tf.add(args.input, bias.gates) as tf.Tensor2D) : args.input;
  let h: tf.Tensor2D = args.bootH ?? tf.zeros([schedule.numSequences, H]);
  let c: tf.Tensor2D = args.bootC ?? tf.zeros([schedule.numSequences, H]);
  return runSteps(x, schedule, (xt, n) => {
    ({ h, c } = lstmStep(xt, prefix(h, n), prefix(c, n), u, bias?.peep, H, args));
    return h;
  });
}
