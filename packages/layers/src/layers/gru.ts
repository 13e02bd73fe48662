import { activeType, type Activation } from '../activation.js';
import { asBiasAttr, asLayerAttrWithoutDrop, asParamAttr, type BiasAttr, type LayerAttr, type ParamAttr } from '../attrs.js';
import { bool, knownKeys, optionalName } from '../check.js';
import { ConfigError } from '../errors.js';
import { asLayer, denseInput, maxSeqLevel } from '../inputs.js';
import { LayerOutput } from '../LayerOutput.js';
import type { LayerName } from '../NameScope.js';
import { hiddenSize, plainSequence } from './recurrentSizes.js';

const LAYOUT = '[x_z | x_r | x_c]';

export interface GrumemoryArgs {
  /** A sequence already projected to 3·size columns `[x_z | x_r | x_c]`. */
  input: LayerOutput;
  /** Default input size / 3 (given, it must agree). */
  size?: number;
  name?: LayerName;
  reverse?: boolean;
  /** Activation of the candidate state; default tanh. */
  act?: Activation;
  /** Activation of the update and reset gates; default sigmoid. */
  gateAct?: Activation;
  /** Default: a [1, 3·size] bias, zero-initialised. */
  biasAttr?: BiasAttr;
  paramAttr?: ParamAttr;
  /** Paddle's grumemory takes no dropout. */
  layerAttr?: LayerAttr;
}

/**
 * Gated recurrent unit over whole sequences, the input projected outside (`W x_t` by a mixed or fc layer of
 * size 3·H). With `[x_z | x_r | x_c]` the input row plus the 3H bias and h the previous output (zeros first):
 * `z = gateAct(x_z + h·U_z)`, `r = gateAct(x_r + h·U_r)`, `h~ = act(x_c + (r ⊙ h)·U_c)`, `h' = (1 − z) ⊙ h + z ⊙ h~`.
 * The weight `_NAME.w0` (dims [H, 3H], smart init 1/√H) holds `[U_z | U_r]` as an H×2H row-major block
 * followed by `U_c` as an H×H block, Paddle's layout; the bias `_NAME.wbias` is [1, 3H].
 * @paddle paddle.layer.grumemory (gated_recurrent)
 * @example
 * const projected = layer.mixed({ size: 3 * 128, input: layer.fullMatrixProjection({ input: emb }) });
 * const gru = layer.grumemory({ input: projected });
 */
export function grumemory(args: GrumemoryArgs): LayerOutput {
  const where = 'layer.grumemory';
  knownKeys(where, args, ['input', 'size', 'name', 'reverse', 'act', 'gateAct', 'biasAttr', 'paramAttr', 'layerAttr']);
  const input = plainSequence(where, denseInput(where, 'input', asLayer(where, 'input', args.input)));
  const size = hiddenSize(where, input, args.size, 3, LAYOUT);
  const reversed = bool(where, 'reverse', args.reverse, false);
  const act = activeType(where, args.act, 'tanh');
  const gate = activeType(where, args.gateAct, 'sigmoid');
  const attr = asParamAttr(where, 'paramAttr', args.paramAttr);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, true);
  asLayerAttrWithoutDrop(where, 'layerAttr', args.layerAttr);
  const name = optionalName(where, args.name);
  return new LayerOutput({
    prefix: 'gru', ...(name ? { name } : {}), size, seqLevel: 1, inputs: [input], activation: act,
    emit: (ctx) => ({
      type: 'gated_recurrent', size, active_type: act,
      inputs: [{ input_layer_name: ctx.nameOf(input), input_parameter_name: ctx.param('w0', attr, [size, 3 * size]) }],
      ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, [1, 3 * size], { std: 0 }) } : {}),
      reversed, active_gate_type: gate,
    }),
  });
}

export interface GruStepArgs {
  /** This step's input, projected to 3·size columns `[x_z | x_r | x_c]`. */
  input: LayerOutput;
  /** The previous output h: a `layer.memory` of this layer's name. */
  outputMem: LayerOutput;
  /** Default input size / 3. */
  size?: number;
  name?: LayerName;
  act?: Activation;
  gateAct?: Activation;
  biasAttr?: BiasAttr;
  paramAttr?: ParamAttr;
  layerAttr?: LayerAttr;
}

/**
 * One step of a GRU inside a recurrent group: the same maths as `layer.grumemory` for one row, with h the
 * memory `outputMem`. Weight `_NAME.w0` [H, 3H] (same layout) belongs to the input slot; bias [1, 3H].
 * @paddle paddle.layer.gru_step (gru_step_layer)
 * @example
 * const step = (x: LayerOutput) => {
 *   const h = layer.memory({ name: 'gru', size: 64 });
 *   return layer.gruStep({ name: 'gru', input: layer.mixed({ size: 192, input: layer.fullMatrixProjection({ input: x }) }), outputMem: h });
 * };
 */
export function gruStep(args: GruStepArgs): LayerOutput {
  const where = 'layer.gruStep';
  knownKeys(where, args, ['input', 'outputMem', 'size', 'name', 'act', 'gateAct', 'biasAttr', 'paramAttr', 'layerAttr']);
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  const mem = denseInput(where, 'outputMem', asLayer(where, 'outputMem', args.outputMem));
  const size = hiddenSize(where, input, args.size, 3, LAYOUT);
  if (mem.size !== size) throw new ConfigError(`${where}: outputMem must have the layer's size ${size}, got ${mem.describe()}`);
  const act = activeType(where, args.act, 'tanh');
  const gate = activeType(where, args.gateAct, 'sigmoid');
  const attr = asParamAttr(where, 'paramAttr', args.paramAttr);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, true);
  asLayerAttrWithoutDrop(where, 'layerAttr', args.layerAttr);
  const name = optionalName(where, args.name);
  return new LayerOutput({
    prefix: 'gru_step', ...(name ? { name } : {}), size, seqLevel: maxSeqLevel([input, mem]), inputs: [input, mem], activation: act,
    emit: (ctx) => ({
      type: 'gru_step', size, active_type: act,
      inputs: [
        { input_layer_name: ctx.nameOf(input), input_parameter_name: ctx.param('w0', attr, [size, 3 * size]) },
        { input_layer_name: ctx.nameOf(mem) },
      ],
      ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, [1, 3 * size], { std: 0 }) } : {}),
      active_gate_type: gate,
    }),
  });
}
