import { isLayerOutput, Topology, type LayerOutput } from '@oar/layers';
import { ConfigError } from './errors.js';
import { Feeds, type Feeding } from './executor/feeds.js';
import { Network } from './executor/Network.js';
import type { Parameters } from './Parameters.js';

export interface InferArgs {
  /** The layer(s) whose values to compute (names or layers), or a topology and its output names. */
  output: LayerOutput | LayerOutput[] | string | string[];
  /** A topology that holds the outputs (needed when `output` is given by name). */
  topology?: Topology;
  parameters: Parameters;
  /** Samples (tuples of the input fields the outputs need). */
  input: readonly unknown[];
  feeding?: Feeding;
}

/** One output's values: `rows` rows of `size` numbers, with sequence start positions for sequence outputs. */
export interface InferResult {
  data: Float32Array;
  rows: number;
  size: number;
  seqStarts?: Int32Array;
}

/**
 * Computes layer values for samples, in inference mode.
 * @paddle paddle.infer
 * @example
 * const [probs] = infer({ output: prediction, parameters, input: [[image]] });
 */
export function infer(args: InferArgs): InferResult[] {
  const outputs = Array.isArray(args.output) ? args.output : [args.output];
  let topology: Topology;
  let names: string[];
  if (outputs.every(isLayerOutput)) {
    topology = Topology.fromOutputs(outputs);
    names = [...topology.outputNames];
  } else if (outputs.every((o) => typeof o === 'string') && args.topology) {
    topology = args.topology;
    names = outputs as string[];
    names.forEach((n) => topology.layer(n));
  } else {
    throw new ConfigError('infer: output must be layers, or layer names together with a topology');
  }
  const network = new Network(topology);
  const needed = network.needed(names);
  const feeding = args.feeding ?? Object.fromEntries(topology.inputNames.filter((n) => needed.has(n)).map((n, i) => [n, i]));
  const feeds = Feeds.fromSamples(topology, args.input, feeding);
  const values = network.infer(feeds, args.parameters, names);
  return names.map((n) => values.get(n)!);
}
