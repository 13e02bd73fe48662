import { layer, NameScope, type Activation, type BiasAttr, type LayerAttr, type LayerOutput, type ParamAttr } from '@oar/layers';
import {
  activation, biasAttrArg, bool, imageInput, inner, knownKeys, layerAttrArg, layerName, nonNegativeInt, oneOf,
  paramAttrArg, positiveInt,
} from './check.js';

export interface SimpleImgConvPoolArgs {
  input: LayerOutput;
  filterSize: number;
  numFilters: number;
  poolSize: number;
  /** Group name; the layers are `${name}_conv` and `${name}_pool`. */
  name?: string;
  /** Default 'max'. */
  poolType?: 'max' | 'avg';
  /** Activation of the convolution; default relu. */
  act?: Activation;
  /** Default 1. */
  groups?: number;
  /** Default 1. */
  convStride?: number;
  /** Default 0. */
  convPadding?: number;
  biasAttr?: BiasAttr;
  /** Channels of the input image, when its layer does not say (Paddle's `num_channel`). */
  numChannel?: number;
  paramAttr?: ParamAttr;
  /** One bias per filter (default) rather than one per output value. */
  sharedBias?: boolean;
  convLayerAttr?: LayerAttr;
  /** Default 1. */
  poolStride?: number;
  /** Default 0. */
  poolPadding?: number;
  poolLayerAttr?: LayerAttr;
}

const KEYS = [
  'input', 'filterSize', 'numFilters', 'poolSize', 'name', 'poolType', 'act', 'groups', 'convStride', 'convPadding',
  'biasAttr', 'numChannel', 'paramAttr', 'sharedBias', 'convLayerAttr', 'poolStride', 'poolPadding', 'poolLayerAttr',
];

/** Paddle's default-name prefix of simple_img_conv_pool. */
export const SIMPLE_IMG_CONV_POOL_PREFIX = 'conv_pool';

/**
 * Image convolution then image pooling: input → `${name}_conv` (act, default relu) → `${name}_pool`.
 * @paddle paddle.networks.simple_img_conv_pool (trainer_config_helpers.networks.simple_img_conv_pool)
 * @example
 * const convPool1 = networks.simpleImgConvPool({
 *   input: image, filterSize: 5, numFilters: 20, numChannel: 1, poolSize: 2, poolStride: 2, act: 'relu',
 * });
 */
export function simpleImgConvPool(args: SimpleImgConvPoolArgs): LayerOutput {
  const where = 'networks.simpleImgConvPool';
  knownKeys(where, args, KEYS);
  const input = imageInput(where, 'input', args.input, 'numChannel', args.numChannel);
  const filterSize = positiveInt(where, 'filterSize', args.filterSize);
  const numFilters = positiveInt(where, 'numFilters', args.numFilters);
  const poolSize = positiveInt(where, 'poolSize', args.poolSize);
  const scope = new NameScope(SIMPLE_IMG_CONV_POOL_PREFIX, args.name === undefined ? undefined : layerName(where, 'name', args.name));
  const poolType = oneOf(where, 'poolType', args.poolType ?? 'max', ['max', 'avg'] as const);
  const act = activation(where, 'act', args.act ?? 'relu');
  const groups = positiveInt(where, 'groups', args.groups ?? 1);
  const convStride = positiveInt(where, 'convStride', args.convStride ?? 1);
  const convPadding = nonNegativeInt(where, 'convPadding', args.convPadding ?? 0);
  biasAttrArg(where, 'biasAttr', args.biasAttr);
  paramAttrArg(where, 'paramAttr', args.paramAttr);
  const sharedBias = bool(where, 'sharedBias', args.sharedBias ?? true);
  layerAttrArg(where, 'convLayerAttr', args.convLayerAttr);
  const poolStride = positiveInt(where, 'poolStride', args.poolStride ?? 1);
  const poolPadding = nonNegativeInt(where, 'poolPadding', args.poolPadding ?? 0);
  layerAttrArg(where, 'poolLayerAttr', args.poolLayerAttr);

  const conv = inner(where, 'conv', () => layer.imgConv({
    name: scope.sub('_conv'), input, filterSize, numFilters, act, groups, stride: convStride, padding: convPadding,
    sharedBiases: sharedBias,
    ...(args.numChannel !== undefined ? { numChannels: args.numChannel } : {}),
    ...(args.biasAttr !== undefined ? { biasAttr: args.biasAttr } : {}),
    ...(args.paramAttr ? { paramAttr: args.paramAttr } : {}),
    ...(args.convLayerAttr ? { layerAttr: args.convLayerAttr } : {}),
  }));
  return inner(where, 'pool', () => layer.imgPool({
    name: scope.sub('_pool'), input: conv, poolSize, poolType, stride: poolStride, padding: poolPadding,
    ...(args.poolLayerAttr ? { layerAttr: args.poolLayerAttr } : {}),
  }));
}
