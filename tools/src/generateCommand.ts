import { readFile } from 'node:fs/promises';
import { generate, initBackend, type BackendName } from '@oar/worker';
import { loadConfig } from './loadConfig.js';
import { loadPass, resolveModelDir } from './runDir.js';
import { UsageError } from './UsageError.js';

export interface GenerateOptions {
  model: string;
  input: string;
  beamSize?: number;
  maxLength?: number;
  numResults?: number;
  backend?: BackendName;
}

/** `oar generate`: beam search with a trained model, one source per input line; prints `SOURCE\tTOKENS\tSCORE`. */
export async function generateCommand(opts: GenerateOptions): Promise<void> {
  await initBackend({ log: () => {}, ...(opts.backend ? { backend: opts.backend } : {}) });
  const dir = await resolveModelDir(opts.model);
  const { meta, params, state, generator } = await loadPass(dir);
  if (!generator) throw new UsageError(`--model: ${dir} has no generator.json; its config defines no generator (layer.beamSearch)`);
  const { config } = await loadConfig(meta.config);
  const setup = await config.build(meta.options, { batchSize: meta.batchSize, seed: meta.seed, saved: state });
  if (!setup.parseSource || !setup.formatTokens) throw new UsageError(`${meta.config} does not say how to read sources and print tokens (parseSource, formatTokens)`);
  if (opts.numResults !== undefined && opts.beamSize !== undefined && opts.numResults > opts.beamSize) {
    throw new UsageError(`--num-results (${opts.numResults}) cannot exceed --beam-size (${opts.beamSize})`);
  }
  let text: string;
  try {
    text = await readFile(opts.input, 'utf8');
  } catch {
    throw new UsageError(`--input: cannot read ${opts.input}`);
  }
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  const overrides = {
    ...(opts.beamSize !== undefined ? { beamSize: opts.beamSize } : {}),
    ...(opts.maxLength !== undefined ? { maxLength: opts.maxLength } : {}),
    ...(opts.numResults !== undefined ? { numResults: opts.numResults } : {}),
  };
  for (let i = 0; i < lines.length; i += 128) {
    const chunk = lines.slice(i, i + 128);
    const results = generate({ generator, parameters: params, input: chunk.map((l) => setup.parseSource!(l)), ...overrides });
    chunk.forEach((line, k) => {
      for (const h of results[k]!) process.stdout.write(`${line}\t${setup.formatTokens!(h.ids)}\t${h.score.toFixed(4)}\n`);
    });
  }
}
