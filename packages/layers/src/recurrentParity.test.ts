import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  dataType, diffAgainstProtostr, layer, NameScope, paramAttr, parseProtostr, Topology, type BiasAttr, type LayerOutput,
  type ParamAttr,
} from './index.js';

// Paddle's golden dumps of recurrent configs (python/paddle/trainer_config_helpers/tests/configs/*.py), rebuilt
// with Oar: layer, parameter and sub-model names, agents, links and memories must match. Outputs are traced in
// the order Paddle's config creates the layers (Oar names and lists layers in trace order), so intermediate
// layers made before the groups are listed first.
const golden = (name: string) =>
  parseProtostr(readFileSync(new URL(`../fixtures/paddle-golden/${name}.protostr`, import.meta.url), 'utf8'));

function diff(name: string, outputs: LayerOutput[]): string[] {
  return diffAgainstProtostr(Topology.fromOutputs(outputs).config, golden(name));
}

/** Paddle's lstmemory_group / lstmemory_unit (networks.py), spelled out with the layer DSL. */
function lstmGroup(input: LayerOutput, size: number, o: { paramAttr?: ParamAttr; lstmBiasAttr?: BiasAttr; mixedBiasAttr?: BiasAttr; stateAct?: 'sigmoid' } = {}) {
  const scope = new NameScope('lstm_group');
  return layer.recurrentGroup({
    name: scope.sub('_recurrent_group'),
    input,
    step: (ipt) => {
      const outMem = layer.memory({ name: scope.sub(), size });
      const stateMem = layer.memory({ name: scope.sub('_state'), size });
      const gates = layer.mixed({
        name: scope.sub('_input_recurrent'), size: 4 * size,
        ...(o.mixedBiasAttr !== undefined ? { biasAttr: o.mixedBiasAttr } : {}),
        input: [layer.identityProjection({ input: ipt }), layer.fullMatrixProjection({ input: outMem, ...(o.paramAttr ? { paramAttr: o.paramAttr } : {}) })],
      });
      const out = layer.lstmStep({
        name: scope.sub(), input: gates, state: stateMem, size,
        ...(o.lstmBiasAttr !== undefined ? { biasAttr: o.lstmBiasAttr } : {}), ...(o.stateAct ? { stateAct: o.stateAct } : {}),
      });
      // Not returned: the state memory finds it by name.
      layer.getOutput({ name: scope.sub('_state'), input: out, argName: 'state' });
      return out;
    },
  });
}

/** Paddle's gru_group / gru_unit. */
function gruGroup(input: LayerOutput, size: number) {
  const scope = new NameScope('gru_group');
  return layer.recurrentGroup({
    name: scope.sub('_recurrent_group'),
    input,
    step: (ipt) => layer.gruStep({ name: scope.sub(), input: ipt, outputMem: layer.memory({ name: scope.sub(), size }), size }),
  });
}

