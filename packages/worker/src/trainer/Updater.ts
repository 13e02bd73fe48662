import type { ParameterConfig } from '@oar/layers';
import type { ParameterAttributes, TrainingProgress } from '@oar/pserver';
import type { Gradients } from '../executor/Network.js';
import type { Parameters } from '../Parameters.js';

/** What a step tells its updater besides the gradients. */
export interface StepInfo extends TrainingProgress {
  /** Samples in the batch (gradients are means over it). */
  samples: number;
}

/**
 * Where gradients go. Local and cluster training are one code path (SGD.train) with two updaters: the
 * LocalUpdater applies the update rules in this process; the RemoteUpdater pushes gradients to the
 * parameter servers and pulls values back.
 */
export interface Updater {
  /** Before the first batch (remote: meet the pservers, send or fetch the initial values). */
  start?(params: Parameters): Promise<void>;
  /** Before a batch: make current the values it reads (remote: dense values and the table rows `rows` lists). */
  prepare?(params: Parameters, rows: ReadonlyMap<string, Int32Array>): Promise<void>;
  update(params: Parameters, gradients: Gradients, info: StepInfo): void | Promise<void>;
  /** After a trainer's last batch of a pass (remote: the pass barrier, and the newest values). */
  finishPass?(params: Parameters, pass: number): Promise<void>;
  /** Optimizer state to save with a pass, when this process holds it. */
  saveState?(): Map<string, Uint8Array>;
  loadState?(states: Map<string, Uint8Array>): void;
}

/** A parameter's own optimizer settings, from its ParameterConfig (paramAttr). */
export function parameterAttributes(p: ParameterConfig): ParameterAttributes {
  return {
    ...(p.learning_rate !== undefined ? { learningRate: p.learning_rate } : {}),
    ...(p.decay_rate !== undefined ? { l2Rate: p.decay_rate } : {}),
    ...(p.momentum !== undefined ? { momentum: p.momentum } : {}),
    ...(p.gradient_clipping_threshold !== undefined ? { gradientClipping: p.gradient_clipping_threshold } : {}),
  };
}
