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
  tf.registerGradient(cumsumGradient);
}

/** d/dx cumsum(x) along an axis is the cumsum of dy along it in the other direction. */
const cumsumGradient: tf.GradConfig = {
  kernelName: 'Cumsum',
  gradFunc: (dy, _saved, attrs) => {
    const { axis, exclusive, reverse } = attrs as unknown as tf.CumsumAttrs;
    return { x: () => tf.cumsum(dy as tf.Tensor, axis, exclusive, !reverse) };
  },
};
