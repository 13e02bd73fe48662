// The seed's sequence-to-sequence model ("RNN Configuration"): a bidirectional GRU encoder, simple_attention,
// and a GRU decoder inside a recurrent group — trained with the target as input, used for generation with
// beam search. Both networks name their layers alike, so generation uses the parameters training learned.
import { dataType, generatedInput, layer, staticInput, paramAttr, type LayerOutput } from '@oar/layers';
import { networks } from '@oar/networks';

export interface Seq2SeqSizes {
  sourceDictSize: number;
  targetDictSize: number;
  embeddingSize: number;
  encoderSize: number;
  decoderSize: number;
}

export interface Seq2Seq {
  cost: LayerOutput;
  /** The decoder's softmax over the target dictionary at every target position (training network). */
  output: LayerOutput;
  /** Builds the generating network (layer.beamSearch) with the given search settings. */
  generator(search: { beamSize: number; maxLength: number; bosId: number; eosId: number }): LayerOutput;
}

const TARGET_EMBEDDING = '_target_language_embedding';

export function seq2seq(s: Seq2SeqSizes): Seq2Seq {
  const src = layer.data({ name: 'source_language_word', type: dataType.integerValueSequence(s.sourceDictSize) });
  const srcEmbedding = layer.embedding({ input: src, size: s.embeddingSize });
  const srcForward = networks.simpleGru({ input: srcEmbedding, size: s.encoderSize });
  const srcBackward = networks.simpleGru({ input: srcEmbedding, size: s.encoderSize, reverse: true });
  const encodedVector = layer.concat({ input: [srcForward, srcBackward] });
  const encodedProj = layer.mixed({ size: s.decoderSize, input: layer.fullMatrixProjection({ input: encodedVector }) });
  const backwardFirst = layer.firstSeq({ input: srcBackward });
  const decoderBoot = layer.mixed({ size: s.decoderSize, act: 'tanh', input: layer.fullMatrixProjection({ input: backwardFirst }) });

  const step = (encVec: LayerOutput, encProj: LayerOutput, currentWord: LayerOutput): LayerOutput => {
    const decoderMem = layer.memory({ name: 'gru_decoder', size: s.decoderSize, bootLayer: decoderBoot });
    const context = networks.simpleAttention({ encodedSequence: encVec, encodedProj: encProj, decoderState: decoderMem });
    const decoderInputs = layer.mixed({
      size: s.decoderSize * 3,
      input: [layer.fullMatrixProjection({ input: context }), layer.fullMatrixProjection({ input: currentWord })],
    });
    const gruStep = layer.gruStep({ name: 'gru_decoder', input: decoderInputs, outputMem: decoderMem, size: s.decoderSize });
    return layer.mixed({ size: s.targetDictSize, biasAttr: true, act: 'softmax', input: layer.fullMatrixProjection({ input: gruStep }) });
  };
  const statics = () => [staticInput(encodedVector, { isSeq: true }), staticInput(encodedProj, { isSeq: true })];

  const trg = layer.data({ name: 'target_language_word', type: dataType.integerValueSequence(s.targetDictSize) });
  const trgEmbedding = layer.embedding({ input: trg, size: s.embeddingSize, paramAttr: paramAttr({ name: TARGET_EMBEDDING }) });
  const decoder = layer.recurrentGroup({ name: 'decoder_group', step, input: [...statics(), trgEmbedding] });
  const label = layer.data({ name: 'target_language_next_word', type: dataType.integerValueSequence(s.targetDictSize) });
  const cost = layer.classificationCost({ input: decoder, label });

  return {
    cost,
    output: decoder,
    generator: (search) => layer.beamSearch({
      name: 'decoder_group', step, ...search,
      input: [...statics(), generatedInput({ size: s.targetDictSize, embeddingName: TARGET_EMBEDDING, embeddingSize: s.embeddingSize })],
    }),
  };
}
