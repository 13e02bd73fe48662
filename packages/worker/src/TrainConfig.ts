import type { LayerOutput } from '@oar/layers';
import type { OptimizerConfig } from '@oar/pserver';
import type { Feeding } from './executor/feeds.js';
import type { Hypothesis } from './generation/beamSearch.js';
import type { GenerateOverrides } from './generation/generateGroup.js';

/** Generates for a batch of source samples with the model being trained (see `ModelSetup.evaluate`). */
export type GenerateFunction = (sources: readonly unknown[], overrides?: GenerateOverrides) => Hypothesis[][];

/** A reader of samples (not batches): `() => Iterable | AsyncIterable`. @paddle paddle.reader */
export type SampleReader = () => Iterable<unknown> | AsyncIterable<unknown>;

/** An option a config declares; `oar train --max-tokens 100` sets option `maxTokens`. */
export interface OptionSpec {
  type: 'number' | 'string' | 'boolean';
  default?: number | string | boolean;
  help: string;
}

export interface BuildContext {
  batchSize: number;
  seed: number;
  /** The `state` saved with a trained model (dictionaries), when building for inference or resuming. */
  saved?: unknown;
}

/** Everything training and inference need, as a config module's `build` returns it. */
export interface ModelSetup {
  /** Cost layer(s) to minimise. */
  cost: LayerOutput | LayerOutput[];
  /** The layer `oar infer` computes (e.g. the softmax prediction). */
  output: LayerOutput;
  optimizer: OptimizerConfig;
  train: SampleReader;
  test?: SampleReader;
  /** Batch size when the command line gives none. */
  batchSize?: number;
  feeding?: Feeding;
  /** JSON-serialisable state saved with every pass and handed back as `saved` (word dictionaries). */
  state?: unknown;
  /** One line of an `oar infer --input` file as a sample for the output's data layers. */
  parseInput?: (line: string) => unknown[];
  /** One output row as the text `oar infer` prints. */
  formatOutput?: (row: Float32Array, line: string) => string;
  /** The generating network (layer.beamSearch), sharing its parameters with training by name. */
  generator?: LayerOutput;
  /** One line of an `oar generate --input` file as a source sample for the generator's data layers. */
  parseSource?: (line: string) => unknown[];
  /** Generated ids as the text `oar generate` prints. */
  formatTokens?: (ids: readonly number[]) => string;
  /** Held-out evaluation after every pass (e.g. word and phoneme error rates), written to metrics.jsonl. */
  evaluate?: (generate: GenerateFunction) => Promise<Record<string, number>> | Record<string, number>;
}

/**
 * A training config module's default export: its options and how it builds the model and readers.
 * @paddle the v1 trainer config file (`paddle train --config=...`), as a module
 * @example
 * export default defineConfig({
 *   description: 'MLP on Fashion-MNIST',
 *   options: { hidden: { type: 'number', default: 128, help: 'hidden units' } },
 *   build: ({ hidden }) => ({ cost, output, optimizer: { type: 'adam', learningRate: 1e-3 }, train, test }),
 * });
 */
export interface TrainConfig<O extends Record<string, unknown> = Record<string, unknown>> {
  description?: string;
  options?: { [K in keyof O]: OptionSpec };
  build(options: O, ctx: BuildContext): ModelSetup | Promise<ModelSetup>;
}

export function defineConfig<O extends Record<string, unknown>>(config: TrainConfig<O>): TrainConfig<O> {
  return config;
}
