import { describe, expect, it } from 'vitest';
import type { OptimizerConfig } from '../optimizer/optimizerConfig.js';
import { moveTowards, ParameterOptimizer } from '../optimizer/parameterOptimizer.js';
import { bytesOf } from './protocol.js';
import { Shard } from './Shard.js';

/** Deterministic pseudo-random floats in [-1, 1) (a tiny LCG). */
function floats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

// One parameter of 10 floats in blocks of 4 on 1 pserver: blocks of 4, 4 and 2 floats.
const SIZE = 10;
const BLOCK = 4;

function shardFor(optimizer: OptimizerConfig, value: Float32Array): Shard {
  const init = { modelHash: 'h', server: 0, numServers: 1, blockSize: BLOCK, params: [{ name: 'w', size: SIZE }], optimizer };
  const frames = [0, 4, 8].map((o) => bytesOf(value.slice(o, Math.min(SIZE, o + BLOCK))));
  return Shard.create(init, frames);
}

/** A push as the pserver receives it: its block frames, viewed. */
function push(shard: Shard, grad: Float32Array) {
  return shard.readGradients([], [0, 4, 8].map((o) => bytesOf(grad.slice(o, Math.min(SIZE, o + BLOCK)))));
}

/** The step as a pserver computed it before the fold: a stored mean (first push copied, the others moved towards), then update. */
function reference(optimizer: OptimizerConfig, value: Float32Array, pushes: { grad: Float32Array; samples: number }[], steps: number): Float32Array {
  const opt = new ParameterOptimizer(optimizer);
  const state = opt.createState(SIZE);
  const v = value.slice();
  for (let step = 0; step < steps; step++) {
    const mean = new Float32Array(SIZE);
    let samples = 0;
    for (const { grad, samples: w } of pushes) {
      if (w === 0) continue;
      if (samples === 0) mean.set(grad);
      else moveTowards(mean, w / (samples + w), grad);
      samples += w;
    }
    opt.update(v, mean, state, { numSamplesProcessed: step * samples, pass: 0 });
  }
  return v;
}

function values(shard: Shard): number[] {
  return shard.blocks.flatMap((b) => Array.from(b.value));
}

describe('Shard sync steps: the running mean folded into the update', () => {
  const optimizers: OptimizerConfig[] = [
    { type: 'sgd', learningRate: 0.1 },
    { type: 'momentum', learningRate: 0.1, momentum: 0.9 },
    { type: 'adam', learningRate: 0.01, gradientClipping: 0.5 },
    { type: 'rmsprop', learningRate: 0.01 },
  ];
  const cases: [string, number[]][] = [
    ['one push', [32]],
    ['two pushes', [32, 64]],
    ['three pushes', [32, 64, 16]],
    ['a push of 0 samples first', [0, 32, 64]],
    ['no samples at all (a zero gradient)', [0, 0]],
  ];
  for (const optimizer of optimizers) {
    for (const [name, samples] of cases) {
      it(`${optimizer.type}, ${name}: the same values, bit for bit, as a stored mean then update, over 3 steps`, () => {
        const value = floats(SIZE, 1);
        const shard = shardFor(optimizer, value);
        const pushes = samples.map((w, t) => ({ grad: floats(SIZE, 100 + t), samples: w }));
        let processed = 0;
        for (let step = 0; step < 3; step++) {
          for (const p of pushes) shard.accumulate(push(shard, p.grad), p.samples);
          const stepSamples = shard.stepSamples;
          shard.applyStep({ numSamplesProcessed: processed, pass: 0 });
          processed += stepSamples;
          expect(shard.stepSamples).toBe(0);
        }
        expect(values(shard)).toEqual(Array.from(reference(optimizer, value, pushes, 3)));
      });
    }
  }

  it('keeps the first push\'s arrays as the mean (no copy) and forgets a step\'s pushes with discardStep', () => {
    const optimizer: OptimizerConfig = { type: 'sgd', learningRate: 0.1 };
    const shard = shardFor(optimizer, floats(SIZE, 1));
    const first = push(shard, floats(SIZE, 2));
    shard.accumulate(first, 8);
    shard.accumulate(push(shard, floats(SIZE, 3)), 8);
    const third = floats(SIZE, 4);
    shard.accumulate(push(shard, third), 16);
    // The third push folded the second one into the first push's own arrays.
    const expected = floats(SIZE, 2);
    moveTowards(expected, 0.5, floats(SIZE, 3));
    expect(first.blocks.flatMap((b) => Array.from(b))).toEqual(Array.from(expected));
    shard.discardStep();
    const g = floats(SIZE, 5);
    shard.accumulate(push(shard, g), 4);
    shard.applyStep({ numSamplesProcessed: 0, pass: 0 });
    expect(values(shard)).toEqual(Array.from(reference(optimizer, floats(SIZE, 1), [{ grad: g, samples: 4 }], 1)));
  });
});
