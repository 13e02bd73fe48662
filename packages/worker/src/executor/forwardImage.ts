import type { ConvConfig, LayerConfig, PoolConfig } from '@oar/layers';
import { activation } from './activation.js';
import { dropout } from './forwardBasic.js';
import type { ForwardContext, LayerForward } from './ForwardContext.js';
import { flat, imageOfConfig, nhwc } from './shapes.js';
import { tf } from './tf.js';
import type { Value } from './Value.js';

const NEG = -1e30;

function imageOut(config: LayerConfig, x: tf.Tensor4D, ctx: ForwardContext, seqFrom: Value): Value {
  let out = activation(config.active_type)(x as unknown as tf.Tensor2D, undefined) as unknown as tf.Tensor4D;
  out = dropout(out, config.drop_rate, ctx);
  const image = imageOfConfig(config)!;
  return seqFrom.seq ? { data: out, image, seq: seqFrom.seq } : { data: out, image };
}

/** Filter [numFilters, C/groups · fy · fx] in Paddle's (out, in, y, x) order, as tfjs's [fy, fx, in, out]. */
function filterOf(param: tf.Tensor, conv: ConvConfig, numFilters: number): tf.Tensor4D {
  return tf.transpose(param.reshape([numFilters, conv.filter_channels, conv.filter_size_y, conv.filter_size]), [2, 3, 1, 0]) as tf.Tensor4D;
}

const exconv: LayerForward = (config, inputs, ctx) => {
  const input = config.inputs[0]!;
  const conv = input.conv_conf!;
  const nf = config.num_filters!;
  const x = nhwc(inputs[0]!, { channels: conv.channels, height: conv.img_size_y, width: conv.img_size });
  const filter = filterOf(ctx.param(input.input_parameter_name!), conv, nf);
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0], [conv.padding_y, conv.padding_y], [conv.padding, conv.padding], [0, 0],
  ];
  const strides: [number, number] = [conv.stride_y, conv.stride];
  let y: tf.Tensor4D;
  if (conv.groups === 1) {
    y = tf.conv2d(x, filter, strides, pad);
  } else {
    const xs = tf.split(x, conv.groups, 3);
    const fs = tf.split(filter, conv.groups, 3);
    y = tf.concat(xs.map((xi, g) => tf.conv2d(xi as tf.Tensor4D, fs[g] as tf.Tensor4D, strides, pad)), 3);
  }
  if (config.bias_parameter_name) {
    const bias = ctx.param(config.bias_parameter_name);
    y = tf.add(y, config.shared_biases === false ? flatBias(bias, config) : bias.reshape([nf])) as tf.Tensor4D;
  }
  return imageOut(config, y, ctx, inputs[0]!);
};

function flatBias(bias: tf.Tensor, config: LayerConfig): tf.Tensor {
  const img = imageOfConfig(config)!;
  return tf.transpose(bias.reshape([img.channels, img.height, img.width]), [1, 2, 0]);
}

/**
 * Pooling with Paddle's window placement: windows start at `o·stride − padding` and are clipped to the
 * image; max ignores padding, average divides by the clipped window's size.
 */
const pool: LayerForward = (config, inputs, ctx) => {
  const p = config.inputs[0]!.pool_conf!;
  const x = nhwc(inputs[0]!, { channels: p.channels, height: p.img_size_y, width: p.img_size });
  const [padB, padR] = [extraPad(p.img_size_y, p.size_y, p.padding_y, p.stride_y, p.output_y), extraPad(p.img_size, p.size_x, p.padding, p.stride, p.output_x)];
  const pads: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0], [p.padding_y, padB], [p.padding, padR], [0, 0],
  ];
  const window: [number, number] = [p.size_y, p.size_x];
  const strides: [number, number] = [p.stride_y, p.stride];
  let y: tf.Tensor4D;
  const padded = (value: number) => (pads.every(([a, b]) => a === 0 && b === 0) ? x : tf.pad(x, pads, value));
  if (p.pool_type === 'max-projection') {
    y = tf.maxPool(padded(NEG), window, strides, 'valid');
  } else if (pads.every(([a, b]) => a === 0 && b === 0)) {
    y = tf.avgPool(x, window, strides, 'valid');
  } else {
    const sums = tf.mul(tf.avgPool(padded(0), window, strides, 'valid'), p.size_x * p.size_y);
    y = tf.div(sums, windowCounts(p)) as tf.Tensor4D;
  }
  return imageOut(config, y, ctx, inputs[0]!);
};

