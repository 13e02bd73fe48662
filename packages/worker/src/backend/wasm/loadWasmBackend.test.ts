import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { preflightWorkerScript } from './createThreadedWasmBackend.js';
import { loadWasmBackend } from './loadWasmBackend.js';

// Runs in its own process: the first test is the one that starts wasm here.
describe('loadWasmBackend', () => {
  it('caps the threads at tfjs-wasm\'s 8 and falls back to one thread, saying why, when that fails', async () => {
    const lines: string[] = [];
    const asked: number[] = [];
    const failing = async (threads: number) => {
      asked.push(threads);
      throw new Error('workers did not start within 10 ms');
    };
    expect(await loadWasmBackend(12, (l) => lines.push(l), failing)).toBe(1);
    expect(asked).toEqual([8]);
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toEqual([
      "wasm: 12 threads asked, tfjs-wasm's pool holds at most 8",
      'wasm: 8 threads unavailable (workers did not start within 10 ms), using 1 thread',
    ]);
    expect(tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).arraySync()).toEqual([[3, 3], [3, 3]]);
  });

  it('keeps a running wasm backend, saying so when the thread count differs', async () => {
    const lines: string[] = [];
    expect(await loadWasmBackend(4, (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual(['wasm: already running with 1 thread(s), kept (asked for 4)']);
  });
});

describe('preflightWorkerScript', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oar-preflight-'));
  const script = (name: string, body: string) => { const p = join(dir, name); writeFileSync(p, body); return p; };

  it('accepts the shipped worker script', async () => {
    await expect(preflightWorkerScript(new URL('./pthreadWorker.cjs', import.meta.url).pathname, 10_000)).resolves.toBeUndefined();
  });

  it('reports a worker script that throws, instead of letting it kill the process', async () => {
    await expect(preflightWorkerScript(script('throws.cjs', "throw new Error('no tfjs here');"), 10_000))
      .rejects.toThrow(/^worker script failed: no tfjs here$/);
  });

  it('reports a worker script that answers something else', async () => {
    await expect(preflightWorkerScript(script('odd.cjs', "require('worker_threads').parentPort.postMessage('odd');"), 10_000))
      .rejects.toThrow(/^worker script: odd$/);
  });
});
