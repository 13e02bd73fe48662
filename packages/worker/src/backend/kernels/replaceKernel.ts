import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';

/** Marks the kernel functions registered here, so that registering twice is a no-op. */
const oarKernel = Symbol.for('oar.worker.kernel');

/**
 * Registers a kernel for a backend in tfjs's global registry, replacing a stock one if there is one;
 * `make` receives the stock config (to delegate to it). Does nothing if the kernel there is already ours.
 *
 * @example
 * replaceKernel('BatchMatMul', 'wasm', (stock) => ({ ...stock!, kernelFunc: myMatMul(stock!.kernelFunc) }));
 */
export function replaceKernel(
  kernelName: string,
  backendName: string,
  make: (stock: KernelConfig | undefined) => KernelConfig,
): void {
  const current = tf.getKernel(kernelName, backendName);
  if (current !== undefined && isOurKernel(current.kernelFunc)) return;
  const config = make(current);
  Object.defineProperty(config.kernelFunc, oarKernel, { value: true });
  if (current !== undefined) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...config, kernelName, backendName });
}

/** True if `kernelFunc` was registered by {@link replaceKernel}. */
export function isOurKernel(kernelFunc: KernelFunc): boolean {
  return (kernelFunc as unknown as Record<symbol, unknown>)[oarKernel] === true;
}
