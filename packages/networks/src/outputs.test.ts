import { dataType, layer, Topology } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { networks, outputs } from './index.js';

describe('networks.outputs', () => {
  const net = () => {
    const a = layer.data({ name: 'a', type: dataType.denseVector(3) });
    const b = layer.data({ name: 'b', type: dataType.denseVector(2) });
    const prob = layer.fc({ input: [b, a], size: 4, act: 'softmax' });
    const label = layer.data({ name: 'label', type: dataType.integerValue(4) });
    return { prob, cost: layer.classificationCost({ input: prob, label }) };
  };

  it('traces the network into a Topology whose inputs come in depth-first order from the outputs, as in Paddle', () => {
    const t = outputs(net().cost);
    expect(t).toBeInstanceOf(Topology);
    // b is read before a by the fc, so b comes first although a was made first.
    expect(t.inputNames).toEqual(['b', 'a', 'label']);
    expect(t.outputNames).toEqual(['__cost_0__']);
  });

  it('takes several outputs, one by one or in lists, and keeps each once', () => {
    const { prob, cost } = net();
    expect(outputs(cost, [prob]).outputNames).toEqual(['__cost_0__', '__fc_layer_0__']);
    expect(outputs([cost, prob], cost).outputNames).toEqual(['__cost_0__', '__fc_layer_0__']);
    expect(outputs(cost, prob).serialize()).toBe(outputs([cost, prob]).serialize());
  });

  it('is the same trace as Topology.fromOutputs', () => {
    const { cost } = net();
    expect(outputs(cost).serialize()).toBe(Topology.fromOutputs(cost).serialize());
  });

  const cases: [string, () => unknown, RegExp][] = [
    ['nothing', () => outputs(), /^networks\.outputs: at least one output layer is needed, got none$/],
    ['an empty list', () => outputs([]), /at least one output layer is needed/],
    ['not a layer', () => outputs(net().cost, 'prob' as never), /^networks\.outputs: layers\[1\] must be a layer \(the result of a layer function\), got "prob"$/],
    ['not a layer in a list', () => outputs([net().cost, 3 as never]), /layers\[0\]\[1\] must be a layer.*got 3/],
  ];
  it.each(cases)('misuse: %s', (_, call, message) => {
    expect(call).toThrow(message);
  });

  it('is networks.outputs', () => {
    expect(networks.outputs).toBe(outputs);
  });
});
