import type { ParameterConfig } from '@oar/layers';
import {
  decodeOptimizerState, encodeOptimizerState, ParameterOptimizer, type OptimizerConfig, type OptimizerState,
  type TrainingProgress,
} from '@oar/pserver';
import type { Gradients } from '../executor/Network.js';
import type { Parameters } from '../Parameters.js';

/**
 * Applies gradients in the worker's own process with the same update rules a pserver runs
 * (`@oar/pserver`'s ParameterOptimizer): dense parameters whole, tables by the rows the batch touched.
 */
export class LocalUpdater {
  readonly #optimizers = new Map<string, { optimizer: ParameterOptimizer; state: OptimizerState; config: ParameterConfig }>();

  constructor(params: Parameters, config: OptimizerConfig) {
    for (const name of params.names()) {
      const p = params.config(name);
      if (p.is_static) continue;
      const optimizer = new ParameterOptimizer(config, {
        ...(p.learning_rate !== undefined ? { learningRate: p.learning_rate } : {}),
        ...(p.decay_rate !== undefined ? { l2Rate: p.decay_rate } : {}),
        ...(p.momentum !== undefined ? { momentum: p.momentum } : {}),
        ...(p.gradient_clipping_threshold !== undefined ? { gradientClipping: p.gradient_clipping_threshold } : {}),
      });
      const state = optimizer.createState(p.size, p.dims.length === 2 ? { rows: p.dims[0]! } : {});
      this.#optimizers.set(name, { optimizer, state, config: p });
    }
  }

  update(params: Parameters, gradients: Gradients, progress: TrainingProgress): void {
    for (const [name, grad] of gradients.dense) {
      const entry = this.#optimizers.get(name)!;
      entry.optimizer.update(params.get(name), grad, entry.state, progress);
    }
    for (const [name, { rowIds, values }] of gradients.sparse) {
      const entry = this.#optimizers.get(name)!;
      entry.optimizer.updateRows(params.get(name), values, rowIds, entry.config.dims[1]!, entry.state, progress);
    }
  }

  /** Optimizer state of every parameter, encoded (for `--resume`). */
  saveState(): Map<string, Uint8Array> {
    return new Map([...this.#optimizers].map(([name, e]) => [name, encodeOptimizerState(e.state)]));
  }

  loadState(states: Map<string, Uint8Array>): void {
    for (const [name, bytes] of states) {
      const entry = this.#optimizers.get(name);
      if (!entry) continue;
      const state = decodeOptimizerState(bytes);
      entry.optimizer.checkState(state, entry.config.size);
      entry.state = state;
    }
  }
}
