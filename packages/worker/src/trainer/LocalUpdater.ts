import type { ParameterConfig } from '@oar/layers';
import {
  decodeOptimizerState, encodeOptimizerState, ParameterOptimizer, type OptimizerConfig, type OptimizerState,
  type TrainingProgress,
} from '@oar/pserver';
import type { Gradients } from '../executor/Network.js';
import type { Parameters } from '../Parameters.js';
import { parameterAttributes, type Updater } from './Updater.js';

/**
 * Applies gradients in the worker's own process with the same update rules a pserver runs
 * (`@oar/pserver`'s ParameterOptimizer): dense parameters whole, tables by the rows the batch touched.
 */
export class LocalUpdater implements Updater {
  readonly #optimizers = new Map<string, { optimizer: ParameterOptimizer; state: OptimizerState; config: ParameterConfig }>();

  constructor(params: Parameters, config: OptimizerConfig) {
    for (const name of params.names()) {
      const p = params.config(name);
      if (p.is_static) continue;
      const optimizer = new ParameterOptimizer(config, parameterAttributes(p));
      const state = optimizer.createState(p.size, p.dims.length === 2 ? { rows: p.dims[0]! } : {});
      this.#optimizers.set(name, { optimizer, state, config: p });
    }
  }

  update(params: Parameters, gradients: Gradients, info: TrainingProgress): void {
    const progress = { numSamplesProcessed: info.numSamplesProcessed, pass: info.pass };
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
