import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../initBackend.js';
import { opFamilies } from '../testing/opFamilies.js';
import { compareResults, runFamily } from '../testing/compareBackends.js';
import { useWasmWithCpuReference } from '../testing/backendTesting.js';
import { createThreadedWasmBackend } from './createThreadedWasmBackend.js';

// This file's process runs wasm on the threaded build with 2 threads (one wasm module per process).
beforeAll(() => useWasmWithCpuReference(2));

describe('wasm with 2 threads', () => {
  it('runs an XNNPACK pool of 2 threads', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(getThreadsCount()).toBe(2);
  });

  const families = opFamilies.filter((f) => /matMul|conv2d|maxPool|gather|unsortedSegmentSum|softmax/.test(f.name));
  it.each(families.map((f) => [f.name, f] as const))('computes %s as tfjs cpu does', async (_name, family) => {
    const ref = await runFamily(family, 'cpu', 13, family.linear === true);
    expect(compareResults(ref, await runFamily(family, 'wasm', 13))).toBeNull();
  });

  it('keeps the running backend when asked for another thread count, and says so', async () => {
    const lines: string[] = [];
    const info = await initBackend({ backend: 'wasm', threads: 1, log: (l) => lines.push(l) });
    expect(info.threads).toBe(2);
    expect(lines[0]).toMatch(/^wasm: already running with 2 thread\(s\), kept \(asked for 1\)$/);
  });

  it('rejects a thread count it cannot build', async () => {
    await expect(createThreadedWasmBackend(1, 1000)).rejects.toThrow(/^createThreadedWasmBackend: threads must be an integer in 2\.\.8, got 1$/);
    await expect(createThreadedWasmBackend(9, 1000)).rejects.toThrow(/got 9$/);
  });

  it('lets a program that used 2 threads exit by itself', () => {
    const script = fileURLToPath(new URL('../testing/threadedExit.ts', import.meta.url));
    // The timeout only guards against a hang; the assertion is on the exit status.
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('threads 2 sum 256');
    expect(run.status).toBe(0);
  });
});
