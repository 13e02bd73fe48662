import { layer, type Activation, type BiasAttr, type LayerAttr, type LayerOutput, type NameScope, type ParamAttr } from '@oar/layers';
import { inner, positiveInt } from './check.js';
import { buildGruGroup } from './gruGroup.js';
import { checkOptions, helperScope, sequenceArg } from './recurrentArgs.js';

export interface SimpleGruArgs {
  /** A sequence of dense rows (word embeddings, say). */
  input: LayerOutput;
  /** Hidden size. */
  size: number;
  /** Name of the output; inner layers `${name}_transform`, `${name}_recurrent_group`; default `__simple_gru_N__`. */
  name?: string;
  reverse?: boolean;
  mixedParamAttr?: ParamAttr;
  /** Bias of the input projection; default none. */
  mixedBiasParamAttr?: BiasAttr;
  mixedLayerAttr?: LayerAttr;
  /** Default: a [1, 3·size] bias in the GRU step. */
  gruBiasAttr?: BiasAttr;
  gruParamAttr?: ParamAttr;
  act?: Activation;
  gateAct?: Activation;
  gruLayerAttr?: LayerAttr;
}

const KEYS = [
  'input', 'size', 'name', 'reverse', 'mixedParamAttr', 'mixedBiasParamAttr', 'mixedLayerAttr', 'gruBiasAttr', 'gruParamAttr',
  'act', 'gateAct', 'gruLayerAttr',
];
const KINDS = {
  acts: ['act', 'gateAct'], params: ['mixedParamAttr', 'gruParamAttr'], biases: ['mixedBiasParamAttr', 'gruBiasAttr'],
  layerAttrs: ['mixedLayerAttr'], noDropAttrs: ['gruLayerAttr'], bools: ['reverse'],
};

/**
 * A whole GRU: the input projection `[x_z | x_r | x_c] = W x_t` (a mixed layer `${name}_transform` of size
 * 3·size) and a `gruGroup` over it, named after the helper. Same maths as `simpleGru2`, as a recurrent group.
 * @paddle paddle.networks.simple_gru (trainer_config_helpers.networks.simple_gru)
 * @example
 * const encoded = networks.simpleGru({ input: emb, size: 128 });
 */
export function simpleGru(args: SimpleGruArgs): LayerOutput {
  const where = 'networks.simpleGru';
  checkOptions(where, args, KEYS, KINDS);
  return buildSimpleGru(where, helperScope(where, 'simple_gru', args.name), args);
}

function buildSimpleGru(where: string, scope: NameScope, args: SimpleGruArgs): LayerOutput {
  const input = sequenceArg(where, 'input', args.input);
  const size = positiveInt(where, 'size', args.size);
  const projected = inner(where, 'transform', () => layer.mixed({
    name: scope.sub('_transform'), size: 3 * size, biasAttr: args.mixedBiasParamAttr, layerAttr: args.mixedLayerAttr,
    input: layer.fullMatrixProjection({ input, paramAttr: args.mixedParamAttr }),
  }));
  return buildGruGroup(where, scope, {
    input: projected, size, reverse: args.reverse, gruBiasAttr: args.gruBiasAttr, gruParamAttr: args.gruParamAttr,
    act: args.act, gateAct: args.gateAct, gruLayerAttr: args.gruLayerAttr,
  });
}
