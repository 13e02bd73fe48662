import type { LayerConfig, LayerInputConfig, ProjectionConfig } from '@oar/layers';
import { CompileError, DataError } from '../errors.js';
import { activation } from './activation.js';
import type { ForwardContext, LayerForward } from './ForwardContext.js';
import { contextIndex } from './SeqInfo.js';
import { flat, int32 } from './shapes.js';
import { tf } from './tf.js';
import type { Value } from './Value.js';

/** Output of a dense layer: sequence layout from the first sequence input, then bias, activation, dropout. */
export function finish(config: LayerConfig, sum: tf.Tensor2D, inputs: Value[], ctx: ForwardContext): Value {
  let out = sum;
  if (config.bias_parameter_name) out = tf.add(out, ctx.param(config.bias_parameter_name)) as tf.Tensor2D;
  const seq = inputs.find((v) => v.seq)?.seq;
  out = activation(config.active_type)(out, seq);
  out = dropout(out, config.drop_rate, ctx);
  return seq ? { data: out, seq } : { data: out };
}

/** Inverted dropout: kept values are scaled by 1 / (1 − rate) in training; inference is the identity. */
export function dropout<T extends tf.Tensor>(x: T, rate: number | undefined, ctx: ForwardContext): T {
  if (!rate || !ctx.training) return x;
  const keep = tf.step(tf.sub(tf.randomUniform(x.shape, 0, 1, 'float32', ctx.nextSeed()), rate));
  return tf.mul(x, tf.mul(keep, 1 / (1 - rate))) as T;
}

function project(input: LayerInputConfig, value: Value, ctx: ForwardContext, rows: number): tf.Tensor2D {
  const proj = input.proj_conf as ProjectionConfig;
  switch (proj.type) {
    case 'fc':
      return tf.matMul(flat(value), ctx.param(input.input_parameter_name!) as tf.Tensor2D);
    case 'trans_fc':
      return tf.matMul(flat(value), ctx.param(input.input_parameter_name!) as tf.Tensor2D, false, true);
    case 'table':
      return tableLookup(input.input_parameter_name!, value, ctx);
    case 'identity':
      return flat(value);
    case 'identity_offset':
      return tf.slice(flat(value), [0, proj.offset!], [rows, proj.output_size]);
    case 'dot_mul':
      return tf.mul(flat(value), ctx.param(input.input_parameter_name!)) as tf.Tensor2D;
    case 'scaling':
      return tf.mul(flat(value), ctx.param(input.input_parameter_name!).reshape([])) as tf.Tensor2D;
    case 'context':
      return contextProject(proj, input, value, ctx);
    default:
      throw new CompileError(`mixed: unknown projection type ${JSON.stringify((proj as ProjectionConfig).type)}`);
  }
}

function tableLookup(paramName: string, value: Value, ctx: ForwardContext): tf.Tensor2D {
  if (!value.ids) throw new DataError(`table projection over ${paramName} needs integer ids`);
  const { rows, local } = ctx.tableRows(paramName, value.ids);
  return tf.gather(rows, int32(local));
}

function contextProject(proj: ProjectionConfig, input: LayerInputConfig, value: Value, ctx: ForwardContext): tf.Tensor2D {
  if (!value.seq) throw new DataError('context projection needs a sequence input');
  const x = flat(value);
  const [rows, dim] = x.shape;
  const trainable = proj.trainable_padding === true;
  const pad: tf.Tensor2D = trainable ? (ctx.param(input.input_parameter_name!) as tf.Tensor2D) : tf.zeros([1, dim]);
  const len = proj.context_length!;
  const index = contextIndex(value.seq.starts, proj.context_start!, len, trainable);
  return tf.gather(tf.concat([x, pad as tf.Tensor2D]), int32(index)).reshape([rows, len * dim]);
}

const mixed: LayerForward = (config, inputs, ctx) => {
  const rows = flatRows(inputs[0]!);
  const terms: tf.Tensor2D[] = [];
  config.inputs.forEach((input, i) => {
    if (input.proj_conf) terms.push(project(input, inputs[i]!, ctx, rows));
  });
  for (const op of config.operator_confs ?? []) {
    const [a, b] = op.input_indices.map((i) => flat(inputs[i]!));
    terms.push(tf.mul(tf.mul(a!, b!), op.dotmul_scale) as tf.Tensor2D);
  }
  return finish(config, terms.length === 1 ? terms[0]! : (tf.addN(terms) as tf.Tensor2D), inputs, ctx);
};

