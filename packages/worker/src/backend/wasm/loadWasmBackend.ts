import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { EventEmitter } from 'node:events';
import { activateBackend, isBackendInitialized } from '../activateBackend.js';
import { createThreadedWasmBackend, maxWasmThreads } from './createThreadedWasmBackend.js';

/** How long the threaded build may take to start its workers before Oar falls back to one thread. */
const threadStartTimeoutMs = 30_000;

/**
 * Makes tfjs-backend-wasm the active backend with `threads` XNNPACK threads (capped at 8): the threaded
 * SIMD build when `threads > 1`, falling back to the single-threaded build with a logged reason if that
 * fails. Returns the threads in use. A wasm backend that is already running is kept as it is.
 * `createThreaded` is replaceable for tests.
 *
 * @example
 * const threads = await loadWasmBackend(2, console.log);
 */
export async function loadWasmBackend(
  threads: number,
  log: (line: string) => void,
  createThreaded: typeof createThreadedWasmBackend = createThreadedWasmBackend,
): Promise<number> {
  if (isBackendInitialized('wasm')) {
    await activateBackend('wasm');
    const running = getThreadsCount();
    if (running !== threads) log(`wasm: already running with ${running} thread(s), kept (asked for ${threads})`);
    return running;
  }
  const wanted = Math.min(threads, maxWasmThreads);
  if (wanted < threads) log(`wasm: ${threads} threads asked, tfjs-wasm's pool holds at most ${maxWasmThreads}`);
  if (wanted > 1) {
    try {
      const backend = await withoutEmscriptenHandlers(() => createThreaded(wanted, threadStartTimeoutMs));
      tf.removeBackend('wasm');
      tf.registerBackend('wasm', () => backend);
      await activateBackend('wasm');
      return getThreadsCount();
    } catch (error) {
      log(`wasm: ${wanted} threads unavailable (${(error as Error).message}), using 1 thread`);
    }
  }
  setThreadsCount(1);
  await withoutEmscriptenHandlers(() => activateBackend('wasm'));
  return getThreadsCount();
}

/**
 * Runs `start` and removes the process-wide `uncaughtException` / `unhandledRejection` handlers that
 * emscripten's Node glue adds while a module starts: they rethrow every error from inside the module's
 * code, so that any crash of the program printed a page of minified tfjs-wasm source.
 */
async function withoutEmscriptenHandlers<T>(start: () => Promise<T>): Promise<T> {
  const emitter: EventEmitter = process;
  const events = ['uncaughtException', 'unhandledRejection'];
  const before = events.map((event) => new Set(emitter.listeners(event)));
  try {
    return await start();
  } finally {
    events.forEach((event, i) => {
      for (const listener of emitter.listeners(event)) {
        if (!before[i]!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    });
  }
}
