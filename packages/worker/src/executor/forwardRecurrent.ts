import type { LayerConfig } from '@oar/layers';
import { DataError } from '../errors.js';
import { dropout } from './forwardBasic.js';
import type { ForwardContext, LayerForward } from './ForwardContext.js';
import { gruSequence, gruStep, gruWeights, lstmCell, lstmSequence, peepholes, rnnSequence } from './recurrent/fusedRecurrent.js';
import { StepSchedule } from './recurrent/StepSchedule.js';
import { flat } from './shapes.js';
import { tf } from './tf.js';
import type { Value } from './Value.js';

/** The step layout of a fused recurrent layer's input: its sequences (the innermost ones when nested). */
function scheduleOf(config: LayerConfig, value: Value): StepSchedule {
  if (!value.seq) throw new DataError(`${config.name}: a ${config.type} layer needs a sequence input`);
  return new StepSchedule(value.seq.subStarts ?? value.seq.starts, (config as { reversed?: boolean }).reversed === true);
}

function out(config: LayerConfig, data: tf.Tensor2D, from: Value, ctx: ForwardContext): Value {
  const d = dropout(data, config.drop_rate, ctx);
  return from.seq ? { data: d, seq: from.seq } : { data: d };
}

type RecurrentConfig = LayerConfig & { active_gate_type?: string; active_state_type?: string; reversed?: boolean };

/** grumemory: input `[rows, 3H]`, weight `[H, 3H]` (gate block then state block), bias `[1, 3H]`. */
const gatedRecurrent: LayerForward = (config, inputs, ctx) => {
  const c = config as RecurrentConfig;
  const x = inputs[0]!;
  const h = gruSequence({
    input: flat(x), weight: ctx.param(config.inputs[0]!.input_parameter_name!),
    ...(config.bias_parameter_name ? { bias: ctx.param(config.bias_parameter_name) } : {}),
    size: config.size, act: c.active_type, gateAct: c.active_gate_type ?? 'sigmoid',
  }, scheduleOf(config, x));
  return out(config, h, x, ctx);
};

/** lstmemory: input `[rows, 4H]`, weight `[H, 4H]`, bias `[1, 7H]` (gates then peepholes). */
const lstmemory: LayerForward = (config, inputs, ctx) => {
  const c = config as RecurrentConfig;
  const x = inputs[0]!;
  const h = lstmSequence({
    input: flat(x), weight: ctx.param(config.inputs[0]!.input_parameter_name!),
    ...(config.bias_parameter_name ? { bias: ctx.param(config.bias_parameter_name) } : {}),
    size: config.size, act: c.active_type, gateAct: c.active_gate_type ?? 'sigmoid', stateAct: c.active_state_type ?? 'tanh',
  }, scheduleOf(config, x));
  return out(config, h, x, ctx);
};

/** Paddle's recurrent layer: `h_t = act(x_t + b + h_{t−1} W)`. */
const recurrent: LayerForward = (config, inputs, ctx) => {
  const x = inputs[0]!;
  let xb = flat(x);
  if (config.bias_parameter_name) xb = tf.add(xb, ctx.param(config.bias_parameter_name)) as tf.Tensor2D;
  const w = ctx.param(config.inputs[0]!.input_parameter_name!) as tf.Tensor2D;
  return out(config, rnnSequence(xb, w, config.active_type, scheduleOf(config, x)), x, ctx);
};

/** gru_step in a group: inputs [x (3H), h_prev]; the GRU weight and bias of grumemory. */
const gruStepForward: LayerForward = (config, inputs, ctx) => {
  const c = config as RecurrentConfig;
  const H = config.size;
  let x = flat(inputs[0]!);
  if (config.bias_parameter_name) x = tf.add(x, ctx.param(config.bias_parameter_name)) as tf.Tensor2D;
  const { uzr, uc } = gruWeights(ctx.param(config.inputs[0]!.input_parameter_name!), H);
  const h = gruStep(x, flat(inputs[1]!), uzr, uc, H, c.active_type, c.active_gate_type ?? 'sigmoid');
  return { data: dropout(h, config.drop_rate, ctx) };
};

/** lstm_step in a group: inputs [gates (4H, with h U and bias already), c_prev]; bias = peepholes `[1, 3H]`. */
const lstmStepForward: LayerForward = (config, inputs, ctx) => {
  const c = config as RecurrentConfig;
  const H = config.size;
  const peep = config.bias_parameter_name ? peepholes(ctx.param(config.bias_parameter_name), 0, H) : undefined;
  const { h, c: state } = lstmCell(flat(inputs[0]!), flat(inputs[1]!), peep, H, {
    act: c.active_type, gateAct: c.active_gate_type ?? 'sigmoid', stateAct: c.active_state_type ?? 'tanh',
  });
  return { data: dropout(h, config.drop_rate, ctx), state };
};

/** get_output: another output of its input layer (lstm_step's `state`). */
const getOutput: LayerForward = (config, inputs) => {
  const arg = (config.inputs[0] as { input_layer_argument?: string }).input_layer_argument;
  const value = inputs[0]!;
  if (arg !== 'state' || !value.state) throw new DataError(`${config.name}: ${JSON.stringify(config.inputs[0]!.input_layer_name)} has no output ${JSON.stringify(arg)}`);
  return { data: value.state, ...(value.seq ? { seq: value.seq } : {}) };
};

export const recurrentForwards: Record<string, LayerForward> = {
  gated_recurrent: gatedRecurrent, lstmemory, recurrent, gru_step: gruStepForward, lstm_step: lstmStepForward, get_output: getOutput,
};
