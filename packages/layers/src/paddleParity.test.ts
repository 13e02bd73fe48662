import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataType, diffAgainstProtostr, layer, paramAttr, parseProtostr, Topology, type LayerOutput } from './index.js';

// Paddle's own golden dumps (../shared/paddle-golden, copied into fixtures/paddle-golden): for each, the same
// network built with Oar must match in names, types, sizes, inputs, projections and parameters.
const golden = (name: string) =>
  parseProtostr(readFileSync(new URL(`../fixtures/paddle-golden/${name}.protostr`, import.meta.url), 'utf8'));

function expectParity(name: string, outputs: LayerOutput[]): void {
  const topology = Topology.fromOutputs(outputs);
  expect(diffAgainstProtostr(topology.config, golden(name))).toEqual([]);
}

describe('parity with Paddle golden dumps', () => {
  it('layer_activations: fc with every activation', () => {
    const input = layer.data({ name: 'input', type: dataType.denseVector(100) });
    const acts = ['tanh', 'sigmoid', 'softmax', 'linear', 'linear', 'exp', 'relu', 'brelu', 'softrelu', 'stanh', 'abs', 'square'] as const;
    expectParity('layer_activations', acts.map((act, i) => layer.fc({ input, size: 100, act, name: `layer_${i}`, paramAttr: paramAttr({ initialStd: 0.01 }) })));
  });

  it('shared_fc: shared parameters by name, uniform init, classification cost and evaluator', () => {
    const a = layer.data({ name: 'feature_a', type: dataType.denseVector(200) });
    const b = layer.data({ name: 'feature_b', type: dataType.denseVector(200) });
    const fcParam = paramAttr({ name: 'fc_param', initialMin: -1, initialMax: 1 });
    const biasParam = paramAttr({ name: 'bias_param', initialMean: 0, initialStd: 0 });
    const hiddenA = layer.fc({ input: a, size: 200, paramAttr: fcParam, biasAttr: biasParam });
    const hiddenB = layer.fc({ input: b, size: 200, paramAttr: fcParam, biasAttr: biasParam });
    const softmaxParam = paramAttr({ name: 'softmax_param', initialMin: -1, initialMax: 1 });
    const predict = layer.fc({ input: [hiddenA, hiddenB], size: 10, act: 'softmax', paramAttr: [softmaxParam, softmaxParam], biasAttr: false });
    const label = layer.data({ name: 'label', type: dataType.integerValue(10) });
    expectParity('shared_fc', [layer.classificationCost({ input: predict, label })]);
  });

  it('test_sequence_pooling: max, average and sum, per sequence and per sub-sequence, and max indices', () => {
    const input = layer.data({ name: 'dat_in', type: dataType.denseVectorSubSequence(100) });
    const outs = [
      layer.pooling({ input, poolingType: 'max', aggLevel: 'toSequence' }),
      layer.pooling({ input, poolingType: 'max' }),
      layer.pooling({ input, poolingType: 'avg', aggLevel: 'toSequence' }),
      layer.pooling({ input, poolingType: 'avg' }),
      layer.pooling({ input, poolingType: 'sum', aggLevel: 'toSequence' }),
      layer.pooling({ input, poolingType: 'sum' }),
      layer.pooling({ input, outputMaxIndex: true }),
    ];
    expectParity('test_sequence_pooling', outs);
  });

  it('last_first_seq: first and last instances per sequence and per sub-sequence', () => {
    const input = layer.data({ name: 'data', type: dataType.denseVectorSubSequence(30) });
    expectParity('last_first_seq', [
      layer.firstSeq({ input, aggLevel: 'toSequence' }),
      layer.firstSeq({ input }),
      layer.lastSeq({ input, aggLevel: 'toSequence' }),
      layer.lastSeq({ input }),
    ]);
  });

  it('test_seq_concat', () => {
    const a = layer.data({ name: 'data1', type: dataType.denseVectorSequence(30) });
    const b = layer.data({ name: 'data2', type: dataType.denseVectorSequence(30) });
    expectParity('test_seq_concat', [layer.seqConcat({ a, b })]);
  });

  it('util_layers: addto, concat of layers and concat of projections (concat2)', () => {
    const a = layer.data({ name: 'a', type: dataType.denseVector(10) });
    const b = layer.data({ name: 'b', type: dataType.denseVector(10) });
    const projected = layer.concat({ input: [layer.identityProjection({ input: a }), layer.identityProjection({ input: b })] });
    expectParity('util_layers', [layer.addto({ input: [a, b] }), layer.concat({ input: [a, b] }), projected]);
  });

  it('img_layers: conv, batch norm, cross-map norm and pool with their parameter shapes and initialisation', () => {
    const image = layer.data({ name: 'image', type: dataType.denseVector(256 * 256) });
    const conv = layer.imgConv({ input: image, numChannels: 1, numFilters: 64, filterSize: 32, padding: 1, stride: 1, act: 'linear' });
    const bn = layer.batchNorm({ input: conv, act: 'relu' });
    const pool = layer.imgPool({ input: conv, poolSize: 32, poolType: 'max' });
    const normed = layer.imgCmrnorm({ input: bn, size: 32 });
    expectParity('img_layers', [normed, pool]);
  });

  it('reports differences (the check itself can fail)', () => {
    const input = layer.data({ name: 'input', type: dataType.denseVector(100) });
    const wrong = Topology.fromOutputs(layer.fc({ input, size: 99, act: 'relu', name: 'layer_0' }));
    const diffs = diffAgainstProtostr(wrong.config, golden('layer_activations'));
    expect(diffs).toContain('layer layer_0.size: 99, Paddle 100');
    expect(diffs).toContain('layer layer_0.active_type: "relu", Paddle "tanh"');
    expect(diffs.some((d) => /_layer_0\.w0.*size/.test(d))).toBe(true);
  });
});
