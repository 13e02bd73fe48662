import type * as tfc from '@tensorflow/tfjs-core';
import type { ImageShape } from '@oar/layers';
import type { SeqInfo } from './SeqInfo.js';

/**
 * A layer's output in a batch: rows stacked as `[rows, size]` (or `[N, H, W, C]` for image layers), plus
 * the host-side integer ids of integer layers and the sequence layout of sequence layers.
 */
export interface Value {
  readonly data: tfc.Tensor;
  readonly ids?: Int32Array;
  readonly seq?: SeqInfo;
  readonly image?: ImageShape;
  /** A second output (lstm_step's cell state), read by get_output layers. */
  readonly state?: tfc.Tensor2D;
}
