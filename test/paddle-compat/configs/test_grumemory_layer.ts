import { dataType, layer, Topology } from '@oar/layers';

/** Paddle's `test_grumemory_layer.py` in Oar's DSL: a reversed grumemory with tanh gates and a sigmoid output. */
export default function testGrumemoryLayer(): Topology {
  const input = layer.data({ name: 'data', type: dataType.denseVectorSequence(120) });
  return Topology.fromOutputs(layer.grumemory({ input, size: 40, reverse: true, gateAct: 'tanh', act: 'sigmoid' }));
}
