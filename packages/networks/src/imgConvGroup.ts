import { ConfigError, layer, layerAttr, type Activation, type LayerOutput, type ParamAttr } from '@oar/layers';
import {
  activation, bool, imageInput, inner, knownKeys, nonNegativeInt, oneOf, paramAttrArg, perLayer, positiveInt, rate, show,
} from './check.js';

export interface ImgConvGroupArgs {
  input: LayerOutput;
  /** Filters of each convolution, in order: `[64, 64]` makes two conv layers. */
  convNumFilter: number[];
  poolSize: number;
  /** Channels of the input image, when its layer does not say (used by the first convolution). */
  numChannels?: number;
  /** One value or one per conv layer; default 1. */
  convPadding?: number | number[];
  /** One value or one per conv layer; default 3. */
  convFilterSize?: number | number[];
  /** One value or one per conv layer; default relu. */
  convAct?: Activation | Activation[];
  /** One value or one per conv layer; default false. With batch norm the conv is linear and the norm takes convAct. */
  convWithBatchnorm?: boolean | boolean[];
  /** One value or one per conv layer; dropout on the batch norm's output (needs convWithBatchnorm), default 0 (none). */
  convBatchnormDropRate?: number | number[];
  /** Default 1. */
  poolStride?: number;
  /** Default 'max'. */
  poolType?: 'max' | 'avg';
  /** Parameter attribute of every convolution's weight. */
  paramAttr?: ParamAttr;
}

const KEYS = [
  'input', 'convNumFilter', 'poolSize', 'numChannels', 'convPadding', 'convFilterSize', 'convAct', 'convWithBatchnorm',
  'convBatchnormDropRate', 'poolStride', 'poolType', 'paramAttr',
];

/** Paddle leaves out a dropout rate below this as "not set". */
const NO_DROPOUT = 1e-5;

/**
 * A VGG block: convolutions in a row (each optionally followed by batch norm and dropout), then one image
 * pooling. The layers take default names (`__conv_N__`, `__batch_norm_N__`, `__pool_N__`), as in Paddle.
 * @paddle paddle.networks.img_conv_group (trainer_config_helpers.networks.img_conv_group)
 * @example
 * const block = networks.imgConvGroup({
 *   input: image, numChannels: 3, convNumFilter: [64, 64], convWithBatchnorm: true,
 *   convBatchnormDropRate: [0.3, 0], poolSize: 2, poolStride: 2,
 * });
 */
export function imgConvGroup(args: ImgConvGroupArgs): LayerOutput {
  const where = 'networks.imgConvGroup';
  knownKeys(where, args, KEYS);
  const input = imageInput(where, 'input', args.input, 'numChannels', args.numChannels);
  if (!Array.isArray(args.convNumFilter) || args.convNumFilter.length === 0) {
    throw new ConfigError(`${where}: convNumFilter must be a non-empty list of filter counts (one per conv layer), got ${show(args.convNumFilter)}`);
  }
  const filters = args.convNumFilter.map((n, i) => positiveInt(where, `convNumFilter[${i}]`, n));
  const count = filters.length;
  const poolSize = positiveInt(where, 'poolSize', args.poolSize);
  const paddings = perLayer(where, 'convPadding', args.convPadding ?? 1, count, (v, a) => nonNegativeInt(where, a, v));
  const sizes = perLayer(where, 'convFilterSize', args.convFilterSize ?? 3, count, (v, a) => positiveInt(where, a, v));
  const acts = perLayer<Activation>(where, 'convAct', args.convAct ?? 'relu', count, (v, a) => activation(where, a, v));
  const withBn = perLayer(where, 'convWithBatchnorm', args.convWithBatchnorm ?? false, count, (v, a) => bool(where, a, v));
  const drops = perLayer(where, 'convBatchnormDropRate', args.convBatchnormDropRate ?? 0, count, (v, a) => rate(where, a, v));
  drops.forEach((d, i) => {
    if (d >= NO_DROPOUT && !withBn[i]) {
      throw new ConfigError(`${where}: convBatchnormDropRate[${i}] is ${d} but conv layer ${i} has no batch norm to drop from (convWithBatchnorm[${i}] is false)`);
    }
  });
  const poolStride = positiveInt(where, 'poolStride', args.poolStride ?? 1);
  const poolType = oneOf(where, 'poolType', args.poolType ?? 'max', ['max', 'avg'] as const);
  paramAttrArg(where, 'paramAttr', args.paramAttr);

  let out = input;
  filters.forEach((numFilters, i) => {
    const conv = inner(where, `conv ${i}`, () => layer.imgConv({
      input: out, numFilters, filterSize: sizes[i]!, padding: paddings[i]!, act: withBn[i] ? 'linear' : acts[i]!,
      ...(i === 0 && args.numChannels !== undefined ? { numChannels: args.numChannels } : {}),
      ...(args.paramAttr ? { paramAttr: args.paramAttr } : {}),
    }));
    out = !withBn[i] ? conv : inner(where, `batch norm ${i}`, () => layer.batchNorm({
      input: conv, act: acts[i]!, ...(drops[i]! >= NO_DROPOUT ? { layerAttr: layerAttr({ dropRate: drops[i]! }) } : {}),
    }));
  });
  return inner(where, 'pool', () => layer.imgPool({ input: out, poolSize, stride: poolStride, poolType }));
}
