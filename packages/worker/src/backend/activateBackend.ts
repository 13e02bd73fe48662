import * as tf from '@tensorflow/tfjs-core';

/**
 * Initializes a registered tfjs backend and makes it active. tfjs's own `setBackend` only logs a failed
 * initialization and returns false, so the factory is run here to keep the reason.
 *
 * @example
 * await activateBackend('cpu');
 */
export async function activateBackend(tfjsName: string): Promise<void> {
  if (!isBackendInitialized(tfjsName)) {
    const factory = tf.findBackendFactory(tfjsName);
    if (factory === null) throw new Error(`no tfjs backend named '${tfjsName}' is registered`);
    const backend = await factory();
    tf.removeBackend(tfjsName);
    tf.registerBackend(tfjsName, () => backend);
  }
  if (!(await tf.setBackend(tfjsName))) throw new Error(`tfjs could not make '${tfjsName}' the active backend`);
}

/**
 * True if tfjs has already built backend `tfjsName` (`tf.findBackend` cannot tell: it starts building it).
 *
 * @example
 * if (!isBackendInitialized('wasm')) await loadWasmBackend(2, console.log);
 */
export function isBackendInitialized(tfjsName: string): boolean {
  return tf.engine().registry[tfjsName] !== undefined;
}
