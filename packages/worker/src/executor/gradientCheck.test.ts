import { dataType, layer, layerCatalog, Topology, type LayerOutput } from '@oar/layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/initBackend.js';
import { Parameters, Random } from '../Parameters.js';
import { Feeds } from './feeds.js';
import { Network } from './Network.js';
import { flat } from './shapes.js';
import { randomSamples } from './testing/randomBatch.js';
import { tf } from './tf.js';
import type { Value } from './Value.js';

// Finite-difference gradient checks for every layer and projection of the DSL (the catalog of
// @oar/layers), on the wasm and cpu backends. The objective is Σ_out Σ (out ⊙ R) with a fixed smooth R,
// so every output value gets a distinct weight. Central differences in float32 with step EPS: the
// analytic gradient must agree within ATOL + RTOL·|fd| for every checked coordinate.
const EPS = 5e-3;
const ATOL = 2e-3;
const RTOL = 2e-2;
const COORDS = 6;

function objective(outputs: string[]) {
  return (values: Map<string, Value>): tf.Scalar => {
    const terms = outputs.map((name, k) => {
      const x = flat(values.get(name)!);
      const n = x.size;
      const weights = tf.sin(tf.add(tf.mul(tf.range(0, n, 1, 'float32'), 0.7), k + 0.3)).reshape(x.shape);
      return tf.sum(tf.mul(x, weights));
    });
    return (terms.length === 1 ? terms[0] : tf.addN(terms)) as tf.Scalar;
  };
}

interface Check {
  what: string;
  analytic: number;
  numeric: number;
}

// expandFromSequence needs one row of `s` per sub-sequence of `n`: random layouts would not line up.
function alignedSamples(topology: Topology, seed: number): unknown[][] {
  const samples = randomSamples(topology, 3, seed);
  if (topology.inputNames.join() !== 's,n') return samples;
  return samples.map(([, nested]) => [(nested as unknown[]).map((_, i) => [i, 1 - i, 0.5, i * i]), nested]);
}

function gradientCheck(outputs: LayerOutput[], seed: number): Check[] {
  const topology = Topology.fromOutputs(outputs);
  const network = new Network(topology);
  const params = Parameters.create(topology, { seed });
  // Biases start at zero in Paddle; give every parameter random values so no gradient is trivially zero.
  const random = new Random(seed + 7);
  for (const name of params.names()) {
    const v = params.get(name);
    for (let i = 0; i < v.length; i++) v[i] = params.config(name).is_static ? 0.5 + random.uniform() : 0.5 * random.normal();
  }
  const feeds = Feeds.fromSamples(topology, alignedSamples(topology, seed), undefined);
  const denseInputs = topology.inputNames.filter((n) => topology.layer(n).data_type!.value === 'dense');
  const obj = objective(topology.outputNames as string[]);
  const step = network.trainStep(feeds, params, seed, { objective: obj, inputGradients: denseInputs });
  const cost = (p: Parameters) => network.trainingCost(feeds, p, seed, { objective: obj });
  const checks: Check[] = [];
  const probe = (what: string, values: Float32Array, index: number, analytic: number) => {
    const old = values[index]!;
    values[index] = old + EPS;
    const plus = cost(params);
    values[index] = old - EPS;
    const minus = cost(params);
    values[index] = old;
    checks.push({ what: `${what}[${index}]`, analytic, numeric: (plus - minus) / (2 * EPS) });
  };
  for (const [name, grad] of step.gradients.dense) {
    for (const i of pick(grad.length, random)) probe(name, params.get(name), i, grad[i]!);
  }
  for (const [name, { rowIds, values }] of step.gradients.sparse) {
    const width = params.config(name).dims[1]!;
    for (const i of pick(values.length, random)) {
      const row = rowIds[Math.floor(i / width)]!;
      probe(`${name} row ${row}`, params.get(name), row * width + (i % width), values[i]!);
    }
  }
  for (const [name, grad] of step.inputGradients) {
    for (const i of pick(grad.length, random)) probe(`input ${name}`, feeds.input(name).dense as Float32Array, i, grad[i]!);
  }
  return checks;
}

function pick(n: number, random: Random): number[] {
  if (n <= COORDS) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: COORDS }, () => Math.floor(random.uniform() * n));
}

function failures(checks: Check[]): string[] {
  return checks
    .filter((c) => !(Math.abs(c.analytic - c.numeric) <= ATOL + RTOL * Math.abs(c.numeric)))
    .map((c) => `${c.what}: analytic ${c.analytic.toExponential(4)}, numeric ${c.numeric.toExponential(4)}`);
}

const catalog = layerCatalog();
const names = Object.keys(catalog);

describe.each(['cpu', 'wasm'] as const)('gradient checks on %s', (backend) => {
  let previous: string;
  beforeAll(async () => {
    previous = tf.getBackend();
    await initBackend({ backend });
  });
  afterAll(async () => {
    if (previous) await tf.setBackend(previous);
  });

  it.each(names)('%s', (name) => {
    const checks = gradientCheck(catalog[name]!(), 11);
    expect(checks.length).toBeGreaterThan(0);
    expect(failures(checks)).toEqual([]);
  });

  it('the check catches a wrong gradient', () => {
    // Same check on a layer whose backward we break on purpose: the objective is not differentiable the way
    // the analytic path claims (gradients of round() are zero), so the comparison must fail.
    const x = layer.data({ name: 'x', type: dataType.denseVector(3) });
    const topology = Topology.fromOutputs(layer.fc({ input: x, size: 2, act: 'linear' }));
    const network = new Network(topology);
    const params = Parameters.create(topology, { seed: 3 });
    const feeds = Feeds.fromSamples(topology, [[[1, 2, 3]]]);
    const broken = (values: Map<string, Value>) => tf.sum(tf.mul(tf.round(tf.mul(flat(values.get('__fc_layer_0__')!), 100)), 0.01)) as tf.Scalar;
    const smooth = objective(['__fc_layer_0__']);
    const step = network.trainStep(feeds, params, 1, { objective: broken });
    const w = params.get('___fc_layer_0__.w0');
    const old = w[0]!;
    w[0] = old + 0.05;
    const plus = network.trainingCost(feeds, params, 1, { objective: smooth });
    w[0] = old - 0.05;
    const minus = network.trainingCost(feeds, params, 1, { objective: smooth });
    w[0] = old;
    const numeric = (plus - minus) / 0.1;
    expect(Math.abs(step.gradients.dense.get('___fc_layer_0__.w0')![0]! - numeric)).toBeGreaterThan(ATOL + RTOL * Math.abs(numeric));
  });
});
