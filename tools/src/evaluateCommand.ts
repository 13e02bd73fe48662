import { relative } from 'node:path';
import { batch, type Reader } from '@oar/data';
import { generate, initBackend, SGD, type BackendName, type BatchReader } from '@oar/worker';
import { loadConfig, parseConfigOptions } from './loadConfig.js';
import { loadPass, resolveModelDir } from './runDir.js';
import { formatMetrics } from './trainCommand.js';
import { UsageError } from './UsageError.js';

export interface EvaluateOptions {
  model: string;
  backend?: BackendName;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `oar evaluate`: a trained model's test cost and metrics, and its config's held-out evaluation (e.g. g2p's
 * WER and PER by beam search), without training. Config flags override the saved options (`--eval-words 0`).
 */
export async function evaluateCommand(opts: EvaluateOptions, extraArgs: string[]): Promise<void> {
  await initBackend({ log: () => {}, ...(opts.backend ? { backend: opts.backend } : {}) });
  const dir = await resolveModelDir(opts.model);
  const { meta, topology, params, state, generator } = await loadPass(dir);
  const { config, path } = await loadConfig(meta.config);
  const { given } = parseConfigOptions(config, relative(process.cwd(), path), extraArgs);
  const options = { ...meta.options, ...given };
  const setup = await config.build(options, { batchSize: meta.batchSize, seed: meta.seed, saved: state });
  if (!setup.test && !setup.evaluate) throw new UsageError(`${meta.config} has neither a test reader nor an evaluate function`);
  const t0 = Date.now();
  if (setup.test) {
    const trainer = new SGD({ cost: topology, parameters: params, updateEquation: setup.optimizer });
    const testReader = batch(setup.test as Reader<unknown>, meta.batchSize) as unknown as BatchReader;
    const result = await trainer.test({ reader: testReader, ...(setup.feeding ? { feeding: setup.feeding } : {}) });
    log(`oar: ${dir}: test cost ${result.cost.toFixed(4)}${formatMetrics(result.metrics)}`);
  }
  if (setup.evaluate) {
    if (!generator) throw new UsageError(`${dir} has no generator.json, which the config's evaluate needs`);
    const metrics = await setup.evaluate((sources, overrides) => generate({ generator, parameters: params, input: sources, ...overrides }));
    log(`oar: ${dir}: evaluation${formatMetrics(metrics)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
}
