import { readFile } from 'node:fs/promises';
import { infer } from '@oar/worker';
import { initBackend, type BackendName } from '@oar/worker';
import { loadConfig } from './loadConfig.js';
import { loadPass, resolveModelDir } from './runDir.js';
import { UsageError } from './UsageError.js';

/** `oar infer`: runs a trained model's output layer on every line of an input file. */
export async function inferCommand(opts: { model: string; input: string; backend?: BackendName }): Promise<void> {
  await initBackend(opts.backend ? { backend: opts.backend } : {});
  const dir = await resolveModelDir(opts.model);
  const { meta, topology, params, state } = await loadPass(dir);
  const { config } = await loadConfig(meta.config);
  const setup = await config.build(meta.options, { batchSize: meta.batchSize, seed: meta.seed, saved: state });
  if (!setup.parseInput) throw new UsageError(`${meta.config} does not say how to read inference input (parseInput)`);
  let text: string;
  try {
    text = await readFile(opts.input, 'utf8');
  } catch {
    throw new UsageError(`--input: cannot read ${opts.input}`);
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  for (let i = 0; i < lines.length; i += 256) {
    const chunk = lines.slice(i, i + 256);
    const [result] = infer({ output: meta.output, topology, parameters: params, input: chunk.map((l) => setup.parseInput!(l)) });
    chunk.forEach((line, r) => {
      const row = result!.data.subarray(r * result!.size, (r + 1) * result!.size);
      process.stdout.write(`${setup.formatOutput ? setup.formatOutput(row, line) : `${line}\t${Array.from(row, (v) => v.toFixed(6)).join(' ')}`}\n`);
    });
  }
}
