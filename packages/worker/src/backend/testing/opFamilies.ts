import * as tf from '@tensorflow/tfjs-core';

/** One input of an op family: float values in [-1, 1) (or `positive`: [0.5, 2)), or int ids in [0, max). */
export interface InputSpec {
  shape: number[];
  kind?: 'float' | 'positive' | 'ids' | 'bool';
  /** ids: exclusive upper bound (may exceed a table's rows to test out-of-range ids). */
  max?: number;
}

/**
 * A forward computation the layers need, run on every backend to compare values and gradients. Floats
 * are differentiated unless `grad: false` (tfjs has no gradient for the op, or none for these attrs).
 */
export interface OpFamily {
  name: string;
  inputs: InputSpec[];
  fn: (...xs: tf.Tensor[]) => tf.Tensor;
  grad?: boolean;
  /**
   * The family is linear in its float inputs, so the reference run may take central differences (exact
   * up to rounding) instead of tfjs's gradient: used where the cpu backend's gradient is wrong.
   */
  linear?: boolean;
}

const f = (...shape: number[]): InputSpec => ({ shape });
const pos = (...shape: number[]): InputSpec => ({ shape, kind: 'positive' });
const ids = (max: number, ...shape: number[]): InputSpec => ({ shape, kind: 'ids', max });

const conv = (name: string, x: number[], w: number[], strides: number | [number, number],
  pad: 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]], dilations = 1): OpFamily => ({
  name, inputs: [f(...x), f(...w)], grad: dilations === 1,
  fn: (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad, 'NHWC', dilations),
});
const pool = (name: string, kind: 'max' | 'avg', size: number, strides: number, pad: 'same' | 'valid'): OpFamily => ({
  name, inputs: [f(2, 7, 6, 3)],
  fn: (x) => (kind === 'max' ? tf.maxPool : tf.avgPool)(x as tf.Tensor4D, size, strides, pad),
});
const unary = (name: string, op: (x: tf.Tensor) => tf.Tensor, spec: InputSpec = f(4, 5)): OpFamily => ({
  name, inputs: [spec], fn: op,
});

