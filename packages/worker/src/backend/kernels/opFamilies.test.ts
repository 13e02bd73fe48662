import { beforeAll, describe, expect, it } from 'vitest';
import { opFamilies } from '../testing/opFamilies.js';
import { compareResults, runFamily } from '../testing/compareBackends.js';
import { useWasmWithCpuReference } from '../testing/backendTesting.js';

// Forward and backward of every op family the layers use, on wasm (with Oar's kernels) against tfjs's
// cpu backend (or central differences for the linear ones whose cpu gradient is wrong), within
// |wasm − ref| ≤ 1e-5 + 1e-4·|ref|; a run must also leave no tensor buffer behind on wasm.
beforeAll(() => useWasmWithCpuReference(1));

describe('op families on wasm vs the cpu reference', () => {
  it.each(opFamilies.map((f) => [f.name, f] as const))('%s', async (_name, family) => {
    const ref = await runFamily(family, 'cpu', 11, family.linear === true);
    const got = await runFamily(family, 'wasm', 11);
    expect(got.grads.length).toBe(family.grad === false ? 0 : family.inputs.filter((s) => s.kind !== 'ids').length);
    expect(compareResults(ref, got)).toBeNull();
  });
});
