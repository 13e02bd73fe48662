import type { LayerConfig } from '@oar/layers';
import type { tf } from './tf.js';
import type { Value } from './Value.js';

/** What a layer's forward function may ask of the running step. */
export interface ForwardContext {
  readonly training: boolean;
  /** A dense parameter, shaped by its dims. */
  param(name: string): tf.Tensor;
  /**
   * The rows of a table parameter that `ids` touch, and the ids renumbered into those rows. Only touched rows
   * are ever uploaded or differentiated: embedding gradients come back as rows.
   */
  tableRows(name: string, ids: Int32Array): { rows: tf.Tensor2D; local: Int32Array };
  /** A fresh seed for a random op (dropout), deterministic per step. */
  nextSeed(): number;
  /** New values of a static parameter (batch norm's moving statistics), applied after the step. */
  setStatic(name: string, value: tf.Tensor): void;
}

export type LayerForward = (config: LayerConfig, inputs: Value[], ctx: ForwardContext) => Value;
