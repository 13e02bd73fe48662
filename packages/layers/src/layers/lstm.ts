import { activeType, type Activation } from '../activation.js';
import { asBiasAttr, asLayerAttrWithoutDrop, asParamAttr, type BiasAttr, type LayerAttr, type ParamAttr } from '../attrs.js';
import { bool, knownKeys, optionalName, positiveInt } from '../check.js';
import { ConfigError } from '../errors.js';
import { asLayer, denseInput, maxSeqLevel } from '../inputs.js';
import { LayerOutput } from '../LayerOutput.js';
import type { LayerName } from '../NameScope.js';
import { hiddenSize, plainSequence } from './recurrentSizes.js';

const LAYOUT = '[x_a | x_i | x_f | x_o]';

export interface LstmemoryArgs {
  /** A sequence already projected to 4·size columns `[x_a | x_i | x_f | x_o]`. */
  input: LayerOutput;
  /** Default input size / 4 (given, it must agree). */
  size?: number;
  name?: LayerName;
  reverse?: boolean;
  /** Activation of the cell input a and of the output; default tanh. */
  act?: Activation;
  /** Activation of the input, forget and output gates; default sigmoid. */
  gateAct?: Activation;
  /** Activation of the cell state before the output gate; default tanh. */
  stateAct?: Activation;
  /** Default: a [1, 7·size] bias (4H gate biases, then the peepholes w_ci, w_cf, w_co), zero-initialised. */
  biasAttr?: BiasAttr;
  paramAttr?: ParamAttr;
  /** Paddle's lstmemory takes no dropout. */
  layerAttr?: LayerAttr;
}

/**
 * Long short-term memory over whole sequences, the input projected outside (`W x_t`, size 4·H). With
 * `[x_a | x_i | x_f | x_o]` the input row, h and c the previous output and cell (zeros first), U the recurrent
 * weight and b the bias `[b_a | b_i | b_f | b_o | w_ci | w_cf | w_co]`:
 * `a = act(x_a + h·U_a + b_a)`, `i = gateAct(x_i + h·U_i + b_i + w_ci ⊙ c)`, `f = gateAct(x_f + h·U_f + b_f + w_cf ⊙ c)`,
 * `c' = a ⊙ i + c ⊙ f`, `o = gateAct(x_o + h·U_o + b_o + w_co ⊙ c')`, `h' = o ⊙ stateAct(c')`.
 * The weight `_NAME.w0` is an H×4H row-major matrix `[U_a | U_i | U_f | U_o]` that Paddle records with
 * dims [H, H, 4] (smart init 1/√H); the bias `_NAME.wbias` is [1, 7H].
 * @paddle paddle.layer.lstmemory
 * @example
 * const projected = layer.mixed({ size: 4 * 128, input: layer.fullMatrixProjection({ input: emb }) });
 * const lstm = layer.lstmemory({ input: projected });
 */
export function lstmemory(args: LstmemoryArgs): LayerOutput {
  const where = 'layer.lstmemory';
  knownKeys(where, args, ['input', 'size', 'name', 'reverse', 'act', 'gateAct', 'stateAct', 'biasAttr', 'paramAttr', 'layerAttr']);
  const input = plainSequence(where, denseInput(where, 'input', asLayer(where, 'input', args.input)));
  const size = hiddenSize(where, input, args.size, 4, LAYOUT);
  const reversed = bool(where, 'reverse', args.reverse, false);
  const acts = activations(where, args);
  const attr = asParamAttr(where, 'paramAttr', args.paramAttr);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, true);
  asLayerAttrWithoutDrop(where, 'layerAttr', args.layerAttr);
  const name = optionalName(where, args.name);
  return new LayerOutput({
    prefix: 'lstmemory', ...(name ? { name } : {}), size, seqLevel: 1, inputs: [input], activation: acts.act,
    emit: (ctx) => ({
      type: 'lstmemory', size, active_type: acts.act,
      inputs: [{ input_layer_name: ctx.nameOf(input), input_parameter_name: ctx.param('w0', attr, [size, size, 4]) }],
      ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, [1, 7 * size], { std: 0 }) } : {}),
      reversed, active_gate_type: acts.gate, active_state_type: acts.state,
    }),
  });
}

function activations(where: string, args: { act?: unknown; gateAct?: unknown; stateAct?: unknown }) {
  return {
    act: activeType(where, args.act, 'tanh'),
    gate: activeType(where, args.gateAct, 'sigmoid'),
    state: activeType(where, args.stateAct, 'tanh'),
  };
}

export interface LstmStepArgs {
  /** This step's gate inputs `x·W + h·U (+ b)`, 4·size columns `[a | i | f | o]` (a mixed layer in the step). */
  input: LayerOutput;
  /** The previous cell c: a `layer.memory` of the layer that extracts this one's 'state' output. */
  state: LayerOutput;
  /** Default state size; given, it must agree. */
  size?: number;
  name?: LayerName;
  act?: Activation;
  gateAct?: Activation;
  stateAct?: Activation;
  /** Default: the [1, 3·size] peepholes `[w_ci | w_cf | w_co]`, zero-initialised (gate biases belong to the input). */
  biasAttr?: BiasAttr;
  layerAttr?: LayerAttr;
}

/**
 * One step of an LSTM inside a recurrent group, the recurrent product computed by the input mixed layer:
 * with `[x_a | x_i | x_f | x_o]` the input row and c the memory `state`, the maths of `layer.lstmemory` without
 * h·U and b_{a,i,f,o}. Outputs h'; its second output 'state' is the new cell c' (read it with
 * `layer.getOutput({ input, argName: 'state' })`). Only parameter: the peepholes `_NAME.wbias` [1, 3H].
 * @paddle paddle.layer.lstm_step (lstm_step_layer)
 * @example
 * const c = layer.memory({ name: 'lstm_state', size: 64 });
 * const h = layer.lstmStep({ name: 'lstm', input: gates, state: c });
 * layer.getOutput({ name: 'lstm_state', input: h, argName: 'state' });
 */
export function lstmStep(args: LstmStepArgs): LayerOutput {
  const where = 'layer.lstmStep';
  knownKeys(where, args, ['input', 'state', 'size', 'name', 'act', 'gateAct', 'stateAct', 'biasAttr', 'layerAttr']);
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  const state = denseInput(where, 'state', asLayer(where, 'state', args.state));
  const size = args.size === undefined ? state.size : positiveInt(where, 'size', args.size);
  if (state.size !== size) throw new ConfigError(`${where}: state must have the layer's size ${size}, got ${state.describe()}`);
  if (input.size !== 4 * size) {
    throw new ConfigError(`${where}: input must have 4·size = ${4 * size} columns (${LAYOUT}), got ${input.describe()}`);
  }
  const acts = activations(where, args);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, true);
  asLayerAttrWithoutDrop(where, 'layerAttr', args.layerAttr);
  const name = optionalName(where, args.name);
  return new LayerOutput({
    prefix: 'lstm_step', ...(name ? { name } : {}), size, seqLevel: maxSeqLevel([input, state]), inputs: [input, state],
    activation: acts.act, outputs: ['default', 'state'],
    emit: (ctx) => ({
      type: 'lstm_step', size, active_type: acts.act,
      inputs: [{ input_layer_name: ctx.nameOf(input) }, { input_layer_name: ctx.nameOf(state) }],
      ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, [1, 3 * size], { std: 0 }) } : {}),
      active_gate_type: acts.gate, active_state_type: acts.state,
    }),
  });
}
