import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataType, layer, Topology } from '@oar/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/initBackend.js';
import { Feeds } from '../executor/feeds.js';
import { Network } from '../executor/Network.js';
import { infer } from '../infer.js';
import { loadParameters, saveParameters } from '../ParameterFiles.js';
import { Parameters, Random } from '../Parameters.js';
import type { TrainerEvent } from './events.js';
import { SGD } from './SGD.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Three Gaussian blobs in 2-D, one per class. */
function blobs(n: number, seed: number): [number[], number][] {
  const random = new Random(seed);
  const centres = [[0, 2], [2, -1], [-2, -1]];
  return Array.from({ length: n }, (_, i) => {
    const label = i % 3;
    return [[centres[label]![0]! + 0.5 * random.normal(), centres[label]![1]! + 0.5 * random.normal()], label];
  });
}

function model() {
  const x = layer.data({ name: 'x', type: dataType.denseVector(2) });
  const label = layer.data({ name: 'label', type: dataType.integerValue(3) });
  const hidden = layer.fc({ input: x, size: 8, act: 'tanh' });
  const prediction = layer.fc({ input: hidden, size: 3, act: 'softmax' });
  return { prediction, cost: layer.classificationCost({ input: prediction, label }) };
}

const batches = (samples: unknown[], size: number) => () => {
  const out: unknown[][] = [];
  for (let i = 0; i < samples.length; i += size) out.push(samples.slice(i, i + size));
  return out;
};

describe('SGD trainer', () => {
  it('reports per pass the time it waited for the reader\'s batches', async () => {
    const { cost } = model();
    const parameters = Parameters.create(Topology.fromOutputs(cost), { seed: 2 });
    const trainer = new SGD({ cost, parameters, updateEquation: { type: 'sgd', learningRate: 0.1 } });
    const data = blobs(60, 1);
    // A reader that takes at least 30 ms to produce each of its 4 batches.
    const slow = async function* () {
      for (let i = 0; i < 60; i += 15) {
        await new Promise((r) => setTimeout(r, 30));
        yield data.slice(i, i + 15);
      }
    };
    const events: TrainerEvent[] = [];
    await trainer.train({ reader: slow, numPasses: 1, eventHandler: (e) => void events.push(e) });
    const end = events.find((e) => e.kind === 'EndPass') as Extract<TrainerEvent, { kind: 'EndPass' }>;
    expect(end.dataWaitSeconds).toBeGreaterThanOrEqual(4 * 0.029);
    expect(end.seconds).toBeGreaterThanOrEqual(end.dataWaitSeconds);
  });

  it('learns a separable problem, with events in Paddle order', async () => {
    const { cost } = model();
    const topology = Topology.fromOutputs(cost);
    const parameters = Parameters.create(topology, { seed: 2 });
    const trainer = new SGD({ cost, parameters, updateEquation: { type: 'momentum', learningRate: 0.1, momentum: 0.9 } });
    const events: TrainerEvent[] = [];
    const train = blobs(300, 1);
    const before = await trainer.test({ reader: batches(blobs(90, 2), 30) });
    await trainer.train({ reader: batches(train, 30), numPasses: 3, eventHandler: (e) => void events.push(e), testReader: batches(blobs(90, 2), 30) });
    const kinds = events.map((e) => e.kind);
    expect(kinds.slice(0, 3)).toEqual(['BeginPass', 'BeginIteration', 'EndIteration']);
    expect(kinds.filter((k) => k === 'EndIteration')).toHaveLength(30);
    expect(kinds.slice(-3)).toEqual(['EndIteration', 'EndPass', 'TestResult']);
    const test = events.at(-1) as Extract<TrainerEvent, { kind: 'TestResult' }>;
    expect(before.metrics.classification_error).toBeGreaterThan(0.2);
    expect(test.metrics.classification_error).toBeLessThan(0.05);
    expect(test.cost).toBeLessThan(before.cost / 3);
  });

  it('applies exactly the update rule: plain SGD moves each parameter by −lr·gradient', () => {
    const { cost } = model();
    const topology = Topology.fromOutputs(cost);
    const parameters = Parameters.create(topology, { seed: 5 });
    const trainer = new SGD({ cost, parameters, updateEquation: { type: 'sgd', learningRate: 0.5 } });
    const samples = blobs(6, 3);
    const feeds = Feeds.fromSamples(topology, samples);
    const before = new Map(parameters.names().map((n) => [n, parameters.get(n).slice()]));
    const step = new Network(topology).trainStep(feeds, parameters, 1);
    trainer.updater.update(parameters, step.gradients, { numSamplesProcessed: 0, pass: 0, samples: step.samples });
    for (const name of parameters.names()) {
      const grad = step.gradients.dense.get(name)!;
      const expected = before.get(name)!.map((v, i) => v - 0.5 * grad[i]!);
      const got = parameters.get(name);
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThanOrEqual(1e-7 + 1e-6 * Math.abs(expected[i]!));
    }
  });

  it('saves parameters in Paddle format and infers the same after loading', async () => {
    const { prediction, cost } = model();
    const topology = Topology.fromOutputs(cost);
    const parameters = Parameters.create(topology, { seed: 4 });
    const dir = await mkdtemp(join(tmpdir(), 'oar-params-'));
    try {
      await saveParameters(parameters, dir);
      const loaded = await loadParameters(topology, dir);
      const input = blobs(4, 9).map(([x]) => [x]);
      const [a] = infer({ output: prediction, parameters, input });
      const [b] = infer({ output: prediction, parameters: loaded, input });
      expect(Array.from(b!.data)).toEqual(Array.from(a!.data));
      expect(a!.rows).toBe(4);
      expect(a!.size).toBe(3);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('rejects bad options and bad batches clearly', async () => {
    const { cost } = model();
    const topology = Topology.fromOutputs(cost);
    const parameters = Parameters.create(topology);
    const trainer = new SGD({ cost, parameters, updateEquation: { type: 'sgd', learningRate: 0.1 } });
    await expect(trainer.train({ reader: batches([], 1), numPasses: 0 })).rejects.toThrow(/numPasses must be a positive integer, got 0/);
    await expect(trainer.train({ reader: batches([[[1, 2, 3], 0]], 1) })).rejects.toThrow(/input "x", row 0: expected 2 numbers, got an array of 3/);
    await expect(trainer.train({ reader: batches([[[1, 2], 7]], 1) })).rejects.toThrow(/input "label", row 0: ids must be integers in \[0, 3\), got 7/);
  });
});