describe('parity with Paddle golden dumps of recurrent configs', () => {
  it('test_rnn_group: groups forward, reversed, over sub-sequences, an LSTM and a GRU group, an unnamed memory', () => {
    const seq = layer.data({ name: 'seq_input', type: dataType.denseVectorSequence(100) });
    const subSeq = layer.data({ name: 'sub_seq_input', type: dataType.denseVectorSubSequence(100) });
    const simple = (name: string, isSeq = false) => (s: LayerOutput) =>
      layer.fc({ input: [s, layer.memory({ name, size: 200, isSeq })], size: 200, name });
    const lstmParam = layer.mixed({ size: 400, input: layer.fullMatrixProjection({ input: seq }) });
    const gruParam = layer.mixed({ size: 300, input: layer.fullMatrixProjection({ input: seq }) });
    const noName = (s: LayerOutput) => {
      const m = layer.memory({ size: 200 });
      const fc = layer.fc({ input: [s, m], size: 200 });
      m.setInput(fc);
      return fc;
    };
    expect(diff('test_rnn_group', [
      lstmParam, gruParam,
      layer.lastSeq({ input: layer.recurrentGroup({ step: simple('rnn_forward'), input: seq }) }),
      layer.firstSeq({ input: layer.recurrentGroup({ step: simple('rnn_back'), input: seq, reverse: true }) }),
      // Each step sees a sub-sequence, so its fc is a sequence and so is the memory of it (Paddle's config,
      // only ever parsed, leaves is_seq out).
      layer.lastSeq({ input: layer.recurrentGroup({ step: simple('rnn_subseq_forward', true), input: subSeq }) }),
      // This dump predates Paddle's change of lstm_step's default state activation from sigmoid to tanh.
      layer.lastSeq({ input: lstmGroup(lstmParam, 100, { stateAct: 'sigmoid' }) }),
      layer.lastSeq({ input: gruGroup(gruParam, 100) }),
      layer.lastSeq({ input: layer.recurrentGroup({ step: noName, input: seq }) }),
    ])).toEqual([]);
  });

  it('shared_lstm: two LSTM groups sharing the recurrent weight and the peephole bias by name', () => {
    const mixedParam = paramAttr({ name: 'mixed_param' });
    const m1 = layer.mixed({ size: 400, biasAttr: false, input: layer.fullMatrixProjection({ input: layer.data({ name: 'data_a', type: dataType.denseVectorSequence(100) }), paramAttr: mixedParam }) });
    const m2 = layer.mixed({ size: 400, biasAttr: false, input: layer.fullMatrixProjection({ input: layer.data({ name: 'data_b', type: dataType.denseVectorSequence(100) }), paramAttr: mixedParam }) });
    const shared = { paramAttr: paramAttr({ name: 'lstm_param' }), lstmBiasAttr: paramAttr({ name: 'lstm_bias', initialMean: 0, initialStd: 0 }), mixedBiasAttr: false, stateAct: 'sigmoid' } as const;
    const lstm1 = lstmGroup(m1, 100, shared);
    const lstm2 = lstmGroup(m2, 100, shared);
    const softmax = paramAttr({ name: 'softmax_param' });
    const predict = layer.fc({ input: [layer.lastSeq({ input: lstm1 }), layer.lastSeq({ input: lstm2 })], size: 10, paramAttr: [softmax, softmax], biasAttr: false, act: 'softmax' });
    const cost = layer.classificationCost({ input: predict, label: layer.data({ name: 'label', type: dataType.integerValue(10) }) });
    expect(diff('shared_lstm', [m1, m2, lstm1, lstm2, cost])).toEqual([]);
  });

  it('simple_rnn_layers: recurrent, lstmemory and grumemory, forward and reversed', () => {
    const hidden = layer.fc({ input: layer.data({ name: 'data', type: dataType.denseVectorSequence(200) }), size: 200, act: 'sigmoid' });
    const projected = (n: number) => layer.fc({ input: hidden, size: 200 * n, act: 'linear', biasAttr: false });
    const rnn = layer.recurrent({ input: hidden, act: 'sigmoid' });
    const rnn2 = layer.recurrent({ input: hidden, act: 'sigmoid', reverse: true });
    const lstm1 = layer.lstmemory({ input: projected(4), act: 'sigmoid' });
    const lstm2 = layer.lstmemory({ input: projected(4), act: 'sigmoid', reverse: true });
    const gru1 = layer.grumemory({ input: projected(3), act: 'sigmoid' });
    const gru2 = layer.grumemory({ input: projected(3), act: 'sigmoid', reverse: true });
    expect(diff('simple_rnn_layers', [
      rnn, rnn2, lstm1, lstm2, gru1, gru2,
      layer.lastSeq({ input: rnn }), layer.firstSeq({ input: rnn2 }), layer.lastSeq({ input: lstm1 }),
      layer.firstSeq({ input: lstm2 }), layer.lastSeq({ input: gru1 }), layer.firstSeq({ input: gru2 }),
    ])).toEqual([]);
  });

  it('test_grumemory_layer: reversed grumemory with its own activations; weight [H, 3H], smart std 1/sqrt(H)', () => {
    const input = layer.data({ name: 'data', type: dataType.denseVectorSequence(120) });
    expect(diff('test_grumemory_layer', [layer.grumemory({ input, size: 40, reverse: true, gateAct: 'tanh', act: 'sigmoid' })])).toEqual([]);
  });

  it('reports differences in a group (the check itself can fail)', () => {
    const seq = layer.data({ name: 'seq_input', type: dataType.denseVectorSequence(100) });
    const wrong = layer.recurrentGroup({
      input: seq, reverse: true,
      step: (s) => layer.fc({ input: [s, layer.memory({ name: 'rnn_forward', size: 200 })], size: 200, name: 'rnn_forward', act: 'relu' }),
    });
    const diffs = diff('test_rnn_group', [layer.lastSeq({ input: wrong })]);
    expect(diffs).toContain('sub_model __recurrent_group_0__.reversed: true, Paddle false');
    expect(diffs).toContain('layer rnn_forward@__recurrent_group_0__.active_type: "relu", Paddle "tanh"');
  });
});
