import { layer, NameScope, type Activation, type BiasAttr, type LayerAttr, type LayerOutput, type ParamAttr } from '@oar/layers';
import {
  activation, biasAttrArg, bool, imageInput, inner, knownKeys, layerAttrArg, layerName, nonNegativeInt, oneOf,
  paramAttrArg, positiveInt,
} from './check.js';

export interface ImgConvBnPoolArgs {
  input: LayerOutput;
  filterSize: number;
  numFilters: number;
  poolSize: number;
  /** Group name; the layers are `${name}_conv`, `${name}_bn` and `${name}_pool`. */
  name?: string;
  /** Default 'max'. */
  poolType?: 'max' | 'avg';
  /** Activation of the batch norm (the convolution is linear); default relu. */
  act?: Activation;
  /** Default 1. */
  groups?: number;
  /** Default 1. */
  convStride?: number;
  /** Default 0. */
  convPadding?: number;
  convBiasAttr?: BiasAttr;
  /** Channels of the input image, when its layer does not say (Paddle's `num_channel`). */
  numChannel?: number;
  convParamAttr?: ParamAttr;
  /** One bias per filter (default) rather than one per output value. */
  sharedBias?: boolean;
  convLayerAttr?: LayerAttr;
  bnParamAttr?: ParamAttr;
  bnBiasAttr?: BiasAttr;
  bnLayerAttr?: LayerAttr;
  /** Default 1. */
  poolStride?: number;
  /** Default 0. */
  poolPadding?: number;
  poolLayerAttr?: LayerAttr;
}

const KEYS = [
  'input', 'filterSize', 'numFilters', 'poolSize', 'name', 'poolType', 'act', 'groups', 'convStride', 'convPadding',
  'convBiasAttr', 'numChannel', 'convParamAttr', 'sharedBias', 'convLayerAttr', 'bnParamAttr', 'bnBiasAttr',
  'bnLayerAttr', 'poolStride', 'poolPadding', 'poolLayerAttr',
];

/** Paddle's default-name prefix of img_conv_bn_pool. */
export const IMG_CONV_BN_POOL_PREFIX = 'conv_bn_pool';

/**
 * Convolution (linear), batch normalisation (with the activation), then image pooling:
 * input → `${name}_conv` → `${name}_bn` → `${name}_pool`.
 * @paddle paddle.networks.img_conv_bn_pool (trainer_config_helpers.networks.img_conv_bn_pool)
 * @example
 * const block = networks.imgConvBnPool({
 *   input: image, numChannel: 3, filterSize: 3, numFilters: 32, convPadding: 1, poolSize: 2, poolStride: 2,
 * });
 */
export function imgConvBnPool(args: ImgConvBnPoolArgs): LayerOutput {
  const where = 'networks.imgConvBnPool';
  knownKeys(where, args, KEYS);
  const input = imageInput(where, 'input', args.input, 'numChannel', args.numChannel);
  const filterSize = positiveInt(where, 'filterSize', args.filterSize);
  const numFilters = positiveInt(where, 'numFilters', args.numFilters);
  const poolSize = positiveInt(where, 'poolSize', args.poolSize);
  const scope = new NameScope(IMG_CONV_BN_POOL_PREFIX, args.name === undefined ? undefined : layerName(where, 'name', args.name));
  const poolType = oneOf(where, 'poolType', args.poolType ?? 'max', ['max', 'avg'] as const);
  const act = activation(where, 'act', args.act ?? 'relu');
  const groups = positiveInt(where, 'groups', args.groups ?? 1);
  const convStride = positiveInt(where, 'convStride', args.convStride ?? 1);
  const convPadding = nonNegativeInt(where, 'convPadding', args.convPadding ?? 0);
  biasAttrArg(where, 'convBiasAttr', args.convBiasAttr);
  paramAttrArg(where, 'convParamAttr', args.convParamAttr);
  const sharedBias = bool(where, 'sharedBias', args.sharedBias ?? true);
  layerAttrArg(where, 'convLayerAttr', args.convLayerAttr);
  paramAttrArg(where, 'bnParamAttr', args.bnParamAttr);
  biasAttrArg(where, 'bnBiasAttr', args.bnBiasAttr);
  layerAttrArg(where, 'bnLayerAttr', args.bnLayerAttr);
  const poolStride = positiveInt(where, 'poolStride', args.poolStride ?? 1);
  const poolPadding = nonNegativeInt(where, 'poolPadding', args.poolPadding ?? 0);
  layerAttrArg(where, 'poolLayerAttr', args.poolLayerAttr);

  const conv = inner(where, 'conv', () => layer.imgConv({
    name: scope.sub('_conv'), input, filterSize, numFilters, act: 'linear', groups, stride: convStride,
    padding: convPadding, sharedBiases: sharedBias,
    ...(args.numChannel !== undefined ? { numChannels: args.numChannel } : {}),
    ...(args.convBiasAttr !== undefined ? { biasAttr: args.convBiasAttr } : {}),
    ...(args.convParamAttr ? { paramAttr: args.convParamAttr } : {}),
    ...(args.convLayerAttr ? { layerAttr: args.convLayerAttr } : {}),
  }));
  const bn = inner(where, 'batch norm', () => layer.batchNorm({
    name: scope.sub('_bn'), input: conv, act,
    ...(args.bnParamAttr ? { paramAttr: args.bnParamAttr } : {}),
    ...(args.bnBiasAttr !== undefined ? { biasAttr: args.bnBiasAttr } : {}),
    ...(args.bnLayerAttr ? { layerAttr: args.bnLayerAttr } : {}),
  }));
  return inner(where, 'pool', () => layer.imgPool({
    name: scope.sub('_pool'), input: bn, poolSize, poolType, stride: poolStride, padding: poolPadding,
    ...(args.poolLayerAttr ? { layerAttr: args.poolLayerAttr } : {}),
  }));
}
