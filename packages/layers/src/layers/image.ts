import type { LayerName } from '../NameScope.js';
import { activeType, type Activation } from '../activation.js';
import { asBiasAttr, asLayerAttr, asLayerAttrWithoutDrop, asParamAttr, type BiasAttr, type LayerAttr, type ParamAttr } from '../attrs.js';
import { bool, finiteNumber, inRange, knownKeys, nonNegativeInt, oneOf, optionalName, positiveInt } from '../check.js';
import type { ConvConfig, NormConfig, PoolConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import { asLayer, denseInput } from '../inputs.js';
import { LayerOutput, type ImageShape } from '../LayerOutput.js';

/** The image shape of a layer: known from upstream, or from `numChannels` with a square image. */
export function imageShape(where: string, input: LayerOutput, numChannels: unknown): ImageShape {
  if (input.image && (numChannels === undefined || numChannels === input.image.channels)) return input.image;
  if (input.image) {
    throw new ConfigError(`${where}: numChannels ${numChannels} contradicts the input's ${input.image.channels} channels (${input.describe()})`);
  }
  if (numChannels === undefined) {
    throw new ConfigError(`${where}: numChannels is needed: the input ${input.describe()} has no image shape (give the data layer height and width)`);
  }
  const channels = positiveInt(where, 'numChannels', numChannels);
  const side = Math.round(Math.sqrt(input.size / channels));
  if (side * side * channels !== input.size) {
    throw new ConfigError(`${where}: input size ${input.size} is not numChannels (${channels}) times a square image; give the data layer height and width`);
  }
  return { channels, height: side, width: side };
}

function outputSize(img: number, filter: number, pad: number, stride: number, ceil: boolean): number {
  return ceil ? 1 + Math.ceil((img + 2 * pad - filter) / stride) : 1 + Math.floor((img + 2 * pad - filter) / stride);
}

export interface ImgConvArgs {
  input: LayerOutput;
  filterSize: number;
  numFilters: number;
  numChannels?: number;
  filterSizeY?: number;
  stride?: number;
  strideY?: number;
  padding?: number;
  paddingY?: number;
  groups?: number;
  /** Default relu, as in Paddle. */
  act?: Activation;
  name?: LayerName;
  paramAttr?: ParamAttr;
  biasAttr?: BiasAttr;
  /** One bias per filter (default) rather than per output value. */
  sharedBiases?: boolean;
  layerAttr?: LayerAttr;
}

/**
 * 2-D convolution over CHW images (Paddle's layout); output size `numFilters · outH · outW`, with
 * `out = 1 + floor((img + 2·padding − filter) / stride)`.
 * @paddle paddle.layer.img_conv (img_conv_layer)
 * @example
 * const conv = layer.imgConv({ input: pixel, filterSize: 5, numFilters: 20, numChannels: 1 });
 */
export function imgConv(args: ImgConvArgs): LayerOutput {
  const where = 'layer.imgConv';
  knownKeys(where, args, ['input', 'filterSize', 'numFilters', 'numChannels', 'filterSizeY', 'stride', 'strideY', 'padding', 'paddingY', 'groups', 'act', 'name', 'paramAttr', 'biasAttr', 'sharedBiases', 'layerAttr']);
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  const img = imageShape(where, input, args.numChannels);
  const fx = positiveInt(where, 'filterSize', args.filterSize);
  const fy = args.filterSizeY === undefined ? fx : positiveInt(where, 'filterSizeY', args.filterSizeY);
  const numFilters = positiveInt(where, 'numFilters', args.numFilters);
  const sx = args.stride === undefined ? 1 : positiveInt(where, 'stride', args.stride);
  const sy = args.strideY === undefined ? sx : positiveInt(where, 'strideY', args.strideY);
  const px = args.padding === undefined ? 0 : nonNegativeInt(where, 'padding', args.padding);
  const py = args.paddingY === undefined ? px : nonNegativeInt(where, 'paddingY', args.paddingY);
  const groups = args.groups === undefined ? 1 : positiveInt(where, 'groups', args.groups);
  if (img.channels % groups !== 0 || numFilters % groups !== 0) {
    throw new ConfigError(`${where}: groups must divide both the input channels (${img.channels}) and numFilters (${numFilters}), got ${groups}`);
  }
  const ox = outputSize(img.width, fx, px, sx, false);
  const oy = outputSize(img.height, fy, py, sy, false);
  if (ox < 1 || oy < 1) {
    throw new ConfigError(`${where}: filter ${fy}x${fx} with padding ${py},${px} does not fit the ${img.height}x${img.width} input image`);
  }
  const act = activeType(where, args.act, 'relu');
  const name = optionalName(where, args.name);
  const attr = asParamAttr(where, 'paramAttr', args.paramAttr);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, true);
  const shared = bool(where, 'sharedBiases', args.sharedBiases, true);
  const drop = asLayerAttr(where, args.layerAttr)?.dropRate;
  const filterChannels = img.channels / groups;
  const conv: ConvConfig = {
    filter_size: fx, filter_size_y: fy, channels: img.channels, stride: sx, stride_y: sy, padding: px, padding_y: py,
    groups, filter_channels: filterChannels, output_x: ox, output_y: oy, img_size: img.width, img_size_y: img.height,
    caffe_mode: true,
  };
  const size = numFilters * ox * oy;
  return new LayerOutput({
    prefix: 'conv', ...(name ? { name } : {}), size, seqLevel: input.seqLevel, inputs: [input], activation: act,
    image: { channels: numFilters, height: oy, width: ox },
    emit: (ctx) => ({
      type: 'exconv', size, active_type: act,
      inputs: [{
        input_layer_name: ctx.nameOf(input),
        input_parameter_name: ctx.param('w0', attr, [numFilters, filterChannels * fy * fx], {
          std: Math.sqrt(2 / (fx * fy * img.channels)),
        }),
        conv_conf: conv,
      }],
      ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, shared ? [numFilters, 1] : [size, 1], { std: 0 }) } : {}),
      num_filters: numFilters, shared_biases: shared, height: oy, width: ox,
      ...(drop ? { drop_rate: drop } : {}),
    }),
  });
}

