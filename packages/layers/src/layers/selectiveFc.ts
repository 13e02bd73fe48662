import type { LayerName } from '../NameScope.js';
import { activeType, type Activation } from '../activation.js';
import { asBiasAttr, asLayerAttr, type BiasAttr, type LayerAttr, type ParamAttr } from '../attrs.js';
import { inRange, knownKeys, optionalName, positiveInt } from '../check.js';
import { ConfigError } from '../errors.js';
import { asLayer, asLayers, denseInput, maxSeqLevel } from '../inputs.js';
import { LayerOutput } from '../LayerOutput.js';
import { paramAttrsPerInput } from './fc.js';

export interface SelectiveFcArgs {
  input: LayerOutput | LayerOutput[];
  size: number;
  /** A dense layer of `size` columns: where it is non-zero the column is computed, elsewhere the output is 0. Default: all columns. */
  select?: LayerOutput;
  /** Default tanh, as in Paddle. */
  act?: Activation;
  name?: LayerName;
  /** One attribute for all inputs, or one per input. Weights are stored transposed, [size, input size], as in Paddle. */
  paramAttr?: ParamAttr | ParamAttr[];
  biasAttr?: BiasAttr;
  layerAttr?: LayerAttr;
  /** Paddle's `mul_ratio`: the share of selected columns above which Paddle multiplies in full (a speed setting). Default 0.02. */
  mulRatio?: number;
}

/**
 * A fully connected layer that computes only the selected columns: `act(Σ_i x_i W_iᵀ + b)` where `select` is
 * non-zero, 0 elsewhere. Paddle's `select` is a sparse binary vector of column ids; Oar takes it dense.
 * @paddle paddle.layer.selective_fc (selective_fc_layer)
 * @example
 * const scores = layer.selectiveFc({ input: hidden, select: candidates, size: 100, act: 'sigmoid' });
 */
export function selectiveFc(args: SelectiveFcArgs): LayerOutput {
  const where = 'layer.selectiveFc';
  knownKeys(where, args, ['input', 'size', 'select', 'act', 'name', 'paramAttr', 'biasAttr', 'layerAttr', 'mulRatio']);
  const inputs = asLayers(where, 'input', args.input).map((l, i) => denseInput(where, `input[${i}]`, l));
  const size = positiveInt(where, 'size', args.size);
  const select = args.select === undefined ? undefined : denseInput(where, 'select', asLayer(where, 'select', args.select));
  const level = maxSeqLevel(inputs);
  if (select && (select.size !== size || select.seqLevel !== level)) {
    throw new ConfigError(`${where}: select must have the layer's size (${size}) and its inputs' sequence level, got ${select.describe()}`);
  }
  const act = activeType(where, args.act, 'tanh');
  const name = optionalName(where, args.name);
  const attrs = paramAttrsPerInput(where, args.paramAttr, inputs.length);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, true);
  const drop = asLayerAttr(where, args.layerAttr)?.dropRate;
  const mulRatio = args.mulRatio === undefined ? 0.02 : inRange(where, 'mulRatio', args.mulRatio, 0, 1);
  return new LayerOutput({
    prefix: 'selective_fc_layer', ...(name ? { name } : {}), size, seqLevel: level, inputs: select ? [...inputs, select] : inputs, activation: act,
    emit: (ctx) => ({
      type: 'selective_fc', size, active_type: act,
      inputs: [
        ...inputs.map((l, i) => ({ input_layer_name: ctx.nameOf(l), input_parameter_name: ctx.param(`w${i}`, attrs[i], [size, l.size]) })),
        ...(select ? [{ input_layer_name: ctx.nameOf(select) }] : []),
      ],
      ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, [1, size], { std: 0 }) } : {}),
      ...(drop ? { drop_rate: drop } : {}),
      selective_fc_pass_generation: false,
      has_selected_colums: select !== undefined,
      selective_fc_full_mul_ratio: mulRatio,
    }),
  });
}
