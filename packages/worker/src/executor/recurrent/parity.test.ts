import { readFileSync } from 'node:fs';
import { dataType, layer, paramAttr, Topology, type LayerOutput } from '@oar/layers';
import { networks } from '@oar/networks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/initBackend.js';
import { Parameters, Random } from '../../Parameters.js';
import { Feeds } from '../feeds.js';
import { Network } from '../Network.js';
import { flat } from '../shapes.js';
import { tf } from '../tf.js';
import type { Value } from '../Value.js';

// The group versions compute what the fused layers compute: same weights, same ragged batch, forward and
// gradients within 1e-6 + 1e-5·|ref| (float32). And simpleAttention against the NumPy reference.
const ATOL = 1e-6;
const RTOL = 1e-5;
const H = 4;
const LENGTHS = [5, 1, 3, 4];

function run(out: LayerOutput, gates: number, seed: number, setValues?: (p: Parameters) => void) {
  const topology = Topology.fromOutputs(out);
  const network = new Network(topology);
  const params = Parameters.create(topology, { seed });
  const random = new Random(99);
  for (const name of params.names()) params.get(name).forEach((_, i, a) => (a[i] = 0.4 * random.normal()));
  setValues?.(params);
  const data = new Random(7);
  const samples = LENGTHS.map((len) => [Array.from({ length: len }, () => Array.from({ length: gates * H }, () => data.normal()))]);
  const feeds = Feeds.fromSamples(topology, samples);
  const outName = topology.outputNames[0]!;
  const objective = (values: Map<string, Value>) => {
    const x = flat(values.get(outName)!);
    return tf.sum(tf.mul(x, tf.sin(tf.range(0, x.size, 1, 'float32').reshape(x.shape)))) as tf.Scalar;
  };
  const step = network.trainStep(feeds, params, 1, { objective, inputGradients: ['x'] });
  const [value] = [network.infer(feeds, params, [outName]).get(outName)!];
  return { value: value.data, step, params };
}

function expectClose(got: Float32Array, want: Float32Array, what: string) {
  expect(got.length, what).toBe(want.length);
  const bad: string[] = [];
  want.forEach((w, i) => {
    if (!(Math.abs(got[i]! - w) <= ATOL + RTOL * Math.abs(w))) bad.push(`${what}[${i}]: ${got[i]} vs ${w}`);
  });
  expect(bad).toEqual([]);
}