export interface ImgPoolArgs {
  input: LayerOutput;
  poolSize: number;
  poolSizeY?: number;
  /** Default max. */
  poolType?: 'max' | 'avg';
  numChannels?: number;
  /** Default 1, as in Paddle. */
  stride?: number;
  strideY?: number;
  padding?: number;
  paddingY?: number;
  name?: LayerName;
  layerAttr?: LayerAttr;
}

/**
 * Max or average pooling over image windows, with Paddle's ceil rounding:
 * `out = 1 + ceil((img + 2·padding − poolSize) / stride)`.
 * @paddle paddle.layer.img_pool (img_pool_layer)
 * @example
 * const pooled = layer.imgPool({ input: conv, poolSize: 2, stride: 2 });
 */
export function imgPool(args: ImgPoolArgs): LayerOutput {
  const where = 'layer.imgPool';
  knownKeys(where, args, ['input', 'poolSize', 'poolSizeY', 'poolType', 'numChannels', 'stride', 'strideY', 'padding', 'paddingY', 'name', 'layerAttr']);
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  const img = imageShape(where, input, args.numChannels);
  const kx = positiveInt(where, 'poolSize', args.poolSize);
  const ky = args.poolSizeY === undefined ? kx : positiveInt(where, 'poolSizeY', args.poolSizeY);
  const sx = args.stride === undefined ? 1 : positiveInt(where, 'stride', args.stride);
  const sy = args.strideY === undefined ? sx : positiveInt(where, 'strideY', args.strideY);
  const px = args.padding === undefined ? 0 : nonNegativeInt(where, 'padding', args.padding);
  const py = args.paddingY === undefined ? px : nonNegativeInt(where, 'paddingY', args.paddingY);
  if (px >= kx || py >= ky) throw new ConfigError(`${where}: padding must be smaller than poolSize, got padding ${py},${px} for pool ${ky}x${kx}`);
  const type = oneOf(where, 'poolType', args.poolType ?? 'max', ['max', 'avg'] as const);
  const ox = outputSize(img.width, kx, px, sx, true);
  const oy = outputSize(img.height, ky, py, sy, true);
  if (ox < 1 || oy < 1) throw new ConfigError(`${where}: pool ${ky}x${kx} does not fit the ${img.height}x${img.width} input image`);
  const name = optionalName(where, args.name);
  const drop = asLayerAttr(where, args.layerAttr)?.dropRate;
  const pool: PoolConfig = {
    pool_type: type === 'max' ? 'max-projection' : 'avg-projection', channels: img.channels, size_x: kx, size_y: ky,
    stride: sx, stride_y: sy, padding: px, padding_y: py, img_size: img.width, img_size_y: img.height, output_x: ox, output_y: oy,
  };
  const size = img.channels * ox * oy;
  return new LayerOutput({
    prefix: 'pool', ...(name ? { name } : {}), size, seqLevel: input.seqLevel, inputs: [input],
    image: { channels: img.channels, height: oy, width: ox },
    emit: (ctx) => ({
      type: 'pool', size, active_type: '', inputs: [{ input_layer_name: ctx.nameOf(input), pool_conf: pool }],
      height: oy, width: ox, ...(drop ? { drop_rate: drop } : {}),
    }),
  });
}

export interface BatchNormArgs {
  input: LayerOutput;
  /** Default relu, as in Paddle. */
  act?: Activation;
  numChannels?: number;
  name?: LayerName;
  paramAttr?: ParamAttr;
  biasAttr?: BiasAttr;
  /** Use the moving mean and variance in training too (they are always used in inference). */
  useGlobalStats?: boolean;
  movingAverageFraction?: number;
  layerAttr?: LayerAttr;
}

