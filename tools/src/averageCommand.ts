import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Parameters } from '@oar/worker';
import { loadPass, savePass } from './runDir.js';
import { UsageError } from './UsageError.js';

export interface AverageOptions {
  out: string;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `oar average PASS...`: a model whose parameters are the element-wise mean of several pass folders of one run
 * (checkpoint averaging, the saved-model form of Paddle's ModelAverage). Written as `OUT/pass-NNNNN` with the
 * newest input's pass number, topology, generator and dictionaries, and no optimizer state: the result is for
 * `oar evaluate`, `oar infer` and `oar generate`; `--resume` from it starts the optimizer afresh.
 */
export async function averageCommand(passDirs: string[], opts: AverageOptions): Promise<string> {
  if (passDirs.length < 2) throw new UsageError(`oar average needs at least two pass folders, got ${passDirs.length}`);
  for (const dir of passDirs) {
    if (!existsSync(resolve(dir, 'meta.json'))) throw new UsageError(`oar average: ${dir} is not a pass folder (no meta.json)`);
  }
  const passes = [];
  for (const dir of passDirs) passes.push({ dir, ...(await loadPass(dir)) });
  passes.sort((a, b) => a.meta.pass - b.meta.pass);
  const newest = passes.at(-1)!;
  const topology = newest.topology.serialize();
  for (const p of passes) {
    if (p.topology.serialize() !== topology) throw new UsageError(`oar average: ${p.dir} holds another network than ${newest.dir}; average passes of one run`);
  }
  const sums = new Map(newest.params.names().map((name) => [name, new Float64Array(newest.params.get(name).length)]));
  for (const p of passes) {
    for (const [name, sum] of sums) {
      const values = p.params.get(name);
      for (let i = 0; i < values.length; i++) sum[i]! += values[i]!;
    }
  }
  const mean = new Map([...sums].map(([name, sum]) => [name, Float32Array.from(sum, (v) => v / passes.length)]));
  const params = Parameters.fromValues(newest.topology, mean);
  const meta = { ...newest.meta, averagedFrom: passes.map((p) => p.meta.pass) };
  const out = await savePass(opts.out, meta, newest.topology, params, {}, newest.state, newest.generator);
  log(`oar: averaged passes ${passes.map((p) => p.meta.pass).join(', ')} of ${newest.meta.config} into ${out}`);
  return out;
}
