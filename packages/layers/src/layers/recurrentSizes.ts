import { positiveInt } from '../check.js';
import { ConfigError } from '../errors.js';
import type { LayerOutput } from '../LayerOutput.js';

/**
 * The hidden size of a recurrent layer whose input is already projected to `gates · size` columns
 * (`[x_z | x_r | x_c]` for a GRU, `[x_a | x_i | x_f | x_o]` for an LSTM): `size` if given, else input size / gates.
 */
export function hiddenSize(where: string, input: LayerOutput, size: unknown, gates: 3 | 4, layout: string): number {
  if (size !== undefined) {
    const h = positiveInt(where, 'size', size);
    if (input.size !== gates * h) {
      throw new ConfigError(`${where}: input must have ${gates}·size = ${gates * h} columns (${layout}), got ${input.describe()}`);
    }
    return h;
  }
  if (input.size % gates !== 0) {
    throw new ConfigError(`${where}: input size must be a multiple of ${gates} (${layout}), got ${input.describe()}`);
  }
  return input.size / gates;
}

/** A fused recurrent layer steps over plain sequences (a nested sequence goes through a recurrentGroup). */
export function plainSequence(where: string, input: LayerOutput): LayerOutput {
  if (input.seqLevel !== 1) {
    throw new ConfigError(`${where}: input must be a plain sequence (nested sequences go through layer.recurrentGroup), got ${input.describe()}`);
  }
  return input;
}
