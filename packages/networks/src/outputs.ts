import { ConfigError, Topology, type LayerOutput } from '@oar/layers';
import { layerArg } from './check.js';

/**
 * Declares the network's outputs and traces it: every layer they depend on is named and emitted, inputs
 * first; the data layers become the inputs, in the order a depth-first walk from the outputs meets them
 * (as Paddle orders them). Layers may be given one by one or in lists.
 * @paddle paddle.networks.outputs (trainer_config_helpers.networks.outputs)
 * @example
 * const topology = networks.outputs(cost);
 * writeFileSync('model.json', topology.serialize());
 */
export function outputs(...layers: (LayerOutput | readonly LayerOutput[])[]): Topology {
  const where = 'networks.outputs';
  const flat = layers.flatMap((item, i) =>
    Array.isArray(item) ? item.map((l, j) => layerArg(where, `layers[${i}][${j}]`, l)) : [layerArg(where, `layers[${i}]`, item)],
  );
  if (flat.length === 0) throw new ConfigError(`${where}: at least one output layer is needed, got none`);
  return Topology.fromOutputs(flat);
}
