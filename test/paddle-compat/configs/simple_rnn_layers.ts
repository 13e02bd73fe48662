import { dataType, layer, Topology } from '@oar/layers';

/**
 * Paddle's `simple_rnn_layers.py` in Oar's DSL: recurrent, lstmemory and grumemory layers, forward and reversed,
 * each followed by a last or first instance. Paddle makes all six recurrent layers before the six reductions:
 * tracing them first (`extraLayers`) keeps that order.
 */
export default function simpleRnnLayers(): Topology {
  const hidden = layer.fc({ input: layer.data({ name: 'data', type: dataType.denseVectorSequence(200) }), size: 200, act: 'sigmoid' });
  const projected = (n: number) => layer.fc({ input: hidden, size: 200 * n, act: 'linear', biasAttr: false });
  const rnn = layer.recurrent({ input: hidden, act: 'sigmoid' });
  const rnn2 = layer.recurrent({ input: hidden, act: 'sigmoid', reverse: true });
  const lstm1 = layer.lstmemory({ input: projected(4), act: 'sigmoid' });
  const lstm2 = layer.lstmemory({ input: projected(4), act: 'sigmoid', reverse: true });
  const gru1 = layer.grumemory({ input: projected(3), act: 'sigmoid' });
  const gru2 = layer.grumemory({ input: projected(3), act: 'sigmoid', reverse: true });
  return Topology.fromOutputs([
    layer.lastSeq({ input: rnn }), layer.firstSeq({ input: rnn2 }), layer.lastSeq({ input: lstm1 }),
    layer.firstSeq({ input: lstm2 }), layer.lastSeq({ input: gru1 }), layer.firstSeq({ input: gru2 }),
  ], { extraLayers: [rnn, rnn2, lstm1, lstm2, gru1, gru2] });
}
