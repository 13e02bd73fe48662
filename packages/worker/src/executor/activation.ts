import { CompileError } from '../errors.js';
import { tf } from './tf.js';
import type { SeqInfo } from './SeqInfo.js';
import { maxLength, paddedIndex, unpaddedIndex } from './SeqInfo.js';

type Act = (x: tf.Tensor2D, seq: SeqInfo | undefined) => tf.Tensor2D;

const NEG = -1e30;

/** Softmax over the rows of each sequence, for a size-1 column (attention weights). */
export function sequenceSoftmax(x: tf.Tensor2D, seq: SeqInfo | undefined): tf.Tensor2D {
  if (!seq) throw new CompileError('sequence_softmax needs a sequence input');
  if (x.shape[1] !== 1) throw new CompileError(`sequence_softmax needs size 1, got size ${x.shape[1]}`);
  const rows = x.shape[0];
  const n = seq.starts.length - 1;
  const maxLen = maxLength(seq.starts);
  const withPad = tf.concat([x.reshape([rows]), tf.tensor1d([NEG])]);
  const grid = tf.gather(withPad, tf.tensor1d(paddedIndex(seq.starts, maxLen, rows), 'int32')).reshape([n, maxLen]);
  const soft = tf.softmax(grid);
  return tf.gather(soft.reshape([n * maxLen]), tf.tensor1d(unpaddedIndex(seq.starts, maxLen), 'int32')).reshape([rows, 1]);
}

const ACTS: Record<string, Act> = {
  '': (x) => x,
  linear: (x) => x,
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
  softmax: (x) => tf.softmax(x),
  sequence_softmax: sequenceSoftmax,
  relu: (x) => tf.relu(x),
  brelu: (x) => tf.clipByValue(x, 0, 24),
  softrelu: (x) => tf.log1p(tf.exp(tf.clipByValue(x, -40, 40))),
  stanh: (x) => tf.mul(tf.tanh(tf.mul(x, 2 / 3)), 1.7159),
  abs: (x) => tf.abs(x),
  square: (x) => tf.square(x),
  exponential: (x) => tf.exp(x),
  log: (x) => tf.log(x),
  sqrt: (x) => tf.sqrt(x),
  reciprocal: (x) => tf.reciprocal(x),
};

/** The activation function of a Paddle `active_type`. */
export function activation(activeType: string): Act {
  const act = ACTS[activeType];
  if (!act) throw new CompileError(`unknown active_type ${JSON.stringify(activeType)}; known: ${Object.keys(ACTS).filter(Boolean).join(', ')}`);
  return act;
}
