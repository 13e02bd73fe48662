import { dataType, layer, layerAttr, paramAttr, staticInput, type LayerOutput } from '@oar/layers';
import { networks } from '../index.js';

export interface Seq2seqSizes {
  sourceDictDim: number;
  targetDictDim: number;
  wordVectorDim: number;
  encoderSize: number;
  decoderSize: number;
}

/**
 * The sequence-to-sequence network with attention of the seed tutorial ("RNN Configuration", after Paddle's
 * book chapter 08.machine_translation): a bidirectional GRU encoder (two simpleGru), the encoded sequence
 * projected once for the attention, a decoder boot from the backward encoder's first row, and a GRU decoder
 * in a recurrent group with the encodings as static inputs, the target words as its sequence input, a booted
 * memory, simpleAttention, gruStep and a softmax over the target dictionary; cost against the next words.
 */
export function seq2seqAttention(sizes: Seq2seqSizes): LayerOutput {
  const { sourceDictDim, targetDictDim, wordVectorDim, encoderSize, decoderSize } = sizes;
  const srcWordId = layer.data({ name: 'source_language_word', type: dataType.integerValueSequence(sourceDictDim) });
  const srcEmbedding = layer.embedding({ input: srcWordId, size: wordVectorDim, paramAttr: paramAttr({ name: '_source_language_embedding' }) });
  const srcForward = networks.simpleGru({ input: srcEmbedding, size: encoderSize });
  const srcBackward = networks.simpleGru({ input: srcEmbedding, size: encoderSize, reverse: true });
  const encodedVector = layer.concat({ input: [srcForward, srcBackward] });
  const encodedProj = layer.mixed({ size: decoderSize, input: layer.fullMatrixProjection({ input: encodedVector }) });
  const backwardFirst = layer.firstSeq({ input: srcBackward });
  const decoderBoot = layer.mixed({ size: decoderSize, act: 'tanh', input: layer.fullMatrixProjection({ input: backwardFirst }) });
  const trgEmbedding = layer.embedding({
    input: layer.data({ name: 'target_language_word', type: dataType.integerValueSequence(targetDictDim) }),
    size: wordVectorDim, paramAttr: paramAttr({ name: '_target_language_embedding' }),
  });
  const decoder = layer.recurrentGroup({
    name: 'decoder_group',
    input: [staticInput(encodedVector, { isSeq: true }), staticInput(encodedProj, { isSeq: true }), trgEmbedding],
    step: (encVec, encProj, currentWord) => {
      const decoderMem = layer.memory({ name: 'gru_decoder', size: decoderSize, bootLayer: decoderBoot });
      const context = networks.simpleAttention({ encodedSequence: encVec, encodedProj: encProj, decoderState: decoderMem });
      const decoderInputs = layer.mixed({
        size: decoderSize * 3,
        input: [layer.fullMatrixProjection({ input: context }), layer.fullMatrixProjection({ input: currentWord })],
      });
      const gruStep = layer.gruStep({ name: 'gru_decoder', input: decoderInputs, outputMem: decoderMem, size: decoderSize });
      return layer.mixed({ size: targetDictDim, biasAttr: true, act: 'softmax', input: layer.fullMatrixProjection({ input: gruStep }) });
    },
  });
  const label = layer.data({ name: 'target_language_next_word', type: dataType.integerValueSequence(targetDictDim) });
  return layer.classificationCost({ input: decoder, label });
}

