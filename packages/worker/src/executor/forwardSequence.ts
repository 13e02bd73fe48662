import type { LayerConfig } from '@oar/layers';
import { DataError } from '../errors.js';
import { finish } from './forwardBasic.js';
import type { LayerForward } from './ForwardContext.js';
import {
  edgeRows, expandIndex, maxLength, paddedIndex, segmentIds, seqConcatIndex, subSequenceStarts, type SeqInfo,
} from './SeqInfo.js';
import { flat, int32 } from './shapes.js';
import { tf } from './tf.js';
import type { Value } from './Value.js';

const NEG = -1e30;

/** The segments a reduction runs over, and the sequence layout of its output. */
function reductionSegments(config: LayerConfig, value: Value): { starts: Int32Array; outSeq: SeqInfo | undefined } {
  const seq = value.seq;
  if (!seq) throw new DataError(`${config.name}: expected a sequence input`);
  if (config.trans_type === 'seq') {
    if (!seq.subStarts) throw new DataError(`${config.name}: reducing sub-sequences needs a nested-sequence input`);
    return { starts: seq.subStarts, outSeq: { starts: subSequenceStarts(seq) } };
  }
  return { starts: seq.starts, outSeq: undefined };
}

function withSeq(data: tf.Tensor2D, seq: SeqInfo | undefined): Value {
  return seq ? { data, seq } : { data };
}

/** Sum, mean or max of the rows of each segment. */
export function segmentReduce(x: tf.Tensor2D, starts: Int32Array, kind: 'max' | 'sum' | 'average'): tf.Tensor2D {
  const n = starts.length - 1;
  const dim = x.shape[1];
  if (kind === 'max') {
    const maxLen = Math.max(1, maxLength(starts));
    const rows = x.shape[0];
    const grid = tf.gather(tf.concat([x, tf.fill([1, dim], NEG)]), int32(paddedIndex(starts, maxLen, rows)));
    return tf.max(grid.reshape([n, maxLen, dim]), 1);
  }
  const sums = tf.unsortedSegmentSum(x, int32(segmentIds(starts)), n) as tf.Tensor2D;
  if (kind === 'sum') return sums;
  const inv = new Float32Array(n);
  for (let s = 0; s < n; s++) inv[s] = starts[s + 1]! > starts[s]! ? 1 / (starts[s + 1]! - starts[s]!) : 0;
  return tf.mul(sums, tf.tensor2d(inv, [n, 1])) as tf.Tensor2D;
}

const pool = (kind: 'max' | 'average'): LayerForward => (config, inputs, ctx) => {
  const value = inputs[0]!;
  const { starts, outSeq } = reductionSegments(config, value);
  if (config.output_max_index) return withSeq(maxIndex(flat(value), starts), outSeq);
  const how = kind === 'max' ? 'max' : config.average_strategy === 'sum' ? 'sum' : 'average';
  return finish(config, segmentReduce(flat(value), starts, how), outSeq ? [{ ...value, seq: outSeq }] : [], ctx);
};

/**
 * Paddle's max pooling with `output_max_index`: for each segment and column, the batch row of the first maximum,
 * as a float (a constant: no gradient flows back).
 */
function maxIndex(x: tf.Tensor2D, starts: Int32Array): tf.Tensor2D {
  const [, dim] = x.shape;
  const values = x.dataSync();
  const n = starts.length - 1;
  const out = new Float32Array(n * dim);
  for (let s = 0; s < n; s++) {
    for (let k = 0; k < dim; k++) {
      let best = starts[s]!;
      for (let r = starts[s]! + 1; r < starts[s + 1]!; r++) if (values[r * dim + k]! > values[best * dim + k]!) best = r;
      out[s * dim + k] = best;
    }
  }
  return tf.tensor2d(out, [n, dim]);
}

const seqlastins: LayerForward = (config, inputs) => {
  const value = inputs[0]!;
  const { starts, outSeq } = reductionSegments(config, value);
  const stride = config.seq_pool_stride ?? -1;
  if (stride > 0) {
    const windows = strideWindows(starts, stride, config.select_first === true);
    return withSeq(tf.gather(flat(value), int32(edgeRows(windows.starts, config.select_first === true))), { starts: windows.outStarts });
  }
  const rows = edgeRows(starts, config.select_first === true);
  return withSeq(tf.gather(flat(value), int32(rows)), outSeq);
};

/**
 * Paddle's `poolSequenceWithStride`: each sequence cut into windows of `stride` rows, counted from its start (or,
 * `fromEnd`, from its end, as first_seq does); returns the window bounds and the window count of each sequence.
 * Sequences [0, 9, 14] with stride 5 give windows [0, 5, 9, 14] (from the end: [0, 4, 9, 14]) and starts [0, 2, 3].
 */
export function strideWindows(starts: Int32Array, stride: number, fromEnd: boolean): { starts: Int32Array; outStarts: Int32Array } {
  const bounds: number[] = [starts[0]!];
  const outStarts = new Int32Array(starts.length);
  for (let s = 0; s + 1 < starts.length; s++) {
    const [a, b] = [starts[s]!, starts[s + 1]!];
    const count = Math.ceil((b - a) / stride);
    for (let k = 1; k <= count; k++) bounds.push(fromEnd ? b - (count - k) * stride : Math.min(a + k * stride, b));
    outStarts[s + 1] = outStarts[s]! + count;
  }
  return { starts: Int32Array.from(bounds), outStarts };
}

const expand: LayerForward = (config, inputs) => {
  const [value, target] = inputs as [Value, Value];
  if (!target.seq) throw new DataError(`${config.name}: expandAs must be a sequence`);
  const starts = config.trans_type === 'seq' ? target.seq.subStarts : target.seq.starts;
  if (!starts) throw new DataError(`${config.name}: expanding per sub-sequence needs a nested expandAs`);
  const x = flat(value);
  return { data: tf.gather(x, int32(expandIndex(starts, x.shape[0]))), seq: target.seq };
};

const seqconcat: LayerForward = (config, inputs, ctx) => {
  const [a, b] = inputs as [Value, Value];
  if (!a.seq || !b.seq) throw new DataError(`${config.name}: both inputs must be sequences`);
  const { index, starts } = seqConcatIndex(a.seq.starts, b.seq.starts);
  const joined = tf.gather(tf.concat([flat(a), flat(b)]), int32(index));
  return finish(config, joined, [{ data: joined, seq: { starts } }], ctx);
};

export const sequenceForwards: Record<string, LayerForward> = {
  max: pool('max'), average: pool('average'), seqlastins, expand, seqconcat,
};

/** maxid: the id of each row's largest value (host ids; no gradient). */
sequenceForwards.maxid = (_config, inputs) => {
  const x = flat(inputs[0]!);
  const ids = Int32Array.from(tf.argMax(x, 1).dataSync());
  return { data: tf.zeros([ids.length, 0]), ids, ...(inputs[0]!.seq ? { seq: inputs[0]!.seq } : {}) };
};
