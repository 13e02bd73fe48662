import { dataType, layer, paramAttr, Topology } from '@oar/layers';

/**
 * Paddle's `trainer_config_helpers/tests/configs/test_fc.py` in Oar's DSL: an fc over the transposed batch, and a
 * selective fc whose columns a mask selects. The dump's parameters carry the config's default momentum 0.9.
 */
export default function testFc(): Topology {
  const momentum = paramAttr({ momentum: 0.9 });
  const din = layer.data({ name: 'data', type: dataType.denseVector(100) });
  const hidden = layer.fc({ input: layer.trans({ input: din }), size: 100, biasAttr: false, paramAttr: momentum });
  const mask = layer.data({ name: 'mask', type: dataType.denseVector(100) });
  const selected = layer.selectiveFc({ input: din, select: mask, size: 100, act: 'sigmoid', paramAttr: momentum, biasAttr: momentum });
  return Topology.fromOutputs([hidden, selected]);
}