/** Every recurrent golden network by the name of its file under fixtures/golden: the helpers, then the seed's. */
export function recurrentGoldenNetworks(): Record<string, () => LayerOutput[]> {
  const words = () => layer.embedding({ input: layer.data({ name: 'word', type: dataType.integerValueSequence(50) }), size: 8 });
  const projected = (size: number) => layer.mixed({ size, input: layer.fullMatrixProjection({ input: words() }) });
  return {
    simple_rnn: () => [networks.simpleRnn({ input: words(), size: 4 })],
    simple_rnn_options: () => [networks.simpleRnn({
      input: words(), size: 4, name: 'rnn', reverse: true, act: 'tanh', rnnBiasAttr: true, rnnLayerAttr: layerAttr({ dropRate: 0.2 }),
    })],
    lstmemory_unit: () => [layer.recurrentGroup({ input: projected(12), step: (x) => networks.lstmemoryUnit({ input: x }) })],
    lstmemory_group: () => [networks.lstmemoryGroup({ input: projected(12) })],
    lstmemory_group_options: () => [networks.lstmemoryGroup({
      input: projected(16), size: 4, name: 'lstm', reverse: true, paramAttr: paramAttr({ name: 'recurrent_w' }), act: 'relu',
      gateAct: 'tanh', stateAct: 'sigmoid', mixedBiasAttr: true, lstmBiasAttr: false, mixedLayerAttr: layerAttr({ dropRate: 0.1 }),
    })],
    simple_lstm: () => [networks.simpleLstm({ input: words(), size: 4 })],
    simple_lstm_options: () => [networks.simpleLstm({
      input: words(), size: 4, name: 'enc', reverse: true, matParamAttr: paramAttr({ initialStd: 0.1 }), biasParamAttr: false,
      innerParamAttr: paramAttr({ name: 'inner' }), act: 'relu', gateAct: 'sigmoid', stateAct: 'relu',
    })],
    bidirectional_lstm: () => [networks.bidirectionalLstm({ input: words(), size: 4 })],
    bidirectional_lstm_seq: () => [networks.bidirectionalLstm({
      input: words(), size: 4, name: 'bi', returnSeq: true, fwdAct: 'relu', bwdBiasParamAttr: false, concatAct: 'tanh',
    })],
    gru_unit: () => [layer.recurrentGroup({ input: projected(9), step: (x) => networks.gruUnit({ input: x }) })],
    gru_group: () => [networks.gruGroup({ input: projected(9) })],
    simple_gru: () => [networks.simpleGru({ input: words(), size: 3 })],
    simple_gru_options: () => [networks.simpleGru({
      input: words(), size: 3, name: 'enc', reverse: true, mixedBiasParamAttr: true, gruBiasAttr: false, act: 'relu', gateAct: 'tanh',
      mixedParamAttr: paramAttr({ name: 'proj' }), mixedLayerAttr: layerAttr({ dropRate: 0.5 }),
    })],
    simple_gru2: () => [networks.simpleGru2({ input: words(), size: 3 })],
    bidirectional_gru: () => [networks.bidirectionalGru({ input: words(), size: 3 })],
    bidirectional_gru_seq: () => [networks.bidirectionalGru({ input: words(), size: 3, name: 'bi', returnSeq: true, bwdGateAct: 'tanh' })],
    simple_attention: () => {
      const source = words();
      const encoded = layer.mixed({ size: 4, input: layer.fullMatrixProjection({ input: source }) });
      const encodedProj = layer.mixed({ size: 3, input: layer.fullMatrixProjection({ input: encoded }) });
      const target = layer.embedding({ input: layer.data({ name: 'target', type: dataType.integerValueSequence(50) }), size: 5 });
      return [layer.recurrentGroup({
      input: [staticInput(encoded, { isSeq: true }), staticInput(encodedProj, { isSeq: true }), target],
      step: (enc, encProj, word) => {
        const state = layer.memory({ name: 'state', size: 3 });
        const context = networks.simpleAttention({ encodedSequence: enc, encodedProj: encProj, decoderState: state });
        return layer.fc({ input: [context, word, state], size: 3, name: 'state' });
      },
      })];
    },
    seq2seq_attention: () => [seq2seqAttention({ sourceDictDim: 30, targetDictDim: 20, wordVectorDim: 6, encoderSize: 4, decoderSize: 5 })],
  };
}
