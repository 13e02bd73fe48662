import * as tf from '@tensorflow/tfjs-core';
import { registerChainedOps } from './registerChainedOps.js';

/**
 * Registers the gradient functions of all of tfjs-core's kernels, once per process.
 *
 * tfjs-core's Node bundle registers none (its `register_all_gradients` module exists only as ESM
 * sources with extensionless imports, which Node cannot load, and importing it beside the bundle would
 * load a second copy of tfjs-core). The Node bundle of `@tensorflow/tfjs-layers` (same version, a peer of
 * the same tfjs-core) carries all of them and registers them into tfjs-core's global registry when loaded,
 * as the `@tensorflow/tfjs` umbrella package does; tfjs-node loads that package too. Some of those
 * gradients call chained tensor methods, so this registers them too ({@link registerChainedOps}).
 * `Cumsum`'s gradient is replaced: tfjs 4.22's transposes its result when the axis is not the last one.
 * So are three that cost more than they need to: `Sum` and `Mean` (tfjs multiplies dy by a full-size
 * array of ones built in JavaScript; here dy is broadcast with `Tile`, which the wasm backend does with
 * block copies) and `UnsortedSegmentSum` (tfjs masks the gathered rows with a broadcast `LogicalAnd`,
 * `ones`, `zerosLike` and `where`: 0.7–1.7 s of a g2p training step on a loaded 2-core machine with wasm;
 * here a gather and one broadcast multiply).
 *
 * @example
 * await registerGradients();
 * tf.grad((x) => x.square())(tf.scalar(3)); // 6
 */
export async function registerGradients(): Promise<void> {
  registerChainedOps();
  if (tf.getGradient('UnsortedSegmentSum') === undefined || tf.getGradient('Conv2D') === undefined) {
    await import('@tensorflow/tfjs-layers');
  }
  for (const config of [cumsumGradient, sumGradient, meanGradient, unsortedSegmentSumGradient]) tf.registerGradient(config);
}

/** d/dx cumsum(x) along an axis is the cumsum of dy along it in the other direction. */
const cumsumGradient: tf.GradConfig = {
  kernelName: 'Cumsum',
  gradFunc: (dy, _saved, attrs) => {
    const { axis, exclusive, reverse } = attrs as unknown as tf.CumsumAttrs;
    return { x: () => tf.cumsum(dy as tf.Tensor, axis, exclusive, !reverse) };
  },
};

/** The axes reduced by `Sum` / `Mean` over `axis` of `x` (all of them for none). */
function reducedAxes(x: tf.Tensor, axis: number | number[] | null | undefined): number[] {
  return tf.util.parseAxisParam(axis ?? x.shape.map((_, i) => i), x.shape);
}

/** `dy` (a reduction's result) with the reduced axes of `x` put back as 1s, broadcast to `x`'s shape. */
function spread(dy: tf.Tensor, x: tf.Tensor, axes: number[]): tf.Tensor {
  return tf.broadcastTo(tf.reshape(dy, x.shape.map((d, i) => (axes.includes(i) ? 1 : d))), x.shape);
}

/** d/dx sum(x, axes) is dy broadcast over the reduced axes. */
const sumGradient: tf.GradConfig = {
  kernelName: 'Sum',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as tf.Tensor[];
    const axes = reducedAxes(x!, (attrs as unknown as tf.SumAttrs).axis);
    return { x: () => spread(tf.cast(dy as tf.Tensor, 'float32'), x!, axes) };
  },
};

/** d/dx mean(x, axes) is dy / (values averaged) broadcast over the reduced axes. */
const meanGradient: tf.GradConfig = {
  kernelName: 'Mean',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as tf.Tensor[];
    const axes = reducedAxes(x!, (attrs as unknown as tf.MeanAttrs).axis);
    const averaged = axes.reduce((n, a) => n * x!.shape[a]!, 1);
    return { x: () => spread(tf.div(dy as tf.Tensor, averaged), x!, axes) };
  },
};

/**
 * d/dx unsortedSegmentSum(x, ids) gathers dy's rows by id; rows whose id is outside the segments (dropped
 * by the sum, as TensorFlow does) get zeros. tfjs's gathers them unclipped above and fails on such ids.
 */
const unsortedSegmentSumGradient: tf.GradConfig = {
  kernelName: 'UnsortedSegmentSum',
  inputsToSave: ['segmentIds'],
  gradFunc: (dy, saved) => {
    const [ids] = saved as tf.Tensor[];
    return { x: () => gatherSegments(dy as tf.Tensor, ids!) };
  },
};

/**
 * Rows of `dy` by segment id, zeros for ids outside `[0, dy.shape[0])`: a multiply by a 0/1 mask (the
 * dropped rows would be NaN only where dy holds infinities, which the kept rows then carry too).
 */
function gatherSegments(dy: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  const numSegments = dy.shape[0]!;
  const shape = [...ids.shape, ...dy.shape.slice(1)];
  if (numSegments === 0) return tf.zeros(shape, dy.dtype);
  // int32 bounds: a JS number would make these float32, and tfjs-wasm's ClipByValue reads int32 as float32.
  const [first, last] = [tf.scalar(0, 'int32'), tf.scalar(numSegments - 1, 'int32')];
  const rows = tf.gather(dy, tf.minimum(tf.maximum(ids, first), last));
  const inRange = tf.mul(tf.cast(tf.greaterEqual(ids, first), rows.dtype), tf.cast(tf.lessEqual(ids, last), rows.dtype));
  return tf.mul(rows, tf.reshape(inRange, [...ids.shape, ...dy.shape.slice(1).map(() => 1)]));
}