/**
 * Batch normalisation per channel (per column for non-image inputs), with moving statistics for inference:
 * `y = act(γ (x − μ) / sqrt(σ² + ε) + β)`, moving μ ← f·μ + (1 − f)·μ_batch.
 * @paddle paddle.layer.batch_norm (batch_norm_layer)
 * @example
 * const bn = layer.batchNorm({ input: conv, act: 'relu' });
 */
export function batchNorm(args: BatchNormArgs): LayerOutput {
  const where = 'layer.batchNorm';
  knownKeys(where, args, ['input', 'act', 'numChannels', 'name', 'paramAttr', 'biasAttr', 'useGlobalStats', 'movingAverageFraction', 'layerAttr']);
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  const img = input.image || args.numChannels !== undefined ? imageShape(where, input, args.numChannels) : { channels: input.size, height: 1, width: 1 };
  const act = activeType(where, args.act, 'relu');
  const name = optionalName(where, args.name);
  const attr = asParamAttr(where, 'paramAttr', args.paramAttr);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, true);
  const fraction = args.movingAverageFraction === undefined ? 0.9 : inRange(where, 'movingAverageFraction', args.movingAverageFraction, 0, 1);
  const globalStats = args.useGlobalStats === undefined ? undefined : bool(where, 'useGlobalStats', args.useGlobalStats, false);
  const drop = asLayerAttr(where, args.layerAttr)?.dropRate;
  const c = img.channels;
  return new LayerOutput({
    prefix: 'batch_norm', ...(name ? { name } : {}), size: input.size, seqLevel: input.seqLevel, inputs: [input], activation: act,
    ...(input.image ? { image: input.image } : {}),
    emit: (ctx) => {
      const inputName = ctx.nameOf(input);
      return {
        type: 'batch_norm', size: input.size, active_type: act,
        inputs: [
          { input_layer_name: inputName, input_parameter_name: ctx.param('w0', attr, [1, c], { mean: 1, std: 0 }),
            image_conf: { channels: c, img_size: img.width, img_size_y: img.height } },
          { input_layer_name: inputName, input_parameter_name: ctx.param('w1', undefined, [1, c], { std: 0, isStatic: true }) },
          { input_layer_name: inputName, input_parameter_name: ctx.param('w2', undefined, [1, c], { std: 0, isStatic: true }) },
        ],
        ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, [1, c], { std: 0 }) } : {}),
        moving_average_fraction: fraction,
        ...(globalStats !== undefined ? { use_global_stats: globalStats } : {}),
        ...(input.image ? { height: img.height, width: img.width } : {}),
        ...(drop ? { drop_rate: drop } : {}),
      };
    },
  });
}

export interface ImgCmrnormArgs {
  input: LayerOutput;
  /** Channels in the normalisation window. */
  size: number;
  /** Default 0.0128 (Paddle's); the config holds `scale / size`. */
  scale?: number;
  /** Default 0.75. */
  power?: number;
  numChannels?: number;
  name?: LayerName;
  /** Paddle's img_cmrnorm_layer takes no dropout. */
  layerAttr?: LayerAttr;
}

/**
 * Cross-map response normalisation: each value divided by `(1 + scale/size · Σ x²)^power`, the sum over the
 * `size` channels around its own (channels c − ⌊(size−1)/2⌋ … c + ⌊size/2⌋, clipped), at the same pixel.
 * @paddle paddle.layer.img_cmrnorm (img_cmrnorm_layer)
 * @example
 * const normed = layer.imgCmrnorm({ input: conv, size: 5 });
 */
export function imgCmrnorm(args: ImgCmrnormArgs): LayerOutput {
  const where = 'layer.imgCmrnorm';
  knownKeys(where, args, ['input', 'size', 'scale', 'power', 'numChannels', 'name', 'layerAttr']);
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  const img = imageShape(where, input, args.numChannels);
  const size = positiveInt(where, 'size', args.size);
  const scale = args.scale === undefined ? 0.0128 : finiteNumber(where, 'scale', args.scale);
  const power = args.power === undefined ? 0.75 : finiteNumber(where, 'power', args.power);
  const name = optionalName(where, args.name);
  asLayerAttrWithoutDrop(where, 'layerAttr', args.layerAttr);
  const norm: NormConfig = {
    norm_type: 'cmrnorm-projection', channels: img.channels, size, scale: scale / size, pow: power, output_x: img.width,
    img_size: img.width, blocked: false, output_y: img.height, img_size_y: img.height,
  };
  return new LayerOutput({
    prefix: 'crmnorm', ...(name ? { name } : {}), size: input.size, seqLevel: input.seqLevel, inputs: [input], image: img,
    emit: (ctx) => ({
      type: 'norm', size: input.size, active_type: '', inputs: [{ input_layer_name: ctx.nameOf(input), norm_conf: norm }],
      height: img.height, width: img.width,
    }),
  });
}
