import { dataType, layer, Topology } from '@oar/layers';

/**
 * Paddle's `trainer_config_helpers/tests/configs/test_sequence_pooling.py` in Oar's DSL: max, average and sum
 * pooling of a nested sequence, per sub-sequence and per sequence, and a max pooling that outputs the index of
 * each maximum.
 */
export default function testSequencePooling(): Topology {
  const input = layer.data({ name: 'dat_in', type: dataType.denseVectorSubSequence(100) });
  const outputs = [];
  for (const poolingType of ['max', 'avg', 'sum'] as const) {
    outputs.push(layer.pooling({ input, poolingType, aggLevel: 'toSequence' }), layer.pooling({ input, poolingType }));
  }
  outputs.push(layer.pooling({ input, poolingType: 'max', outputMaxIndex: true }));
  return Topology.fromOutputs(outputs);
}
