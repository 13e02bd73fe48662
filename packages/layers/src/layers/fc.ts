import type { LayerName } from '../NameScope.js';
import { activeType, type Activation } from '../activation.js';
import { asBiasAttr, asLayerAttr, asParamAttr, type BiasAttr, type LayerAttr, type ParamAttr } from '../attrs.js';
import { knownKeys, optionalName, positiveInt } from '../check.js';
import { ConfigError } from '../errors.js';
import { asLayers, denseInput, maxSeqLevel } from '../inputs.js';
import { LayerOutput } from '../LayerOutput.js';

export interface FcArgs {
  input: LayerOutput | LayerOutput[];
  size: number;
  /** Default tanh, as in Paddle. */
  act?: Activation;
  name?: LayerName;
  /** One attribute for all inputs, or one per input. */
  paramAttr?: ParamAttr | ParamAttr[];
  biasAttr?: BiasAttr;
  layerAttr?: LayerAttr;
}

/**
 * Fully connected layer: `act(Σ_i x_i W_i + b)`, one weight per input.
 * @paddle paddle.layer.fc (fc_layer)
 * @example
 * const hidden = layer.fc({ input: pixel, size: 128, act: 'relu' });
 */
export function fc(args: FcArgs): LayerOutput {
  const where = 'layer.fc';
  knownKeys(where, args, ['input', 'size', 'act', 'name', 'paramAttr', 'biasAttr', 'layerAttr']);
  const inputs = asLayers(where, 'input', args.input).map((l, i) => denseInput(where, `input[${i}]`, l));
  const size = positiveInt(where, 'size', args.size);
  const act = activeType(where, args.act, 'tanh');
  const name = optionalName(where, args.name);
  const attrs = paramAttrsPerInput(where, args.paramAttr, inputs.length);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, true);
  const drop = asLayerAttr(where, args.layerAttr)?.dropRate;
  return new LayerOutput({
    prefix: 'fc_layer', ...(name ? { name } : {}), size, seqLevel: maxSeqLevel(inputs), inputs, activation: act,
    emit: (ctx) => ({
      type: 'fc', size, active_type: act,
      inputs: inputs.map((l, i) => ({
        input_layer_name: ctx.nameOf(l),
        input_parameter_name: ctx.param(`w${i}`, attrs[i], [l.size, size]),
      })),
      ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, [1, size], { std: 0 }) } : {}),
      ...(drop ? { drop_rate: drop } : {}),
    }),
  });
}

export function paramAttrsPerInput(where: string, value: unknown, count: number): (ParamAttr | undefined)[] {
  if (Array.isArray(value)) {
    if (value.length !== count) {
      throw new ConfigError(`${where}: paramAttr must be one attribute or one per input (${count}), got an array of ${value.length}`);
    }
    return value.map((v, i) => asParamAttr(where, `paramAttr[${i}]`, v));
  }
  const one = asParamAttr(where, 'paramAttr', value);
  return Array.from({ length: count }, () => one);
}
