import { dataType, layer, paramAttr, Topology } from '@oar/layers';
import { networks } from '@oar/networks';

/**
 * Paddle's `shared_lstm.py` in Oar's DSL: two lstmemory groups sharing their recurrent weight and peephole bias
 * by name. The dump predates Paddle's change of lstm_step's default state activation to tanh, hence sigmoid.
 * Paddle creates both projections before the groups: tracing them first (`extraLayers`) keeps that order.
 */
export default function sharedLstm(): Topology {
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
  const predict = layer.fc({
    input: [layer.lastSeq({ input: lstm1 }), layer.lastSeq({ input: lstm2 })], size: 10, paramAttr: [softmax, softmax], biasAttr: false, act: 'softmax',
  });
  const cost = layer.classificationCost({ input: predict, label: layer.data({ name: 'label', type: dataType.integerValue(10) }) });
  return Topology.fromOutputs(cost, { extraLayers: [m1, m2, lstm1, lstm2] });
}
