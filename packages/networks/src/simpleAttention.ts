import { ConfigError, layer, type Activation, type LayerOutput, type ParamAttr } from '@oar/layers';
import { denseLayerArg, inner } from './check.js';
import { checkOptions, helperScope } from './recurrentArgs.js';

export interface SimpleAttentionArgs {
  /** The encoder's output sequence h_j (a static input of the decoder's group). */
  encodedSequence: LayerOutput;
  /** `U_a h_j` for every j, computed once outside the group (a static input too); size of `decoderState`. */
  encodedProj: LayerOutput;
  /** The decoder's previous state s (a memory of the step). */
  decoderState: LayerOutput;
  /** The weight W_a of `decoderState`. */
  transformParamAttr?: ParamAttr;
  /** The weight v of the attention scores. */
  softmaxParamAttr?: ParamAttr;
  /** f in `e_j = v · f(W_a s + U_a h_j)`; default tanh. */
  weightAct?: Activation;
  /** Prefix of the inner layers `${name}_transform`, `_expand`, `_combine`, `_softmax`, `_scaling`, `_pooling`. */
  name?: string;
}

/**
 * Bahdanau attention inside a decoder step: `e_j = v · weightAct(W_a s + U_a h_j)`, `α = sequence_softmax(e)`,
 * `c = Σ_j α_j h_j` — a context vector of the encoded sequence's size. Layers: `${name}_transform` (W_a s),
 * `${name}_expand` (to every j), `${name}_combine` (+ U_a h_j, weightAct), `${name}_softmax` (v·, no bias,
 * sequence softmax), `${name}_scaling` (α_j h_j) and `${name}_pooling` (the sum, named so the context is).
 * @paddle paddle.networks.simple_attention (trainer_config_helpers.networks.simple_attention)
 * @example
 * const context = networks.simpleAttention({ encodedSequence: encVec, encodedProj: encProj, decoderState: decoderMem });
 */
export function simpleAttention(args: SimpleAttentionArgs): LayerOutput {
  const where = 'networks.simpleAttention';
  checkOptions(where, args, ['encodedSequence', 'encodedProj', 'decoderState', 'transformParamAttr', 'softmaxParamAttr', 'weightAct', 'name'], {
    acts: ['weightAct'], params: ['transformParamAttr', 'softmaxParamAttr'],
  });
  const encoded = denseLayerArg(where, 'encodedSequence', args.encodedSequence);
  const proj = denseLayerArg(where, 'encodedProj', args.encodedProj);
  const state = denseLayerArg(where, 'decoderState', args.decoderState);
  if (encoded.seqLevel !== 1 || proj.seqLevel !== 1) {
    throw new ConfigError(`${where}: encodedSequence and encodedProj must be sequences (static inputs of the step), got ${encoded.describe()} and ${proj.describe()}`);
  }
  if (state.seqLevel !== 0) throw new ConfigError(`${where}: decoderState must be one row per sequence (a memory of the step), got ${state.describe()}`);
  const scope = helperScope(where, 'simple_attention', args.name);
  const transformed = inner(where, 'transform', () => layer.mixed({
    name: scope.sub('_transform'), size: proj.size, input: layer.fullMatrixProjection({ input: state, paramAttr: args.transformParamAttr }),
  }));
  const expanded = inner(where, 'expand', () => layer.expand({ name: scope.sub('_expand'), input: transformed, expandAs: encoded }));
  const combined = inner(where, 'combine', () => layer.mixed({
    name: scope.sub('_combine'), size: proj.size, act: args.weightAct ?? 'tanh',
    input: [layer.identityProjection({ input: expanded }), layer.identityProjection({ input: proj })],
  }));
  const weight = inner(where, 'softmax', () => layer.fc({
    name: scope.sub('_softmax'), input: combined, size: 1, act: 'sequenceSoftmax', paramAttr: args.softmaxParamAttr, biasAttr: false,
  }));
  const scaled = inner(where, 'scaling', () => layer.scaling({ name: scope.sub('_scaling'), weight, input: encoded }));
  return inner(where, 'pooling', () => layer.pooling({ name: scope.sub('_pooling'), input: scaled, poolingType: 'sum' }));
}
