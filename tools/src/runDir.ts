import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Topology } from '@oar/layers';
import { loadParameters, saveParameters, type Updater, type Parameters } from '@oar/worker';
import { UsageError } from './UsageError.js';

/** What a pass folder records besides parameters: enough to resume and to infer. */
export interface PassMeta {
  pass: number;
  samplesProcessed: number;
  config: string;
  options: Record<string, unknown>;
  output: string;
  seed: number;
  batchSize: number;
  /** Set by `oar average`: the passes whose parameters this folder's are the mean of. */
  averagedFrom?: number[];
}

export const passName = (pass: number) => `pass-${String(pass).padStart(5, '0')}`;

/**
 * Writes `DIR/pass-NNNNN/`: Paddle-format parameter files, `topology.json` (and `generator.json`), `meta.json`, `state.json`
 * (the config's dictionaries) and `optimizer/` (for --resume). Written to a temporary folder, then renamed.
 */
export async function savePass(
  dir: string, meta: PassMeta, topology: Topology, params: Parameters, updater: Pick<Updater, 'saveState'>, state: unknown, generator?: Topology,
): Promise<string> {
  const final = join(dir, passName(meta.pass));
  const tmp = `${final}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await saveParameters(params, join(tmp, 'params'));
  await mkdir(join(tmp, 'optimizer'), { recursive: true });
  for (const [name, bytes] of updater.saveState?.() ?? []) await writeFile(join(tmp, 'optimizer', name), bytes);
  await writeFile(join(tmp, 'topology.json'), topology.serialize());
  if (generator) await writeFile(join(tmp, 'generator.json'), generator.serialize());
  await writeFile(join(tmp, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  await writeFile(join(tmp, 'state.json'), `${JSON.stringify(state ?? null)}\n`);
  await rm(final, { recursive: true, force: true });
  await rename(tmp, final);
  return final;
}

/** The newest `pass-NNNNN` folder of a save dir, or undefined. */
export async function newestPass(dir: string): Promise<string | undefined> {
  if (!existsSync(dir)) return undefined;
  const passes = (await readdir(dir)).filter((n) => /^pass-\d{5}$/.test(n)).sort();
  return passes.length ? join(dir, passes.at(-1)!) : undefined;
}

/** A model folder: a pass folder, or a save dir meaning its newest pass. */
export async function resolveModelDir(dir: string): Promise<string> {
  if (existsSync(join(dir, 'meta.json'))) return dir;
  const newest = await newestPass(dir);
  if (!newest) throw new UsageError(`--model: ${dir} is neither a pass folder (with meta.json) nor a save dir with pass-NNNNN folders`);
  return newest;
}

export async function loadPass(dir: string): Promise<{
  meta: PassMeta; topology: Topology; params: Parameters; state: unknown; optimizer: Map<string, Uint8Array>; generator?: Topology;
}> {
  const read = async (name: string) => {
    try {
      return await readFile(join(dir, name), 'utf8');
    } catch {
      throw new UsageError(`${dir} has no ${name}; it was not written by oar train`);
    }
  };
  const meta = JSON.parse(await read('meta.json')) as PassMeta;
  const topology = Topology.fromJSON(await read('topology.json'));
  const params = await loadParameters(topology, join(dir, 'params'));
  const state = JSON.parse(await read('state.json')) as unknown;
  const optimizer = new Map<string, Uint8Array>();
  const optDir = join(dir, 'optimizer');
  if (existsSync(optDir)) for (const name of await readdir(optDir)) optimizer.set(name, await readFile(join(optDir, name)));
  const generator = existsSync(join(dir, 'generator.json')) ? Topology.fromJSON(await read('generator.json')) : undefined;
  return { meta, topology, params, state, optimizer, ...(generator ? { generator } : {}) };
}