describe.each(['cpu', 'wasm'] as const)('group and fused recurrent layers agree on %s', (backend) => {
  let previous: string;
  beforeAll(async () => {
    previous = tf.getBackend();
    await initBackend({ backend, log: () => {} });
  });
  afterAll(async () => {
    if (previous) await tf.setBackend(previous);
  });

  it.each([false, true])('gruGroup equals grumemory (reverse: %s)', (reverse) => {
    const x = () => layer.data({ name: 'x', type: dataType.denseVectorSequence(3 * H) });
    const shared = { w: paramAttr({ name: 'gru_w' }), b: paramAttr({ name: 'gru_b' }) };
    const fused = run(layer.grumemory({ input: x(), reverse, paramAttr: shared.w, biasAttr: shared.b }), 3, 1);
    const group = run(networks.gruGroup({ input: x(), size: H, reverse, gruParamAttr: shared.w, gruBiasAttr: shared.b }), 3, 1);
    expectClose(group.value, fused.value, 'output');
    expectClose(group.step.inputGradients.get('x')!, fused.step.inputGradients.get('x')!, 'd input');
    for (const name of ['gru_w', 'gru_b']) expectClose(group.step.gradients.dense.get(name)!, fused.step.gradients.dense.get(name)!, `d ${name}`);
  });

  it.each([false, true])('lstmemoryGroup equals lstmemory (reverse: %s)', (reverse) => {
    const x = () => layer.data({ name: 'x', type: dataType.denseVectorSequence(4 * H) });
    const fused = run(layer.lstmemory({ input: x(), reverse, paramAttr: paramAttr({ name: 'lstm_w' }), biasAttr: paramAttr({ name: 'lstm_b' }) }), 4, 1);
    const bias = fused.params.get('lstm_b');
    const group = run(
      networks.lstmemoryGroup({ input: x(), size: H, reverse, paramAttr: paramAttr({ name: 'lstm_w' }), mixedBiasAttr: paramAttr({ name: 'gate_b' }), lstmBiasAttr: paramAttr({ name: 'peep_b' }) }),
      4, 1,
      (p) => {
        p.set('lstm_w', fused.params.get('lstm_w').slice());
        p.set('gate_b', bias.slice(0, 4 * H));
        p.set('peep_b', bias.slice(4 * H));
      },
    );
    expectClose(group.value, fused.value, 'output');
    expectClose(group.step.inputGradients.get('x')!, fused.step.inputGradients.get('x')!, 'd input');
    expectClose(group.step.gradients.dense.get('lstm_w')!, fused.step.gradients.dense.get('lstm_w')!, 'd lstm_w');
    const dBias = fused.step.gradients.dense.get('lstm_b')!;
    expectClose(group.step.gradients.dense.get('gate_b')!, dBias.slice(0, 4 * H), 'd gate bias');
    expectClose(group.step.gradients.dense.get('peep_b')!, dBias.slice(4 * H), 'd peepholes');
  });

  it('simpleAttention matches the NumPy reference, forward and gradients', () => {
    const f = JSON.parse(readFileSync(new URL('../../../fixtures/recurrent/recurrent_fixtures.json', import.meta.url), 'utf8')).attention;
    const state = layer.data({ name: 'state', type: dataType.denseVector(f.state_size) });
    const encoded = layer.data({ name: 'encoded', type: dataType.denseVectorSequence(f.encoded_size) });
    const proj = layer.data({ name: 'proj', type: dataType.denseVectorSequence(f.proj_size) });
    const context = networks.simpleAttention({
      encodedSequence: encoded, encodedProj: proj, decoderState: state,
      transformParamAttr: paramAttr({ name: 'W' }), softmaxParamAttr: paramAttr({ name: 'v' }),
    });
    const topology = Topology.fromOutputs(context);
    const network = new Network(topology);
    const params = Parameters.create(topology);
    params.set('W', Float32Array.from(f.transform));
    params.set('v', Float32Array.from(f.softmax_weight));
    const starts: number[] = f.starts;
    const rows = (flatValues: number[], dim: number, s: number) =>
      Array.from({ length: starts[s + 1]! - starts[s]! }, (_, r) => flatValues.slice((starts[s]! + r) * dim, (starts[s]! + r + 1) * dim));
    const samples = starts.slice(0, -1).map((_, s) => {
      const fields: Record<string, unknown> = {
        state: f.state.slice(s * f.state_size, (s + 1) * f.state_size), encoded: rows(f.encoded, f.encoded_size, s), proj: rows(f.proj, f.proj_size, s),
      };
      return topology.inputNames.map((n) => fields[n]);
    });
    const feeds = Feeds.fromSamples(topology, samples);
    const out = topology.outputNames[0]!;
    const R = tf.tensor2d(f.weights, [starts.length - 1, f.encoded_size]);
    const objective = (values: Map<string, Value>) => tf.sum(tf.mul(flat(values.get(out)!), R)) as tf.Scalar;
    const loose = (got: Float32Array, want: number[], what: string) => {
      const bad = want.filter((w, i) => !(Math.abs(got[i]! - w) <= 1e-5 + 1e-4 * Math.abs(w)));
      expect(bad, what).toEqual([]);
    };
    loose(network.infer(feeds, params, [out]).get(out)!.data, f.output, 'context');
    const step = network.trainStep(feeds, params, 1, { objective, inputGradients: ['state', 'encoded', 'proj'] });
    loose(step.gradients.dense.get('W')!, f.grad_transform, 'dW');
    loose(step.gradients.dense.get('v')!, f.grad_softmax_weight, 'dv');
    loose(step.inputGradients.get('state')!, f.grad_state, 'd state');
    loose(step.inputGradients.get('encoded')!, f.grad_encoded, 'd encoded');
    loose(step.inputGradients.get('proj')!, f.grad_proj, 'd proj');
  });
});
