import { DataError } from '../errors.js';
import type { LayerForward } from './ForwardContext.js';
import { flat, int32 } from './shapes.js';
import { tf } from './tf.js';
import type { Value } from './Value.js';

const TINY = 1e-10;

/** Per-row cost `−log p[label]`, as a [rows, 1] column. */
const crossEntropy: LayerForward = (config, inputs) => {
  const [prob, label] = inputs as [Value, Value];
  const p = flat(prob);
  const [rows, classes] = p.shape;
  const ids = label.ids;
  if (!ids || ids.length !== rows) {
    throw new DataError(`${config.name}: ${rows} predictions but ${ids?.length ?? 0} labels`);
  }
  const index = new Int32Array(rows);
  for (let r = 0; r < rows; r++) index[r] = r * classes + ids[r]!;
  const picked = tf.gather(p.reshape([rows * classes]), int32(index));
  const cost = tf.neg(tf.log(tf.maximum(picked, TINY))).reshape([rows, 1]);
  return prob.seq ? { data: cost, seq: prob.seq } : { data: cost };
};

/** Per-row cost `Σ_j (x_j − y_j)²`. */
const squareError: LayerForward = (_config, inputs) => {
  const [x, y] = inputs as [Value, Value];
  const cost = tf.sum(tf.squaredDifference(flat(x), flat(y)), 1, true);
  return x.seq ? { data: cost, seq: x.seq } : { data: cost };
};

export const costForwards: Record<string, LayerForward> = {
  'multi-class-cross-entropy': crossEntropy,
  square_error: squareError,
};

export const COST_TYPES = new Set(Object.keys(costForwards));
