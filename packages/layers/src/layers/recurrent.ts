import { activeType, type Activation } from '../activation.js';
import { asBiasAttr, asLayerAttrWithoutDrop, asParamAttr, type BiasAttr, type LayerAttr, type ParamAttr } from '../attrs.js';
import { bool, knownKeys, optionalName } from '../check.js';
import { asLayer, denseInput } from '../inputs.js';
import { LayerOutput } from '../LayerOutput.js';
import type { LayerName } from '../NameScope.js';
import { plainSequence } from './recurrentSizes.js';

export interface RecurrentArgs {
  /** A sequence already projected to the layer's size (the layer's size is the input's). */
  input: LayerOutput;
  /** Default tanh. */
  act?: Activation;
  reverse?: boolean;
  name?: LayerName;
  /** Default: a [1, size] bias, zero-initialised. */
  biasAttr?: BiasAttr;
  paramAttr?: ParamAttr;
  layerAttr?: LayerAttr;
}

/**
 * The simple (Elman) recurrent layer over whole sequences: `out_t = act(in_t + b + out_{t−1}·W)`, with
 * `out_{t−1}` zero at the first step (the last step first when reversed). Weight `_NAME.w0` [H, H] (smart
 * init 1/√H), bias `_NAME.wbias` [1, H].
 * @paddle paddle.layer.recurrent (recurrent_layer)
 * @example
 * const rnn = layer.recurrent({ input: layer.fc({ input: emb, size: 128, act: 'linear', biasAttr: false }) });
 */
export function recurrent(args: RecurrentArgs): LayerOutput {
  const where = 'layer.recurrent';
  knownKeys(where, args, ['input', 'act', 'reverse', 'name', 'biasAttr', 'paramAttr', 'layerAttr']);
  const input = plainSequence(where, denseInput(where, 'input', asLayer(where, 'input', args.input)));
  const size = input.size;
  const act = activeType(where, args.act, 'tanh');
  const reversed = bool(where, 'reverse', args.reverse, false);
  const attr = asParamAttr(where, 'paramAttr', args.paramAttr);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, true);
  asLayerAttrWithoutDrop(where, 'layerAttr', args.layerAttr);
  const name = optionalName(where, args.name);
  return new LayerOutput({
    prefix: 'recurrent_layer', ...(name ? { name } : {}), size, seqLevel: 1, inputs: [input], activation: act,
    emit: (ctx) => ({
      type: 'recurrent', size, active_type: act,
      inputs: [{ input_layer_name: ctx.nameOf(input), input_parameter_name: ctx.param('w0', attr, [size, size]) }],
      ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, [1, size], { std: 0 }) } : {}),
      reversed,
    }),
  });
}
