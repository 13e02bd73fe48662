import { dataType, layer, staticInput, traceTopology, type LayerOutput, type TopologyConfig } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { networks } from './index.js';
import { seq2seqAttention } from './testing/recurrentGoldenNetworks.js';

const words = () => layer.embedding({ input: layer.data({ name: 'word', type: dataType.integerValueSequence(30) }), size: 8 });
const names = (c: TopologyConfig) => c.layers.map((l) => l.name);
const layerOf = (c: TopologyConfig, name: string) => c.layers.find((l) => l.name === name)!;

function errorOf(call: () => unknown): Error {
  try {
    call();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('networks.simpleRnn (the seed tutorial\'s simple_rnn)', () => {
  it('a group NAME_recurrent_group whose step mixes the input row and a memory of itself, both by full matrices', () => {
    const c = traceTopology(networks.simpleRnn({ input: words(), size: 4, name: 'rnn' }));
    expect(names(c).slice(2)).toEqual(['rnn_recurrent_group', '__embedding_0__@rnn_recurrent_group', 'rnn+delay1@rnn_recurrent_group', 'rnn@rnn_recurrent_group', 'rnn']);
    const step = layerOf(c, 'rnn@rnn_recurrent_group');
    expect(step).toMatchObject({ type: 'mixed', size: 4, active_type: '' });
    expect(step.inputs.map((i) => [i.input_layer_name, i.proj_conf!.type])).toEqual([
      ['__embedding_0__@rnn_recurrent_group', 'fc'], ['rnn+delay1@rnn_recurrent_group', 'fc'],
    ]);
    expect(step.bias_parameter_name).toBeUndefined();
  });

  it('act, rnnBiasAttr, reverse and the default name', () => {
    const c = traceTopology(networks.simpleRnn({ input: words(), size: 4, act: 'tanh', rnnBiasAttr: true, reverse: true }));
    expect(layerOf(c, '__simple_rnn_0__@__simple_rnn_0___recurrent_group')).toMatchObject({
      active_type: 'tanh', bias_parameter_name: '___simple_rnn_0__@__simple_rnn_0___recurrent_group.wbias',
    });
    expect(c.sub_models[1]!.reversed).toBe(true);
    expect(errorOf(() => networks.simpleRnn({ input: layer.data({ name: 'w', type: dataType.integerValueSequence(5) }), size: 2 })).message)
      .toMatch(/^networks\.simpleRnn: input must carry dense values, got data "w" \(size 5, sequence, integer ids\); integer ids go through layer\.embedding first$/);
  });
});

describe('networks.simpleAttention', () => {
  const attend = (encSize: number, projSize: number, stateSize: number) => {
    const source = words();
    const encoded = layer.mixed({ size: encSize, input: layer.fullMatrixProjection({ input: source }) });
    const proj = layer.mixed({ size: projSize, input: layer.fullMatrixProjection({ input: encoded }) });
    let context: LayerOutput | undefined;
    const out = layer.recurrentGroup({
      input: [staticInput(encoded), staticInput(proj), layer.embedding({ input: layer.data({ name: 'target', type: dataType.integerValueSequence(9) }), size: 2 })],
      step: (enc, encProj, word) => {
        const state = layer.memory({ name: 's', size: stateSize });
        context = networks.simpleAttention({ encodedSequence: enc, encodedProj: encProj, decoderState: state });
        return layer.fc({ input: [context, word], size: stateSize, name: 's' });
      },
    });
    return { out, context: context! };
  };

  it('scores each encoder row against the state and sums the rows weighted by a sequence softmax', () => {
    const { out, context } = attend(6, 3, 3);
    expect([context.size, context.seqLevel]).toEqual([6, 0]);
    const c = traceTopology(out);
    const g = '__recurrent_group_0__';
    const a = '__simple_attention_0__';
    expect(c.sub_models[1]!.layer_names.slice(4, 10)).toEqual([
      `${a}_transform@${g}`, `${a}_expand@${g}`, `${a}_combine@${g}`, `${a}_softmax@${g}`, `${a}_scaling@${g}`, `${a}_pooling@${g}`,
    ]);
    expect(layerOf(c, `${a}_transform@${g}`)).toMatchObject({ type: 'mixed', size: 3, active_type: '', inputs: [{ input_layer_name: `s+delay1@${g}` }] });
    expect(layerOf(c, `${a}_combine@${g}`)).toMatchObject({ size: 3, active_type: 'tanh', seq_level: 1 });
    expect(layerOf(c, `${a}_softmax@${g}`)).toMatchObject({ type: 'fc', size: 1, active_type: 'sequence_softmax' });
    expect(layerOf(c, `${a}_softmax@${g}`).bias_parameter_name).toBeUndefined();
    expect(layerOf(c, `${a}_pooling@${g}`)).toMatchObject({ type: 'average', average_strategy: 'sum', size: 6, seq_level: 0 });
  });

  it('projects a decoder state of any size, and needs sequences to attend over', () => {
    expect(() => attend(6, 4, 3)).not.toThrow();
    const rows = layer.data({ name: 'x', type: dataType.denseVector(3) });
    expect(errorOf(() => networks.simpleAttention({ encodedSequence: rows, encodedProj: rows, decoderState: rows })).message)
      .toMatch(/^networks\.simpleAttention: encodedSequence and encodedProj must be sequences/);
  });
});

describe("the seed's sequence-to-sequence network with attention", () => {
  const c = traceTopology(seq2seqAttention({ sourceDictDim: 30, targetDictDim: 20, wordVectorDim: 6, encoderSize: 4, decoderSize: 5 }));
  const decoder = c.sub_models.find((m) => m.name === 'decoder_group')!;

  it('encodes with two simpleGru (forward and reversed) and decodes in a group named decoder_group', () => {
    expect(c.sub_models.map((m) => [m.name, m.reversed])).toEqual([
      ['root', undefined], ['__simple_gru_0___recurrent_group', false], ['__simple_gru_1___recurrent_group', true], ['decoder_group', false],
    ]);
    expect(c.input_layer_names).toEqual(['source_language_word', 'target_language_word', 'target_language_next_word']);
  });

  it('the decoder sees the encodings whole (static inputs), steps over the target words, boots its state', () => {
    expect(decoder.in_links).toEqual([{ layer_name: '__embedding_1__', link_name: '__embedding_1__@decoder_group', has_subseq: false }]);
    expect(decoder.memories).toEqual([
      { layer_name: '__memory_2__@decoder_group', link_name: '__memory_2__@decoder_group', boot_layer_name: '__concat_0__', is_sequence: true, is_static_input: true },
      { layer_name: '__memory_3__@decoder_group', link_name: '__memory_3__@decoder_group', boot_layer_name: '__mixed_0__', is_sequence: true, is_static_input: true },
      { layer_name: 'gru_decoder@decoder_group', link_name: 'gru_decoder+delay1@decoder_group', boot_layer_name: '__mixed_1__', is_sequence: false },
    ]);
    expect(layerOf(c, '__mixed_1__')).toMatchObject({ active_type: 'tanh', inputs: [{ input_layer_name: '__first_seq_0__' }] });
    expect(layerOf(c, 'gru_decoder@decoder_group')).toMatchObject({ type: 'gru_step', size: 5, inputs: [{ input_layer_name: '__mixed_2__@decoder_group' }, { input_layer_name: 'gru_decoder+delay1@decoder_group' }] });
  });

  it('outputs a softmax over the target dictionary per step, costed against the next words', () => {
    expect(decoder.out_links).toEqual([{ layer_name: '__mixed_3__@decoder_group', link_name: '__mixed_3__', has_subseq: false }]);
    expect(layerOf(c, '__mixed_3__')).toMatchObject({ type: 'gather_agent', size: 20, seq_level: 1 });
    expect(layerOf(c, '__cost_0__').inputs.map((i) => i.input_layer_name)).toEqual(['__mixed_3__', 'target_language_next_word']);
    expect(c.evaluators[0]!.input_layers).toEqual(['__mixed_3__', 'target_language_next_word']);
  });
});