/** The op families the layers, networks and losses are built from, forward and backward. */
export const opFamilies: readonly OpFamily[] = [
  { name: 'matMul', inputs: [f(7, 5), f(5, 3)], fn: (a, b) => tf.matMul(a, b) },
  { name: 'matMul transposeA', inputs: [f(5, 7), f(5, 3)], fn: (a, b) => tf.matMul(a, b, true, false) },
  { name: 'matMul transposeB', inputs: [f(7, 5), f(3, 5)], fn: (a, b) => tf.matMul(a, b, false, true) },
  { name: 'matMul transposeA+B', inputs: [f(5, 7), f(3, 5)], fn: (a, b) => tf.matMul(a, b, true, true) },
  { name: 'batchMatMul', inputs: [f(2, 7, 5), f(2, 5, 3)], fn: (a, b) => tf.matMul(a, b) },
  { name: 'batchMatMul transposes', inputs: [f(2, 5, 7), f(2, 3, 5)], fn: (a, b) => tf.matMul(a, b, true, true) },
  // tfjs 4.22's BatchMatMul gradient does not sum over broadcast batch dims (fails on every backend).
  { name: 'batchMatMul broadcast (forward)', inputs: [f(2, 7, 5), f(5, 3)], grad: false, fn: (a, b) => tf.matMul(a, b) },
  {
    name: 'fused matMul+bias+relu transposeB', inputs: [f(7, 5), f(3, 5), f(3)],
    fn: (a, b, c) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeB: true, bias: c, activation: 'relu' }),
  },
  { name: 'add/sub/mul/div broadcast', inputs: [f(4, 3), f(3), pos(4, 1)], fn: (a, b, c) => a.add(b).mul(a.sub(b)).div(c) },
  { name: 'maximum/minimum', inputs: [f(4, 3), f(4, 3)], fn: (a, b) => tf.maximum(a, b).add(tf.minimum(a, b.mul(2))) },
  { name: 'squaredDifference', inputs: [f(4, 3), f(4, 3)], fn: (a, b) => tf.squaredDifference(a, b) },
  unary('exp', tf.exp), unary('log', tf.log, pos(4, 5)), unary('sqrt', tf.sqrt, pos(4, 5)),
  unary('rsqrt', tf.rsqrt, pos(4, 5)), unary('reciprocal', tf.reciprocal, pos(4, 5)),
  unary('pow', (x) => tf.pow(x, tf.scalar(2.5)), pos(4, 5)), unary('square', tf.square), unary('abs', tf.abs),
  unary('neg', tf.neg), unary('sigmoid', tf.sigmoid), unary('tanh', tf.tanh), unary('relu', tf.relu),
  unary('relu6', (x) => tf.relu6(x.mul(8))), unary('elu', tf.elu), unary('selu', tf.selu),
  unary('leakyRelu', (x) => tf.leakyRelu(x, 0.1)), unary('softplus', tf.softplus), unary('log1p', tf.log1p, pos(4, 5)),
  unary('clipByValue', (x) => tf.clipByValue(x, -0.5, 0.5)), unary('sign*x', (x) => tf.sign(x).mul(x)),
  { name: 'prelu', inputs: [f(4, 5), f(5)], fn: (x, a) => tf.prelu(x, a) },
  unary('softmax', (x) => tf.softmax(x)), unary('logSoftmax', (x) => tf.logSoftmax(x)),
  unary('sum/mean axes', (x) => tf.sum(x, 0).add(tf.mean(x, 1).sum())),
  unary('max/min', (x) => tf.max(x, 1).add(tf.min(x, 0).sum())), unary('prod', (x) => tf.prod(x, 1)),
  unary('logSumExp', (x) => tf.logSumExp(x, 1)),
  { name: 'gather axis 0 (embedding)', inputs: [f(10, 4), ids(10, 6)], fn: (t, i) => tf.gather(t, i) },
  { name: 'gather axis 1', inputs: [f(3, 10), ids(10, 6)], fn: (t, i) => tf.gather(t, i, 1) },
  { name: 'gather batch of sequences', inputs: [f(10, 4), ids(10, 3, 5)], fn: (t, i) => tf.gather(t, i) },
  { name: 'unsortedSegmentSum (sequence pooling)', inputs: [f(7, 3), ids(4, 7)], fn: (x, i) => tf.unsortedSegmentSum(x, i as tf.Tensor1D, 4) },
  // Out-of-range ids are dropped; tfjs's gradient (a gather) rejects them, so forward only.
  { name: 'unsortedSegmentSum out-of-range ids (forward)', inputs: [f(7, 3), ids(6, 7)], grad: false, fn: (x, i) => tf.unsortedSegmentSum(x, i as tf.Tensor1D, 4) },
  { name: 'concat axis 0/1', inputs: [f(2, 3), f(2, 4)], fn: (a, b) => tf.concat([a, b], 1).add(tf.concat([a, a], 0).sum()) },
  { name: 'slice', inputs: [f(5, 6)], fn: (x) => tf.slice(x, [1, 2], [3, 3]) },
  // tfjs has no gradient for StridedSlice.
  { name: 'stridedSlice (forward)', inputs: [f(5, 6)], grad: false, fn: (x) => tf.stridedSlice(x, [0, 1], [5, 6], [2, 2]) },
  { name: 'split (gates)', inputs: [f(4, 9)], fn: (x) => { const [a, b, c] = tf.split(x, 3, 1); return a!.mul(b!).add(c!); } },
  { name: 'stack/unstack', inputs: [f(3, 4)], fn: (x) => tf.stack(tf.unstack(x).reverse(), 1) },
  { name: 'reshape/transpose', inputs: [f(2, 3, 4)], fn: (x) => tf.transpose(x.reshape([6, 4]), [1, 0]) },
  { name: 'tile', inputs: [f(2, 3)], fn: (x) => tf.tile(x, [2, 3]) },
  { name: 'pad', inputs: [f(2, 3)], fn: (x) => tf.pad(x, [[1, 0], [2, 1]], 0.5) },
  { name: 'reverse', inputs: [f(3, 4)], fn: (x) => tf.reverse(x, 0) },
  { name: 'expandDims/squeeze', inputs: [f(3, 4)], fn: (x) => tf.squeeze(tf.expandDims(x, 1)).mul(x) },
  // The mask comes from data: tfjs has no gradient for comparisons, so none may sit on the gradient path.
  { name: 'where', inputs: [f(3, 4), f(3, 4), ids(2, 3, 4)], fn: (a, b, m) => tf.where(tf.cast(m, 'bool'), a, b.mul(3)) },
  { name: 'cumsum', inputs: [f(4, 5)], fn: (x) => tf.cumsum(x, 1) },
  { name: 'cumsum exclusive reverse', inputs: [f(4, 5)], fn: (x) => tf.cumsum(x, 1, true, true) },
  { name: 'cumsum axis 0', inputs: [f(4, 5)], fn: (x) => tf.cumsum(x, 0) },
  {
    name: 'oneHot cross-entropy', inputs: [f(6, 5), ids(5, 6)],
    fn: (x, i) => tf.neg(tf.sum(tf.oneHot(i as tf.Tensor1D, 5).mul(tf.logSoftmax(x)), 1)),
  },
  { name: 'l2 normalize / cosine', inputs: [f(4, 6), f(4, 6)], fn: (a, b) => tf.sum(a.mul(b), 1).div(tf.norm(a, 2, 1).mul(tf.norm(b, 2, 1))) },
  {
    name: 'batchNorm (moments)', inputs: [f(6, 4), pos(4), f(4)],
    fn: (x, g, b) => { const m = tf.moments(x, 0); return tf.batchNorm(x, m.mean, m.variance, b, g, 1e-5); },
  },
  {
    name: 'batchNorm 4D', inputs: [f(2, 3, 3, 4), f(4), pos(4), f(4), pos(4)],
    fn: (x, m, v, b, g) => tf.batchNorm(x, m, v, b, g, 1e-3),
  },
  conv('conv2d valid', [2, 6, 7, 3], [3, 3, 3, 4], 1, 'valid'),
  conv('conv2d same stride 2', [2, 7, 6, 3], [3, 3, 3, 4], 2, 'same'),
  conv('conv2d 5x5 1 channel (LeNet)', [3, 12, 12, 1], [5, 5, 1, 6], 1, 'valid'),
  conv('conv2d explicit pad, stride [2,1]', [2, 6, 7, 2], [3, 2, 2, 3], [2, 1], [[0, 0], [1, 2], [0, 1], [0, 0]]),
  conv('conv2d 1x1', [2, 4, 5, 6], [1, 1, 6, 3], 1, 'same'),
  conv('conv2d dilation 2 (forward)', [2, 8, 8, 2], [3, 3, 2, 3], 1, 'same', 2),
  {
    name: 'fused conv2d + bias + relu', inputs: [f(2, 6, 7, 3), f(3, 3, 3, 4), f(4)],
    fn: (x, w, b) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation: 'relu' }),
  },
  {
    name: 'fused depthwiseConv2d + bias', inputs: [f(2, 6, 6, 3), f(3, 3, 3, 2), f(6)],
    fn: (x, w, b) => tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b }),
  },
  {
    name: 'conv2dTranspose', inputs: [f(2, 4, 4, 3), f(3, 3, 2, 3)],
    fn: (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 8, 8, 2], 2, 'same'),
  },
  {
    name: 'depthwiseConv2d', inputs: [f(2, 6, 6, 3), f(3, 3, 3, 2)],
    fn: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
  },
  {
    name: 'depthwiseConv2d stride 2 valid', inputs: [f(2, 7, 7, 2), f(3, 3, 2, 1)],
    fn: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'valid'),
  },
  pool('maxPool 2x2/2 valid', 'max', 2, 2, 'valid'), pool('maxPool 3x3/2 same', 'max', 3, 2, 'same'),
  pool('avgPool 2x2/2 valid', 'avg', 2, 2, 'valid'), pool('avgPool 3x3/2 same', 'avg', 3, 2, 'same'),
  pool('avgPool 3x3/1 same', 'avg', 3, 1, 'same'),
  // tfjs-cpu's ResizeBilinearGrad throws on non-square images and its ResizeNearestNeighborGrad is wrong
  // past one image or channel: the reference for these is numeric.
  { name: 'resizeBilinear', inputs: [f(2, 3, 4, 2)], linear: true, fn: (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [5, 7]) },
  { name: 'resizeNearestNeighbor', inputs: [f(2, 3, 4, 2)], linear: true, fn: (x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [6, 8]) },
  { name: 'localResponseNormalization', inputs: [f(2, 3, 3, 6)], fn: (x) => tf.localResponseNormalization(x as tf.Tensor4D, 2, 1, 1e-2, 0.75) },
  { name: 'topk (forward)', inputs: [f(3, 8)], grad: false, fn: (x) => tf.topk(x, 3).values },
  { name: 'argMax (forward)', inputs: [f(3, 8)], grad: false, fn: (x) => tf.argMax(x, 1) },
];
