import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendError } from './BackendError.js';
import type { BackendLoader, BackendName } from './backendLoaders.js';
import { initBackend } from './initBackend.js';

/** Loaders that record their calls; the names in `failing` throw "not here (NAME)". */
function fakeLoaders(failing: BackendName[], calls: string[]): BackendLoader[] {
  return (['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const).map((name) => ({
    name,
    async load() {
      calls.push(name);
      if (failing.includes(name)) throw new Error(`not here (${name})`);
      return { tfjsName: `fake-${name}`, threads: 3 };
    },
  }));
}

describe('initBackend with injected loaders', () => {
  it('tries the backends best first and keeps the first that loads, with the reasons of the others', async () => {
    const calls: string[] = [];
    const lines: string[] = [];
    const info = await initBackend({ loaders: fakeLoaders(['tensorflow-gpu', 'tensorflow'], calls), log: (l) => lines.push(l) });
    expect(calls).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm']);
    expect(info).toEqual({
      name: 'wasm', tfjsName: 'fake-wasm', threads: 3,
      tried: [{ name: 'tensorflow-gpu', reason: 'not here (tensorflow-gpu)' }, { name: 'tensorflow', reason: 'not here (tensorflow)' }],
    });
    expect(lines).toEqual([expect.stringMatching(/^backend: wasm, 3 thread\(s\) \(unavailable: tensorflow-gpu: not here \(tensorflow-gpu\); tensorflow: not here \(tensorflow\)\)$/)]);
  });

  it('takes the gpu backend when it loads, trying nothing else', async () => {
    const calls: string[] = [];
    const info = await initBackend({ loaders: fakeLoaders([], calls), log: () => {} });
    expect(calls).toEqual(['tensorflow-gpu']);
    expect(info.tried).toEqual([]);
  });

  it('falls through to cpu when everything else fails', async () => {
    const calls: string[] = [];
    const info = await initBackend({ loaders: fakeLoaders(['tensorflow-gpu', 'tensorflow', 'wasm'], calls), log: () => {} });
    expect(info.name).toBe('cpu');
    expect(info.tried.map((t) => t.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm']);
  });

  it('loads only a forced backend', async () => {
    const calls: string[] = [];
    const info = await initBackend({ backend: 'cpu', loaders: fakeLoaders([], calls), log: () => {} });
    expect(calls).toEqual(['cpu']);
    expect(info.name).toBe('cpu');
  });

  it('fails clearly when a forced backend fails, naming it and why', async () => {
    const calls: string[] = [];
    const run = initBackend({ backend: 'tensorflow', loaders: fakeLoaders(['tensorflow'], calls), log: () => {} });
    await expect(run).rejects.toThrow(BackendError);
    await expect(initBackend({ backend: 'tensorflow', loaders: fakeLoaders(['tensorflow'], []) }))
      .rejects.toThrow(/^initBackend: backend 'tensorflow' failed to load: not here \(tensorflow\)$/);
    expect(calls).toEqual(['tensorflow']);
  });

  it('lists every reason when no backend loads', async () => {
    await expect(initBackend({ loaders: fakeLoaders(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'], []), log: () => {} }))
      .rejects.toThrow(/^initBackend: no backend loaded \(tensorflow-gpu: not here \(tensorflow-gpu\); .*cpu: not here \(cpu\)\)$/);
  });

  it('rejects bad options with what is allowed', async () => {
    await expect(initBackend({ backend: 'tpu' as BackendName })).rejects
      .toThrow(/^initBackend: backend must be one of tensorflow-gpu, tensorflow, wasm, cpu, got 'tpu'$/);
    await expect(initBackend({ threads: 0 })).rejects.toThrow(/^initBackend: threads must be a positive integer, got 0$/);
    await expect(initBackend({ threads: 1.5 })).rejects.toThrow(/threads must be a positive integer, got 1\.5/);
  });
});

describe('initBackend on this machine (no tfjs-node)', () => {
  it('skips tfjs-node-gpu and tfjs-node, which are not installed, and runs wasm', async () => {
    const lines: string[] = [];
    const info = await initBackend({ threads: 1, log: (l) => lines.push(l) });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.threads).toBe(1);
    expect(info.tried.map((t) => t.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(info.tried[0]!.reason).toMatch(/@tensorflow\/tfjs-node-gpu/);
    expect(info.tried[1]!.reason).toMatch(/@tensorflow\/tfjs-node'/);
    expect(lines.join('\n')).toMatch(/^backend: wasm, 1 thread\(s\) \(unavailable: tensorflow-gpu: .*tfjs-node-gpu/);
  });

  it('fails on a forced tfjs-node with the reason', async () => {
    await expect(initBackend({ backend: 'tensorflow-gpu', log: () => {} }))
      .rejects.toThrow(/^initBackend: backend 'tensorflow-gpu' failed to load: .*@tensorflow\/tfjs-node-gpu/);
  });

  it('switches to cpu when forced, and back to wasm', async () => {
    expect((await initBackend({ backend: 'cpu', log: () => {} })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.grad((x: tf.Tensor) => x.square().sum())(tf.tensor([1, -2])).arraySync()).toEqual([2, -4]);
    expect((await initBackend({ backend: 'wasm', threads: 1, log: () => {} })).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});
