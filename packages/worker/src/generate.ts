import { isLayerOutput, Topology, type LayerOutput } from '@oar/layers';
import { ConfigError } from './errors.js';
import { Feeds, type Feeding } from './executor/feeds.js';
import { Network } from './executor/Network.js';
import type { Hypothesis } from './generation/beamSearch.js';
import type { GenerateOverrides } from './generation/generateGroup.js';
import type { Parameters } from './Parameters.js';

export interface GenerateArgs extends GenerateOverrides {
  /** The layer.beamSearch output, or a topology that holds one. */
  generator: LayerOutput | Topology;
  parameters: Parameters;
  /** Source samples (tuples of the fields the generator's static inputs need). */
  input: readonly unknown[];
  feeding?: Feeding;
}

/**
 * Generates sequences for a batch of sources with a trained model's beam search: per source, the best
 * results first, each the generated ids (ending in eos unless cut by maxLength) and their summed log-probability.
 * @paddle paddle.infer(output_layer=beam_gen, ...) on a beam_search layer
 * @example
 * const [results] = generate({ generator, parameters, input: [[sourceIds]], beamSize: 5 });
 */
export function generate(args: GenerateArgs): Hypothesis[][] {
  const topology = args.generator instanceof Topology ? args.generator
    : isLayerOutput(args.generator) ? Topology.fromOutputs(args.generator)
    : undefined;
  if (!topology) throw new ConfigError('generate: generator must be a layer.beamSearch output or its topology');
  const network = new Network(topology);
  const feeds = Feeds.fromSamples(topology, args.input, args.feeding);
  const { generator: _g, parameters, input: _i, feeding: _f, ...overrides } = args;
  return network.generate(feeds, parameters, overrides);
}
