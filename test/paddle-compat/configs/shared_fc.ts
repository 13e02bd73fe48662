import { dataType, layer, paramAttr, Topology } from '@oar/layers';

/**
 * Paddle's `shared_fc.py` in Oar's DSL: two fc layers sharing their weight and bias by name, a softmax over both
 * sharing one weight for its two inputs, and a classification cost with its evaluator.
 */
export default function sharedFc(): Topology {
  const a = layer.data({ name: 'feature_a', type: dataType.denseVector(200) });
  const b = layer.data({ name: 'feature_b', type: dataType.denseVector(200) });
  const fcParam = paramAttr({ name: 'fc_param', initialMin: -1, initialMax: 1 });
  const biasParam = paramAttr({ name: 'bias_param', initialMean: 0, initialStd: 0 });
  const hiddenA = layer.fc({ input: a, size: 200, paramAttr: fcParam, biasAttr: biasParam });
  const hiddenB = layer.fc({ input: b, size: 200, paramAttr: fcParam, biasAttr: biasParam });
  const softmaxParam = paramAttr({ name: 'softmax_param', initialMin: -1, initialMax: 1 });
  const predict = layer.fc({ input: [hiddenA, hiddenB], size: 10, act: 'softmax', paramAttr: [softmaxParam, softmaxParam], biasAttr: false });
  const label = layer.data({ name: 'label', type: dataType.integerValue(10) });
  return Topology.fromOutputs(layer.classificationCost({ input: predict, label }));
}
