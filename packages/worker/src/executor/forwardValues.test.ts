import { dataType, layer, Topology, type LayerOutput } from '@oar/layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/initBackend.js';
import { Parameters } from '../Parameters.js';
import { Feeds } from './feeds.js';
import { Network } from './Network.js';
import { tf } from './tf.js';

// Forward values of layers against numbers worked out by hand (gradients: gradientCheck.test.ts).
const TOL = 1e-5;

function infer(output: LayerOutput, samples: unknown[][], values: Record<string, number[]> = {}): number[][] {
  const topology = Topology.fromOutputs(output);
  const params = Parameters.create(topology, { seed: 1 });
  for (const [name, v] of Object.entries(values)) params.get(name).set(v);
  const name = topology.outputNames[0]!;
  const out = new Network(topology).infer(Feeds.fromSamples(topology, samples), params, [name]).get(name)!;
  return Array.from({ length: out.rows }, (_, r) => Array.from(out.data.subarray(r * out.size, (r + 1) * out.size)));
}

function expectRows(got: number[][], want: number[][]): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, r) => {
    expect(row.length).toBe(want[r]!.length);
    row.forEach((v, i) => expect(Math.abs(v - want[r]![i]!), `row ${r}[${i}]: ${v} vs ${want[r]![i]}`).toBeLessThanOrEqual(TOL));
  });
}

