import type { ImageShape } from '@oar/layers';
import { tf } from './tf.js';
import type { Value } from './Value.js';

/** The value as `[rows, size]`, flattening an NHWC image in Paddle's CHW order. */
export function flat(value: Value): tf.Tensor2D {
  const t = value.data;
  if (t.rank === 2) return t as tf.Tensor2D;
  const [n, h, w, c] = t.shape as [number, number, number, number];
  if (c === 1) return t.reshape([n, h * w]);
  return tf.transpose(t, [0, 3, 1, 2]).reshape([n, c * h * w]);
}

/** The value as an NHWC image batch, reading a flat value in Paddle's CHW order. */
export function nhwc(value: Value, image: ImageShape): tf.Tensor4D {
  const t = value.data;
  if (t.rank === 4) return t as tf.Tensor4D;
  const n = t.shape[0];
  const { channels: c, height: h, width: w } = image;
  if (c === 1) return t.reshape([n, h, w, 1]);
  return tf.transpose(t.reshape([n, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
}

export function int32(values: Int32Array): tf.Tensor1D {
  return tf.tensor1d(values, 'int32');
}

/** Image shape of a layer config (conv, pool, batch norm outputs; data layers with height/width). */
export function imageOfConfig(config: { size: number; height?: number; width?: number }): ImageShape | undefined {
  if (config.height === undefined || config.width === undefined) return undefined;
  return { channels: config.size / (config.height * config.width), height: config.height, width: config.width };
}
