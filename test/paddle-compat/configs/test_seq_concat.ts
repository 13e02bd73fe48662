import { dataType, layer, Topology } from '@oar/layers';

/** Paddle's `test_seq_concat.py` in Oar's DSL: two sequences joined end to end. */
export default function testSeqConcat(): Topology {
  const a = layer.data({ name: 'data1', type: dataType.denseVectorSequence(30) });
  const b = layer.data({ name: 'data2', type: dataType.denseVectorSequence(30) });
  return Topology.fromOutputs(layer.seqConcat({ a, b }));
}
