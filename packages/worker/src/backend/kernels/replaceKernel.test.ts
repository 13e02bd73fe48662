import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isOurKernel, replaceKernel } from './replaceKernel.js';

describe('replaceKernel', () => {
  it('registers, wraps the stock kernel once, and is a no-op the second time', () => {
    const backendName = 'oar-test-backend';
    const stock: KernelFunc = () => ({ dataId: {}, shape: [], dtype: 'float32' });
    tf.registerKernel({ kernelName: 'Abs', backendName, kernelFunc: stock });
    const seen: Array<KernelFunc | undefined> = [];
    const wrap = () => replaceKernel('Abs', backendName, (s) => {
      seen.push(s?.kernelFunc);
      return { kernelName: 'Abs', backendName, kernelFunc: (args) => s!.kernelFunc(args) };
    });
    wrap();
    wrap();
    expect(seen).toEqual([stock]);
    const current = tf.getKernel('Abs', backendName)!.kernelFunc;
    expect(isOurKernel(current)).toBe(true);
    expect(isOurKernel(stock)).toBe(false);
    replaceKernel('Sqrt', backendName, (s) => ({ kernelName: 'Sqrt', backendName, kernelFunc: s?.kernelFunc ?? stock }));
    expect(tf.getKernel('Sqrt', backendName)).toBeDefined();
    tf.unregisterKernel('Abs', backendName);
    tf.unregisterKernel('Sqrt', backendName);
  });
});
