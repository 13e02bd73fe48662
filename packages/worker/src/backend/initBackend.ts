import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from './BackendError.js';
import { defaultBackendLoaders } from './backendLoaders.js';
import type { BackendLoader, BackendName } from './backendLoaders.js';
import { registerGradients } from './registerGradients.js';

/** The backend names `initBackend` accepts, best first. */
export const backendNames: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface InitBackendOptions {
  /** Force this backend (an error if it cannot load); default: the best that loads. */
  backend?: BackendName;
  /** wasm: threads of the XNNPACK pool, default the machine's cores (capped at 8). */
  threads?: number;
  /** Where notes go (a fallback and its reason, the backend chosen); default stderr. */
  log?: (line: string) => void;
  /** The loaders to try, best first (tests replace them); default {@link defaultBackendLoaders}. */
  loaders?: readonly BackendLoader[];
}

export interface BackendInfo {
  /** The backend in use. */
  name: BackendName;
  /** tfjs's name for it (`tf.getBackend()`). */
  tfjsName: string;
  /** Threads it computes with, where Oar controls that (wasm, cpu). */
  threads?: number;
  /** The better backends that were tried first and failed, with why. */
  tried: Array<{ name: BackendName; reason: string }>;
}

function checkOptions(options: InitBackendOptions): void {
  const { backend, threads } = options;
  if (backend !== undefined && !backendNames.includes(backend)) {
    throw new BackendError(`initBackend: backend must be one of ${backendNames.join(', ')}, got '${String(backend)}'`);
  }
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new BackendError(`initBackend: threads must be a positive integer, got ${threads}`);
  }
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0]!;

/**
 * Picks and starts the compute backend: tries tfjs-node-gpu, tfjs-node, wasm, then cpu, and keeps the
 * first that loads (or only `backend`, when forced). Registers every tfjs gradient and Oar's kernels
 * (the ones tfjs-wasm lacks for training, fast transposed matMuls), and on wasm starts `threads` threads.
 *
 * @paddle paddle.init(use_gpu=..., trainer_count=...)
 * @example
 * const info = await initBackend({ log: console.log }); // { name: 'wasm', threads: 2, tried: [...] }
 * const forced = await initBackend({ backend: 'cpu' });
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  checkOptions(options);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const threads = options.threads ?? availableParallelism();
  const loaders = options.loaders ?? defaultBackendLoaders();
  const forced = options.backend;
  const candidates = forced === undefined ? loaders : loaders.filter((l) => l.name === forced);
  if (candidates.length === 0) throw new BackendError(`initBackend: no loader for backend '${forced}'`);
  await registerGradients();
  // Silences tfjs's console warnings, among them the cpu backend's advert for tfjs-node: Oar says itself
  // what it runs on.
  tf.enableProdMode();
  const tried: BackendInfo['tried'] = [];
  for (const loader of candidates) {
    try {
      const loaded = await loader.load({ threads, log });
      const info: BackendInfo = { name: loader.name, ...loaded, tried };
      const threadNote = info.threads === undefined ? '' : `, ${info.threads} thread(s)`;
      const triedNote = tried.map((t) => `${t.name}: ${t.reason}`).join('; ');
      log(`backend: ${info.name}${threadNote}${triedNote === '' ? '' : ` (unavailable: ${triedNote})`}`);
      return info;
    } catch (error) {
      if (forced !== undefined) {
        throw new BackendError(`initBackend: backend '${forced}' failed to load: ${reasonOf(error)}`);
      }
      tried.push({ name: loader.name, reason: reasonOf(error) });
    }
  }
  throw new BackendError(`initBackend: no backend loaded (${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')})`);
}
