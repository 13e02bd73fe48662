import { dataType, layer, Topology, type LayerOutput } from '@oar/layers';
import { networks } from '@oar/networks';

/**
 * Paddle's `test_rnn_group.py` in Oar's DSL: recurrent groups forward, reversed and over sub-sequences, an
 * lstmemory group, a gru group, and a group whose memory has no name. The config also makes a `label` data layer
 * that no output reads; it is kept as an extra layer (not an input), as in Paddle's dump. The projections feeding
 * the LSTM and GRU groups are made before the groups in Paddle's config, so they are traced first too.
 */
export default function testRnnGroup(): Topology {
  const seq = layer.data({ name: 'seq_input', type: dataType.denseVectorSequence(100) });
  const subSeq = layer.data({ name: 'sub_seq_input', type: dataType.denseVectorSubSequence(100) });
  const label = layer.data({ name: 'label', type: dataType.integerValue(1) });
  const simple = (name: string, isSeq = false) => (s: LayerOutput) =>
    layer.fc({ input: [s, layer.memory({ name, size: 200, isSeq })], size: 200, name });
  const lstmParam = layer.mixed({ size: 400, input: layer.fullMatrixProjection({ input: seq }) });
  const gruParam = layer.mixed({ size: 300, input: layer.fullMatrixProjection({ input: seq }) });
  const unnamedMemory = (s: LayerOutput) => {
    const m = layer.memory({ size: 200 });
    const fc = layer.fc({ input: [s, m], size: 200 });
    m.setInput(fc);
    return fc;
  };
  return Topology.fromOutputs([
    layer.lastSeq({ input: layer.recurrentGroup({ step: simple('rnn_forward'), input: seq }) }),
    layer.firstSeq({ input: layer.recurrentGroup({ step: simple('rnn_back'), input: seq, reverse: true }) }),
    // Each step sees a sub-sequence, so its fc is a sequence and so is the memory of it; Paddle's config (only
    // ever parsed) leaves is_seq out, and its dump predates is_sequence.
    layer.lastSeq({ input: layer.recurrentGroup({ step: simple('rnn_subseq_forward', true), input: subSeq }) }),
    // The dump predates Paddle's change of lstm_step's default state activation from sigmoid to tanh.
    layer.lastSeq({ input: networks.lstmemoryGroup({ input: lstmParam, size: 100, stateAct: 'sigmoid' }) }),
    layer.lastSeq({ input: networks.gruGroup({ input: gruParam, size: 100 }) }),
    layer.lastSeq({ input: layer.recurrentGroup({ step: unnamedMemory, input: seq }) }),
  ], { extraLayers: [seq, subSeq, label, lstmParam, gruParam] });
}
