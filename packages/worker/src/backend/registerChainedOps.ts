import * as tf from '@tensorflow/tfjs-core';
// Types only (erased at run time): the declarations of the chained methods registered below.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';

/** Methods `t.name(...args)` that are `tf.name(t, ...args)` (tfjs-core 4.22's chained ops). */
const forwarded = [
  'abs', 'acos', 'acosh', 'add', 'all', 'any', 'argMax', 'argMin', 'asin', 'asinh', 'atan', 'atan2', 'atanh',
  'avgPool', 'batchToSpaceND', 'batchNorm', 'broadcastTo', 'cast', 'ceil', 'clipByValue', 'conv1d', 'conv2d',
  'conv2dTranspose', 'cos', 'cosh', 'cumprod', 'cumsum', 'depthToSpace', 'depthwiseConv2d', 'dilation2d', 'div',
  'divNoNan', 'dot', 'elu', 'equal', 'erf', 'euclideanNorm', 'exp', 'expandDims', 'expm1', 'fft', 'floor',
  'floorDiv', 'gather', 'greater', 'greaterEqual', 'ifft', 'irfft', 'isFinite', 'isInf', 'isNaN', 'leakyRelu',
  'less', 'lessEqual', 'localResponseNormalization', 'log', 'log1p', 'logSigmoid', 'logSoftmax', 'logSumExp',
  'logicalAnd', 'logicalNot', 'logicalOr', 'logicalXor', 'matMul', 'max', 'maxPool', 'maximum', 'mean', 'min',
  'minimum', 'mirrorPad', 'mod', 'mul', 'neg', 'norm', 'notEqual', 'oneHot', 'onesLike', 'pad', 'pool', 'pow',
  'prelu', 'prod', 'reciprocal', 'relu', 'relu6', 'reshape', 'reverse', 'rfft', 'round', 'rsqrt', 'selu',
  'separableConv2d', 'sigmoid', 'sign', 'sin', 'sinh', 'slice', 'softmax', 'softplus', 'spaceToBatchND', 'split',
  'sqrt', 'square', 'squaredDifference', 'squeeze', 'step', 'stridedSlice', 'sub', 'sum', 'tan', 'tanh', 'tile',
  'topk', 'transpose', 'unique', 'unsortedSegmentSum', 'unstack', 'zerosLike',
] as const;

type Method = (this: tf.Tensor, ...args: never[]) => unknown;
type AnyOp = (...args: unknown[]) => unknown;

const toList = (x: tf.Tensor | tf.Tensor[]): tf.Tensor[] => (x instanceof tf.Tensor ? [x] : x);

/** The chained methods that are not a plain forward to `tf.name`. */
const special: Record<string, Method> = {
  as1D() { return tf.reshape(this, [this.size]); },
  as2D(rows: number, columns: number) { return tf.reshape(this, [rows, columns]); },
  as3D(rows: number, columns: number, depth: number) { return tf.reshape(this, [rows, columns, depth]); },
  as4D(rows: number, columns: number, depth: number, depth2: number) {
    return tf.reshape(this, [rows, columns, depth, depth2]);
  },
  as5D(rows: number, columns: number, depth: number, depth2: number, depth3: number) {
    return tf.reshape(this, [rows, columns, depth, depth2, depth3]);
  },
  asScalar() {
    tf.util.assert(this.size === 1, () => 'The array must have only 1 element.');
    return tf.reshape(this, []);
  },
  asType(dtype: tf.DataType) { return tf.cast(this, dtype); },
  concat(x: tf.Tensor | tf.Tensor[], axis?: number) { return tf.concat([this, ...toList(x)], axis); },
  flatten() { return tf.reshape(this, [this.size]); },
  reshapeAs(x: tf.Tensor) { return tf.reshape(this, x.shape); },
  resizeBilinear(size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean) {
    return tf.image.resizeBilinear(this as tf.Tensor4D, size, alignCorners, halfPixelCenters);
  },
  resizeNearestNeighbor(size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean) {
    return tf.image.resizeNearestNeighbor(this as tf.Tensor4D, size, alignCorners, halfPixelCenters);
  },
  stack(x: tf.Tensor | tf.Tensor[], axis?: number) { return tf.stack([this, ...toList(x)], axis); },
  toBool() { return tf.cast(this, 'bool'); },
  toFloat() { return tf.cast(this, 'float32'); },
  toInt() { return tf.cast(this, 'int32'); },
  where(condition: tf.Tensor, x: tf.Tensor) { return tf.where(condition, this, x); },
};

/**
 * Adds tfjs's chained tensor methods (`t.reshape(...)`, `t.add(u)`, ...) to `tf.Tensor`, as the
 * `@tensorflow/tfjs` umbrella package does; tfjs-core's Node bundle leaves them out, and some of tfjs's
 * own gradient functions call them (`Prod`'s calls `x.reshape`). Methods already there are kept.
 *
 * @example
 * registerChainedOps();
 * tf.tensor([1, 2]).square().sum();
 */
export function registerChainedOps(): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const ops = tf as unknown as Record<string, AnyOp>;
  for (const name of forwarded) {
    if (typeof proto[name] === 'function') continue;
    const op = ops[name]!;
    proto[name] = function (this: tf.Tensor, ...args: unknown[]) {
      this.throwIfDisposed();
      return op(this, ...args);
    };
  }
  for (const [name, method] of Object.entries(special)) {
    if (typeof proto[name] === 'function') continue;
    proto[name] = function (this: tf.Tensor, ...args: never[]) {
      this.throwIfDisposed();
      return method.apply(this, args);
    };
  }
}
