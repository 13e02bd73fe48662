import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../BackendError.js';

/** XNNPACK's pool in tfjs-backend-wasm 4.22 is capped at 8 threads (8 pthread workers are pre-started). */
export const maxWasmThreads = 8;

/** The emscripten module object of the threaded build, as far as this file uses it. */
interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: number[]) => number;
  PThread?: { runningWorkers: Worker[]; unusedWorkers: Worker[]; terminateAllThreads(): void };
  tfjs?: Record<string, unknown>;
}

type Imports = { env: Record<string, unknown> };
type Receive = (instance: object, module: object) => void;
/** The part of the WebAssembly global used here (the project's TypeScript libs do not declare it). */
interface WebAssemblyApi { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object; module: object }> }

interface FactoryConfig {
  mainScriptUrlOrBlob: string;
  locateFile(path: string): string;
  instantiateWasm(info: Imports, receive: Receive): object;
  onAbort(reason: unknown): void;
}

/**
 * Builds a tfjs-backend-wasm backend on the package's threaded SIMD build, with an XNNPACK pool of
 * `threads` threads, loaded the Node way: real script files for the main module and the pthread workers
 * (tfjs itself only knows blob: URLs, which Node's worker_threads cannot start, so it turns threads off
 * in Node). Rejects after `timeoutMs` if the workers do not come up.
 *
 * @example
 * const backend = await createThreadedWasmBackend(2, 30_000);
 * tf.registerBackend('wasm', () => backend);
 */
export async function createThreadedWasmBackend(threads: number, timeoutMs: number): Promise<BackendWasm> {
  if (!Number.isInteger(threads) || threads < 2 || threads > maxWasmThreads) {
    throw new BackendError(`createThreadedWasmBackend: threads must be an integer in 2..${maxWasmThreads}, got ${threads}`);
  }
  const require = createRequire(import.meta.url);
  const mainScript = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const workerScript = fileURLToPath(new URL('./pthreadWorker.cjs', import.meta.url));
  if (!existsSync(workerScript)) throw new BackendError(`wasm threads: worker script missing at ${workerScript}`);
  await preflightWorkerScript(workerScript, timeoutMs);
  const wasmBytes = await readFile(join(dirname(mainScript), 'tfjs-backend-wasm-threaded-simd.wasm'));
  const factory = require(mainScript) as (config: FactoryConfig) => Promise<ThreadedModule>;

  let fail: (reason: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => { fail = reject; });
  failed.catch(() => {}); // a failure after the race is over is not this function's any more
  const config: FactoryConfig & Partial<ThreadedModule> = {
    mainScriptUrlOrBlob: mainScript,
    locateFile: (path) => (path.endsWith('.worker.js') ? workerScript : join(dirname(mainScript), path)),
    instantiateWasm(info, receive) {
      // tfjs sizes the pool as min(threads, logical cores / 2) (it assumes two hyper-threads per core),
      // so report twice the threads asked for; the count is then exactly `threads`.
      info.env['emscripten_num_logical_cores'] = () => 2 * threads;
      (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly.instantiate(wasmBytes, info)
        .then((r) => receive(r.instance, r.module), fail);
      return {};
    },
    onAbort: (reason) => fail(new Error(`wasm module aborted: ${String(reason)}`)),
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`workers did not start within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const module = await Promise.race([factory(config), failed, timedOut]);
    return makeBackend(module, threads);
  } catch (error) {
    config.PThread?.terminateAllThreads();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts a pthread worker script once on its own and waits for it to report that it loaded: emscripten
 * treats an error in one of its pool's workers as fatal to the whole process, so a broken install must be
 * caught here, where it only means falling back to one thread.
 *
 * @example
 * await preflightWorkerScript(fileURLToPath(new URL('./pthreadWorker.cjs', import.meta.url)), 30_000);
 */
export async function preflightWorkerScript(workerScript: string, timeoutMs: number): Promise<void> {
  const worker = new Worker(workerScript, { workerData: 'oar-preflight' });
  try {
    const answer = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker script did not start within ${timeoutMs} ms`)), timeoutMs);
      worker.once('message', (m) => { clearTimeout(timer); resolve(m); });
      worker.once('error', (e) => { clearTimeout(timer); reject(new Error(`worker script failed: ${e.message}`)); });
    });
    if (answer !== 'ready') throw new Error(`worker script: ${String(answer)}`);
  } finally {
    await worker.terminate();
  }
}

function makeBackend(module: ThreadedModule, threads: number): BackendWasm {
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  setThreadsCount(threads);
  const backend = new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
  // The pool's threads live as long as the process; emscripten keeps a running pthread's worker ref'd,
  // which would keep Node from exiting when the program is done.
  for (const worker of module.PThread?.runningWorkers ?? []) worker.unref();
  return backend;
}
