import { activateBackend } from './activateBackend.js';
import { registerCpuKernels, registerWasmKernels } from './kernels/registerKernels.js';
import { loadWasmBackend } from './wasm/loadWasmBackend.js';

/** The compute backends, best first. `tensorflow-gpu` and `tensorflow` are tfjs-node(-gpu)'s libtensorflow. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** What a loader is given. */
export interface LoaderOptions {
  /** Threads wanted (wasm only), ≥ 1. */
  threads: number;
  log: (line: string) => void;
}

/** A backend made active by a loader. */
export interface LoadedBackend {
  /** tfjs's name for it (`tf.getBackend()`). */
  tfjsName: string;
  /** Threads it computes with, where Oar controls that (wasm: the XNNPACK pool; cpu: 1). */
  threads?: number;
}

/**
 * Loads one backend: imports its package, registers Oar's kernels for it and makes it tfjs's active
 * backend; throws (with the reason) if it cannot.
 */
export interface BackendLoader {
  name: BackendName;
  load(options: LoaderOptions): Promise<LoadedBackend>;
}

/** Imports a package the project lists only as optional (so TypeScript has no types for it). */
async function importOptional(specifier: string): Promise<void> {
  await import(specifier);
}

const nodeLoader = (name: BackendName, specifier: string): BackendLoader => ({
  name,
  async load() {
    await importOptional(specifier);
    await activateBackend('tensorflow');
    return { tfjsName: 'tensorflow' };
  },
});

/**
 * The loaders `initBackend` tries, best first: tfjs-node-gpu, tfjs-node, wasm, cpu.
 *
 * @example
 * const names = defaultBackendLoaders().map((l) => l.name); // ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']
 */
export function defaultBackendLoaders(): BackendLoader[] {
  return [
    nodeLoader('tensorflow-gpu', '@tensorflow/tfjs-node-gpu'),
    nodeLoader('tensorflow', '@tensorflow/tfjs-node'),
    {
      name: 'wasm',
      async load({ threads, log }) {
        await import('@tensorflow/tfjs-backend-wasm');
        registerWasmKernels();
        return { tfjsName: 'wasm', threads: await loadWasmBackend(threads, log) };
      },
    },
    {
      name: 'cpu',
      async load() {
        await import('@tensorflow/tfjs-backend-cpu');
        registerCpuKernels();
        await activateBackend('cpu');
        return { tfjsName: 'cpu', threads: 1 };
      },
    },
  ];
}