describe.each(['cpu', 'wasm'] as const)('forward values on %s', (backend) => {
  let previous: string;
  beforeAll(async () => {
    previous = tf.getBackend();
    await initBackend({ backend, log: () => {} });
  });
  afterAll(async () => {
    if (previous) await tf.setBackend(previous);
  });

  it('concat of projections (concat2): each projection side by side, then bias and activation', () => {
    const a = layer.data({ name: 'a', type: dataType.denseVector(2) });
    const b = layer.data({ name: 'b', type: dataType.denseVector(3) });
    const out = layer.concat({
      name: 'c', biasAttr: true,
      input: [layer.identityProjection({ input: a }), layer.fullMatrixProjection({ input: b, size: 2 })],
    });
    // W (3 x 2) = [[1, 0], [0, 1], [1, 1]]; bias [0.5, 0, 0, -1].
    const got = infer(out, [[[1, 2], [3, 4, 5]], [[-1, 0], [1, 0, 0]]], { '_c.w1': [1, 0, 0, 1, 1, 1], '_c.wbias': [0.5, 0, 0, -1] });
    expectRows(got, [[1.5, 2, 8, 8], [-0.5, 0, 1, -1]]);
  });

  it('slopeIntercept: slope · x + intercept, row by row of a sequence too', () => {
    const x = layer.data({ name: 'x', type: dataType.denseVectorSequence(2) });
    const got = infer(layer.slopeIntercept({ input: x, slope: -2, intercept: 0.5 }), [[[[1, 2], [0, -1]]], [[[3, 0.25]]]]);
    expectRows(got, [[-1.5, -3.5], [0.5, 2.5], [-5.5, 0]]);
  });

  it('repeat: the whole row again, or each value in turn (asRowVector false), then the activation', () => {
    const x = layer.data({ name: 'x', type: dataType.denseVector(2) });
    expectRows(infer(layer.repeat({ input: x, numRepeats: 3 }), [[[1, 2]], [[-1, 0]]]), [[1, 2, 1, 2, 1, 2], [-1, 0, -1, 0, -1, 0]]);
    const col = infer(layer.repeat({ input: x, numRepeats: 2, asRowVector: false, act: 'relu' }), [[[1, 2]], [[-1, 3]]]);
    expectRows(col, [[1, 1, 2, 2], [0, 0, 3, 3]]);
  });

  it('trans: the batch transposed; a batch of another size than the layer is refused', () => {
    const x = layer.data({ name: 'x', type: dataType.denseVector(2) });
    expectRows(infer(layer.trans({ input: x }), [[[1, 2]], [[3, 4]]]), [[1, 3], [2, 4]]);
    expect(() => infer(layer.trans({ input: x, name: 't' }), [[[1, 2]], [[3, 4]], [[5, 6]]]))
      .toThrow(/trans layer "t": the batch has 3 rows; transposed they are 3 columns, but the layer has size 2, so it needs batches of exactly 2 samples/);
  });

  it('selectiveFc: act(x Wᵀ + b) where select is non-zero, 0 elsewhere', () => {
    const x = layer.data({ name: 'x', type: dataType.denseVector(2) });
    const m = layer.data({ name: 'm', type: dataType.denseVector(3) });
    // W (3 x 2, stored transposed) = [[1, 0], [0, 1], [1, 1]]; bias [0, 1, -1]; relu.
    const values = { '_s.w0': [1, 0, 0, 1, 1, 1], '_s.wbias': [0, 1, -1] };
    const got = infer(layer.selectiveFc({ name: 's', input: x, select: m, size: 3, act: 'relu' }), [[[1, 2], [1, 0, 1]], [[-3, 1], [0, 1, 1]]], values);
    expectRows(got, [[1, 0, 2], [0, 2, 0]]);
    const all = infer(layer.selectiveFc({ name: 's', input: x, size: 3, act: 'relu' }), [[[1, 2]], [[-3, 1]]], values);
    expectRows(all, [[1, 3, 2], [0, 2, 0]]);
  });

  it('pooling with outputMaxIndex: the batch row of each column\'s first maximum, per sequence', () => {
    const s = layer.data({ name: 's', type: dataType.denseVectorSequence(2) });
    const got = infer(layer.pooling({ input: s, outputMaxIndex: true }), [[[[1, 5], [3, 5], [2, 0]]], [[[0, -1], [4, -2]]]]);
    expectRows(got, [[1, 0], [4, 3]]);
  });

  it('imgCmrnorm: x · (1 + scale/size · Σ x² over the channel window)^−power, pixel by pixel', () => {
    const odd = layer.data({ name: 'x', type: dataType.denseVector(3), height: 1, width: 1 });
    // Window c−1 … c+1; scale 0.3 / 3 = 0.1; power 0.5.
    expectRows(infer(layer.imgCmrnorm({ input: odd, size: 3, scale: 0.3, power: 0.5 }), [[[1, 2, 3]]]), [[1 / Math.sqrt(1.5), 2 / Math.sqrt(2.4), 3 / Math.sqrt(2.3)]]);
    // Even size 2: window c … c+1 (Paddle's); two pixels, CHW [c0p0, c0p1, c1p0, c1p1]; scale 0.2 / 2; power 1.
    const even = layer.data({ name: 'x', type: dataType.denseVector(4), height: 1, width: 2 });
    expectRows(infer(layer.imgCmrnorm({ input: even, size: 2, scale: 0.2, power: 1 }), [[[1, 2, 3, 4]]]), [[1 / 2, 2 / 3, 3 / 1.9, 4 / 2.6]]);
  });

  it('firstSeq and lastSeq with a stride: a row per window, windows from the end for firstSeq, from the start for lastSeq', () => {
    const s = layer.data({ name: 's', type: dataType.denseVectorSequence(1) });
    // Sequences of 5 and 2 rows, values 0 … 6; stride 2.
    const samples = [[[[0], [1], [2], [3], [4]]], [[[5], [6]]]];
    const last = layer.lastSeq({ input: s, stride: 2 });
    const first = layer.firstSeq({ input: s, stride: 2 });
    // lastSeq: windows [0, 1] [2, 3] [4] | [5, 6]; firstSeq: windows [0] [1, 2] [3, 4] | [5, 6].
    expectRows(infer(last, samples), [[1], [3], [4], [6]]);
    expectRows(infer(first, samples), [[0], [1], [3], [5]]);
    const topology = Topology.fromOutputs(last);
    const out = new Network(topology).infer(Feeds.fromSamples(topology, samples), Parameters.create(topology, { seed: 1 }), [topology.outputNames[0]!]);
    expect(Array.from(out.get(topology.outputNames[0]!)!.seqStarts!)).toEqual([0, 3, 4]);
  });
});
