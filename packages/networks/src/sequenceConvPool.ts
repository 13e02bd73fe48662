import {
  ConfigError, layer, NameScope, type Activation, type BiasAttr, type LayerAttr, type LayerOutput, type ParamAttr,
  type PoolingType,
} from '@oar/layers';
import {
  activation, biasAttrArg, denseLayerArg, inner, integer, knownKeys, layerAttrArg, layerName, oneOf, paramAttrArg,
  positiveInt,
} from './check.js';

export interface SequenceConvPoolArgs {
  /** A sequence of dense rows (word embeddings, say). */
  input: LayerOutput;
  /** Rows per window of the context projection. */
  contextLen: number;
  /** Size of the fc layer: the number of filters. */
  hiddenSize: number;
  /** Name of the output (pooling) layer; the inner layers are `${name}_conv_proj` and `${name}_conv_fc`. */
  name?: string;
  /** Offset of the window's first row; default `floor(-(contextLen - 1) / 2)`, as Paddle computes it. */
  contextStart?: number;
  /** Default 'max'. */
  poolType?: PoolingType;
  contextProjLayerName?: string;
  /** Padding rows of the context projection: false (default) zeros, true or a paramAttr learned. */
  contextProjParamAttr?: ParamAttr | boolean;
  fcLayerName?: string;
  fcParamAttr?: ParamAttr;
  fcBiasAttr?: BiasAttr;
  /** Default tanh. */
  fcAct?: Activation;
  fcAttr?: LayerAttr;
  contextAttr?: LayerAttr;
}

const KEYS = [
  'input', 'contextLen', 'hiddenSize', 'name', 'contextStart', 'poolType', 'contextProjLayerName', 'contextProjParamAttr',
  'fcLayerName', 'fcParamAttr', 'fcBiasAttr', 'fcAct', 'fcAttr', 'contextAttr',
];

/** Paddle's default-name prefix of sequence_conv_pool (and of its alias text_conv_pool). */
export const SEQUENCE_CONV_POOL_PREFIX = 'sequence_conv_pooling';

/**
 * Text convolution: a context projection gathers `contextLen` rows around every row of the sequence, an fc
 * layer maps each window to `hiddenSize` features, and a sequence pooling keeps one vector per sequence:
 * `out = pool_t act(W [x_{t+s}; …; x_{t+s+contextLen−1}] + b)` with `s = contextStart`.
 * @paddle paddle.networks.sequence_conv_pool (trainer_config_helpers.networks.sequence_conv_pool)
 * @example
 * const emb = layer.embedding({ input: words, size: 128 });
 * const conv3 = networks.sequenceConvPool({ input: emb, contextLen: 3, hiddenSize: 128 });
 */
export function sequenceConvPool(args: SequenceConvPoolArgs): LayerOutput {
  return buildSequenceConvPool('networks.sequenceConvPool', args);
}

/** Shared by sequenceConvPool and its alias textConvPool; `where` names the one the user called. */
export function buildSequenceConvPool(where: string, args: SequenceConvPoolArgs): LayerOutput {
  knownKeys(where, args, KEYS);
  const input = denseLayerArg(where, 'input', args.input);
  if (input.seqLevel === 0) throw new ConfigError(`${where}: input must be a sequence, got ${input.describe()}`);
  const contextLen = positiveInt(where, 'contextLen', args.contextLen);
  const hiddenSize = positiveInt(where, 'hiddenSize', args.hiddenSize);
  const scope = new NameScope(SEQUENCE_CONV_POOL_PREFIX, args.name === undefined ? undefined : layerName(where, 'name', args.name));
  // Paddle (Python 2) computes -(len - 1) / 2 with floor division: -2 for a window of 4, not -1.
  // Written as 0 - ceil(...) so that a window of 1 starts at 0, not -0.
  const contextStart = args.contextStart === undefined ? 0 - Math.ceil((contextLen - 1) / 2) : integer(where, 'contextStart', args.contextStart);
  const poolType = oneOf(where, 'poolType', args.poolType ?? 'max', ['max', 'avg', 'sum'] as const);
  const padding = args.contextProjParamAttr ?? false;
  if (typeof padding !== 'boolean') paramAttrArg(where, 'contextProjParamAttr', padding);
  paramAttrArg(where, 'fcParamAttr', args.fcParamAttr);
  biasAttrArg(where, 'fcBiasAttr', args.fcBiasAttr);
  const fcAct = activation(where, 'fcAct', args.fcAct ?? 'tanh');
  layerAttrArg(where, 'fcAttr', args.fcAttr);
  layerAttrArg(where, 'contextAttr', args.contextAttr);
  const projName = args.contextProjLayerName === undefined ? scope.sub('_conv_proj') : layerName(where, 'contextProjLayerName', args.contextProjLayerName);
  const fcName = args.fcLayerName === undefined ? scope.sub('_conv_fc') : layerName(where, 'fcLayerName', args.fcLayerName);

  const windows = inner(where, 'context projection', () => layer.mixed({
    name: projName, size: input.size * contextLen, act: 'linear',
    input: layer.contextProjection({ input, contextLen, contextStart, paddingAttr: padding }),
    ...(args.contextAttr ? { layerAttr: args.contextAttr } : {}),
  }));
  const hidden = inner(where, 'fc', () => layer.fc({
    name: fcName, input: windows, size: hiddenSize, act: fcAct,
    ...(args.fcParamAttr ? { paramAttr: args.fcParamAttr } : {}),
    ...(args.fcBiasAttr !== undefined ? { biasAttr: args.fcBiasAttr } : {}),
    ...(args.fcAttr ? { layerAttr: args.fcAttr } : {}),
  }));
  return inner(where, 'pooling', () => layer.pooling({ name: scope.sub(), input: hidden, poolingType: poolType }));
}
