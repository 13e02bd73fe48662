import { layer, type LayerOutput } from '@oar/layers';
import { denseLayerArg, knownKeys, layerName, rate } from './check.js';

export interface DropoutLayerArgs {
  input: LayerOutput;
  /** Fraction of values zeroed in training, in [0, 1). */
  dropoutRate: number;
  name?: string;
}

/**
 * Dropout as a layer of its own: an addto layer (linear, no bias) with a drop rate on its output, named
 * `__dropout_N__` by default.
 * @paddle paddle.networks.dropout_layer (trainer_config_helpers.networks.dropout_layer)
 * @example
 * const dropped = networks.dropoutLayer({ input: hidden, dropoutRate: 0.5 });
 */
export function dropoutLayer(args: DropoutLayerArgs): LayerOutput {
  const where = 'networks.dropoutLayer';
  knownKeys(where, args, ['input', 'dropoutRate', 'name']);
  const input = denseLayerArg(where, 'input', args.input);
  const dropoutRate = rate(where, 'dropoutRate', args.dropoutRate);
  const name = args.name === undefined ? undefined : layerName(where, 'name', args.name);
  return layer.dropout({ input, dropoutRate, ...(name ? { name } : {}) });
}