function flatRows(value: Value): number {
  return value.data.shape[0]!;
}

const fc: LayerForward = (config, inputs, ctx) => {
  const terms = config.inputs.map((input, i) =>
    tf.matMul(flat(inputs[i]!), ctx.param(input.input_parameter_name!) as tf.Tensor2D),
  );
  return finish(config, terms.length === 1 ? (terms[0] as tf.Tensor2D) : (tf.addN(terms) as tf.Tensor2D), inputs, ctx);
};

const addto: LayerForward = (config, inputs, ctx) => {
  const xs = inputs.map(flat);
  const out = finish(config, xs.length === 1 ? xs[0]! : (tf.addN(xs) as tf.Tensor2D), inputs, ctx);
  return out;
};

const concat: LayerForward = (config, inputs, ctx) => finish(config, tf.concat(inputs.map(flat), 1), inputs, ctx);

/** Paddle's `concat2`: every input's projection (each of its own size), side by side. */
const concat2: LayerForward = (config, inputs, ctx) => {
  const rows = flatRows(inputs[0]!);
  const parts = config.inputs.map((input, i) => project(input, inputs[i]!, ctx, rows));
  return finish(config, parts.length === 1 ? parts[0]! : tf.concat(parts, 1), inputs, ctx);
};

const scaling: LayerForward = (config, inputs, ctx) => {
  const [weight, input] = inputs as [Value, Value];
  return finish(config, tf.mul(flat(weight), flat(input)) as tf.Tensor2D, [input], ctx);
};

/** y = slope · x + intercept. */
const slopeIntercept: LayerForward = (config, inputs, ctx) =>
  finish(config, tf.add(tf.mul(flat(inputs[0]!), config.slope ?? 0), config.intercept ?? 0) as tf.Tensor2D, inputs, ctx);

/** Paddle's repeat_layer: the row `num_filters` times, or (`as_col_vec`) each value `num_filters` times in turn. */
const featmapExpand: LayerForward = (config, inputs, ctx) => {
  const x = flat(inputs[0]!);
  const [rows, size] = x.shape;
  const n = config.num_filters!;
  const out = config.user_arg === 'as_col_vec' ? tf.tile(x.reshape([rows, size, 1]), [1, 1, n]).reshape([rows, size * n]) : tf.tile(x, [1, n]);
  return finish(config, out as tf.Tensor2D, inputs, ctx);
};

/** Paddle's trans_layer: the batch transposed; what reads it needs a batch of exactly `size` rows. */
const trans: LayerForward = (config, inputs, ctx) => {
  const x = flat(inputs[0]!);
  if (x.shape[0] !== config.size) {
    throw new DataError(
      `trans layer ${JSON.stringify(config.name)}: the batch has ${x.shape[0]} rows; transposed they are ${x.shape[0]} columns, but the layer has size ${config.size}, so it needs batches of exactly ${config.size} samples`,
    );
  }
  return finish(config, tf.transpose(x), [], ctx);
};

/** act(Σ x_i W_iᵀ + b), zero where the select input (the last, when `has_selected_colums`) is zero. */
const selectiveFc: LayerForward = (config, inputs, ctx) => {
  const selected = config.has_selected_colums !== false;
  const count = selected ? config.inputs.length - 1 : config.inputs.length;
  const terms = config.inputs.slice(0, count).map((input, i) =>
    tf.matMul(flat(inputs[i]!), ctx.param(input.input_parameter_name!) as tf.Tensor2D, false, true),
  );
  const out = finish(config, (terms.length === 1 ? terms[0]! : tf.addN(terms)) as tf.Tensor2D, inputs.slice(0, count), ctx);
  if (!selected) return out;
  // 1 where select is non-zero, else 0; sign has a zero gradient, so select is not differentiated through.
  const mask = tf.sign(tf.abs(flat(inputs[count]!)));
  return { ...out, data: tf.mul(out.data, mask) };
};

export const basicForwards: Record<string, LayerForward> = {
  fc, mixed, addto, concat, concat2, scaling, slope_intercept: slopeIntercept, featmap_expand: featmapExpand, trans,
  selective_fc: selectiveFc,
};
