import type { LayerOutput } from '@oar/layers';
import type { OptimizerConfig } from '@oar/pserver';
import type { Feeding } from './executor/feeds.js';

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
