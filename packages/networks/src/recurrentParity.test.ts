import { readFileSync } from 'node:fs';
import { dataType, diffAgainstProtostr, layer, paramAttr, parseProtostr, type LayerOutput } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { networks, outputs } from './index.js';

// The recurrent helpers against Paddle's own dumps of test configs that call them (fixtures/paddle-golden,
// see its README). Layers made before the groups in Paddle's config are traced first, so that Oar lists
// layers in Paddle's order.
const golden = (name: string) =>
  parseProtostr(readFileSync(new URL(`../fixtures/paddle-golden/${name}.protostr`, import.meta.url), 'utf8'));
const diff = (name: string, layers: LayerOutput[], ignore: string[] = []) => diffAgainstProtostr(outputs(layers).config, golden(name), ignore);

describe('recurrent helpers: parity with Paddle', () => {
  it('lstmemoryGroup and gruGroup as in test_rnn_group', () => {
    const seq = layer.data({ name: 'seq_input', type: dataType.denseVectorSequence(100) });
    const lstmParam = layer.mixed({ size: 400, input: layer.fullMatrixProjection({ input: seq }) });
    const gruParam = layer.mixed({ size: 300, input: layer.fullMatrixProjection({ input: seq }) });
    expect(diff('test_rnn_group', [
      lstmParam, gruParam,
      // The dump predates Paddle's change of lstm_step's default state activation to tanh.
      networks.lstmemoryGroup({ input: lstmParam, size: 100, stateAct: 'sigmoid' }),
      networks.gruGroup({ input: gruParam, size: 100 }),
    ])).toEqual([]);
  });

  it('lstmemoryGroup sharing its recurrent weight and peepholes by name, as in shared_lstm', () => {
    const mixedParam = paramAttr({ name: 'mixed_param' });
    const project = (name: string) => layer.mixed({
      size: 400, biasAttr: false,
      input: layer.fullMatrixProjection({ input: layer.data({ name, type: dataType.denseVectorSequence(100) }), paramAttr: mixedParam }),
    });
    const m1 = project('data_a');
    const m2 = project('data_b');
    const shared = {
      paramAttr: paramAttr({ name: 'lstm_param' }), lstmBiasAttr: paramAttr({ name: 'lstm_bias', initialMean: 0, initialStd: 0 }),
      mixedBiasAttr: false, stateAct: 'sigmoid',
    } as const;
    const lstm1 = networks.lstmemoryGroup({ input: m1, ...shared });
    const lstm2 = networks.lstmemoryGroup({ input: m2, ...shared });
    const softmax = paramAttr({ name: 'softmax_param' });
    const predict = layer.fc({ input: [layer.lastSeq({ input: lstm1 }), layer.lastSeq({ input: lstm2 })], size: 10, paramAttr: [softmax, softmax], biasAttr: false, act: 'softmax' });
    const cost = layer.classificationCost({ input: predict, label: layer.data({ name: 'label', type: dataType.integerValue(10) }) });
    expect(diff('shared_lstm', [m1, m2, lstm1, lstm2, cost])).toEqual([]);
  });

  it('simpleGru sharing its projection, GRU weight and bias by name, as in shared_gru', () => {
    const shared = {
      size: 200, mixedParamAttr: paramAttr({ name: 'mixed_param' }), mixedBiasParamAttr: false,
      gruBiasAttr: paramAttr({ name: 'gru_bias', initialMean: 0, initialStd: 0 }), gruParamAttr: paramAttr({ name: 'gru_param' }),
    } as const;
    const gru1 = networks.simpleGru({ input: layer.data({ name: 'data_a', type: dataType.denseVectorSequence(100) }), ...shared });
    const gru2 = networks.simpleGru({ input: layer.data({ name: 'data_b', type: dataType.denseVectorSequence(100) }), ...shared });
    const softmax = paramAttr({ name: 'softmax_param' });
    const predict = layer.fc({ input: [layer.lastSeq({ input: gru1 }), layer.lastSeq({ input: gru2 })], size: 10, paramAttr: [softmax, softmax], biasAttr: false, act: 'softmax' });
    const cost = layer.classificationCost({ input: predict, label: layer.data({ name: 'label', type: dataType.integerValue(10) }) });
    expect(diff('shared_gru', [gru1, gru2, cost])).toEqual([]);
  });

  it('bidirectionalGru with returnSeq, as in test_bi_grumemory (a dump from before smart initialisation)', () => {
    const input = layer.data({ name: 'data', type: dataType.denseVectorSequence(120) });
    expect(diff('test_bi_grumemory', [networks.bidirectionalGru({ input, size: 40, returnSeq: true })], ['initial_std'])).toEqual([]);
  });
});