/** Padding after the image so that `output` windows fit (Paddle rounds the output size up). */
function extraPad(img: number, size: number, pad: number, stride: number, out: number): number {
  return Math.max(0, (out - 1) * stride + size - img - pad);
}

function windowCounts(p: PoolConfig): tf.Tensor {
  const counts = new Float32Array(p.output_y * p.output_x);
  for (let oy = 0; oy < p.output_y; oy++) {
    const h = Math.min(oy * p.stride_y - p.padding_y + p.size_y, p.img_size_y) - Math.max(oy * p.stride_y - p.padding_y, 0);
    for (let ox = 0; ox < p.output_x; ox++) {
      const w = Math.min(ox * p.stride - p.padding + p.size_x, p.img_size) - Math.max(ox * p.stride - p.padding, 0);
      counts[oy * p.output_x + ox] = Math.max(1, h * w);
    }
  }
  return tf.tensor4d(counts, [1, p.output_y, p.output_x, 1]);
}

const EPSILON = 1e-5;

/** Batch norm over N (and H, W for images); moving statistics are updated as static parameters. */
const batchNorm: LayerForward = (config, inputs, ctx) => {
  const [scaleIn, meanIn, varIn] = config.inputs;
  const conf = scaleIn!.image_conf!;
  const isImage = inputs[0]!.image !== undefined || config.height !== undefined;
  const x = isImage ? nhwc(inputs[0]!, { channels: conf.channels, height: conf.img_size_y, width: conf.img_size }) : flat(inputs[0]!);
  const c = conf.channels;
  const axes = isImage ? [0, 1, 2] : [0];
  const movingMean = ctx.param(meanIn!.input_parameter_name!).reshape([c]);
  const movingVar = ctx.param(varIn!.input_parameter_name!).reshape([c]);
  let mean: tf.Tensor;
  let variance: tf.Tensor;
  if (ctx.training && !config.use_global_stats) {
    ({ mean, variance } = tf.moments(x, axes));
    const f = config.moving_average_fraction ?? 0.9;
    ctx.setStatic(meanIn!.input_parameter_name!, tf.add(tf.mul(movingMean, f), tf.mul(mean, 1 - f)).reshape([1, c]));
    ctx.setStatic(varIn!.input_parameter_name!, tf.add(tf.mul(movingVar, f), tf.mul(variance, 1 - f)).reshape([1, c]));
  } else {
    mean = movingMean;
    variance = movingVar;
  }
  const scale = ctx.param(scaleIn!.input_parameter_name!).reshape([c]);
  const offset = config.bias_parameter_name ? ctx.param(config.bias_parameter_name).reshape([c]) : tf.zeros([c]);
  // Folded per channel: y = x·a + b with a = γ / sqrt(σ² + ε), b = β − μ·a (two passes over x, not four).
  const a = tf.div(scale, tf.sqrt(tf.add(variance, EPSILON)));
  const b = tf.sub(offset, tf.mul(mean, a));
  const y = tf.add(tf.mul(x, a), b);
  if (isImage) return imageOut(config, y as tf.Tensor4D, ctx, inputs[0]!);
  let out = activation(config.active_type)(y as tf.Tensor2D, inputs[0]!.seq);
  out = dropout(out, config.drop_rate, ctx);
  return inputs[0]!.seq ? { data: out, seq: inputs[0]!.seq } : { data: out };
};

/**
 * Paddle's cross-map response normalisation: x · (1 + scale · Σ x²)^(−pow), the sum over channels c + s for s in
 * [−⌊(size−1)/2⌋, size − ⌊(size−1)/2⌋) within the image (`scale` is already divided by size in the config).
 */
const norm: LayerForward = (config, inputs, ctx) => {
  const n = config.inputs[0]!.norm_conf!;
  const x = nhwc(inputs[0]!, { channels: n.channels, height: n.img_size_y, width: n.img_size });
  const [b, h, w, c] = x.shape;
  const start = -Math.trunc((n.size - 1) / 2);
  const band = new Float32Array(c * c);
  for (let k = 0; k < c; k++) for (let j = 0; j < c; j++) if (k - j >= start && k - j < start + n.size) band[k * c + j] = 1;
  const sums = tf.matMul(tf.square(x).reshape([b * h * w, c]), tf.tensor2d(band, [c, c]));
  const denoms = tf.pow(tf.add(tf.mul(sums, n.scale), 1), -n.pow).reshape([b, h, w, c]);
  return imageOut(config, tf.mul(x, denoms) as tf.Tensor4D, ctx, inputs[0]!);
};

export const imageForwards: Record<string, LayerForward> = { exconv, pool, batch_norm: batchNorm, norm };
