import { dataType, layer, paramAttr, Topology } from '@oar/layers';

/**
 * Paddle's `trainer_config_helpers/tests/configs/layer_activations.py` in Oar's DSL: one fc layer per activation,
 * each `layer_N` with std 0.01 weights.
 */
export default function layerActivations(): Topology {
  const input = layer.data({ name: 'input', type: dataType.denseVector(100) });
  const acts = ['tanh', 'sigmoid', 'softmax', 'linear', 'linear', 'exp', 'relu', 'brelu', 'softrelu', 'stanh', 'abs', 'square'] as const;
  const outputs = acts.map((act, i) => layer.fc({ input, size: 100, act, name: `layer_${i}`, paramAttr: paramAttr({ initialStd: 0.01 }) }));
  return Topology.fromOutputs(outputs);
}
