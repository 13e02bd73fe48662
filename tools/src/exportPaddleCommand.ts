import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { exportProtostr, FormatError } from '@oar/layers';
import { writeParameterTar } from '@oar/worker';
import { loadPass, resolveModelDir } from './runDir.js';
import { UsageError } from './UsageError.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `oar export-paddle`: writes a model folder (a pass folder, or a save dir meaning its newest pass) as Paddle's
 * `PREFIX.protostr` (ModelConfig in text format) and, when it has parameters, `PREFIX.tar` (a v2 parameter archive).
 */
export async function exportPaddleCommand(opts: { model: string; out: string }): Promise<void> {
  const dir = await resolveModelDir(opts.model);
  const { topology, params } = await loadPass(dir);
  let text: string;
  try {
    text = exportProtostr(topology.config);
  } catch (err) {
    if (err instanceof FormatError) throw new UsageError(err.message);
    throw err;
  }
  await mkdir(dirname(opts.out) || '.', { recursive: true });
  await writeFile(`${opts.out}.protostr`, text);
  const written = [`${opts.out}.protostr (${topology.layers.length} layers)`];
  if (topology.parameters.length > 0) {
    await writeFile(`${opts.out}.tar`, writeParameterTar(params, topology));
    written.push(`${opts.out}.tar (${topology.parameters.length} parameters)`);
  }
  log(`oar: wrote ${written.join(' and ')} from ${dir}`);
  if (existsSync(join(dir, 'generator.json'))) log(`oar: the generating network (${join(dir, 'generator.json')}) is not exported; its parameters are the training network's`);
}
