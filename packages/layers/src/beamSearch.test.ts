import { describe, expect, it } from 'vitest';
import { dataType, generatedInput, layer, paramAttr, staticInput, Topology, type LayerOutput } from './index.js';

// A decoder step as in the seed: reads a static encoding and the embedding of the current word.
function decoderStep(enc: LayerOutput, word: LayerOutput): LayerOutput {
  const previous = layer.memory({ name: 'dec', size: 4 });
  const hidden = layer.fc({ input: [enc, word, previous], size: 4, name: 'dec' });
  return layer.fc({ input: hidden, size: 10, act: 'softmax', name: 'out' });
}

describe('layer.beamSearch', () => {
  const source = () => layer.data({ name: 'src', type: dataType.denseVector(3) });

  it('shares names and parameters with the training group of the same name', () => {
    const trgWords = layer.data({ name: 'trg', type: dataType.integerValueSequence(10) });
    const trgEmb = layer.embedding({ input: trgWords, size: 5, paramAttr: paramAttr({ name: 'trg_emb' }) });
    const training = layer.recurrentGroup({ name: 'decoder', input: [staticInput(source()), trgEmb], step: decoderStep });
    const generating = layer.beamSearch({
      name: 'decoder', step: decoderStep, bosId: 0, eosId: 1, beamSize: 3, maxLength: 7,
      input: [staticInput(source()), generatedInput({ size: 10, embeddingName: 'trg_emb', embeddingSize: 5 })],
    });
    const train = Topology.fromOutputs(training).config;
    const gen = Topology.fromOutputs(generating).config;
    const trainParams = new Map(train.parameters.map((p) => [p.name, p.dims.join('x')]));
    for (const p of gen.parameters) expect(trainParams.get(p.name), p.name).toBe(p.dims.join('x'));
    const model = gen.sub_models.find((m) => m.is_recurrent_layer_group)!;
    expect(model.generator).toEqual({ bos_id: 0, eos_id: 1, beam_size: 3, max_num_frames: 7, num_results_per_sample: 3, length_penalty: 0 });
    expect(model.in_links).toEqual([]);
    expect(model.memories!.find((m) => m.boot_with_const_id === 0)).toMatchObject({
      layer_name: '__beam_search_predict__@decoder', link_name: '__beam_search_predict__+delay1@decoder',
    });
    expect(gen.layers.find((l) => l.name === '__beam_search_predict__@decoder')).toMatchObject({ type: 'maxid', inputs: [{ input_layer_name: 'out@decoder' }] });
    expect(Topology.fromJSON(JSON.parse(JSON.stringify(gen))).config).toEqual(gen);
  });

  it.each([
    [{ input: [staticInput(source())] }, /input must hold exactly one generatedInput\(\.\.\.\), got 0/],
    [{ beamSize: 0 }, /beamSize must be a positive integer, got 0/],
    [{ numResultsPerSample: 5 }, /numResultsPerSample \(5\) cannot exceed beamSize \(3\)/],
    [{ eosId: 10 }, /bosId \(0\) and eosId \(10\) must be ids below the generated input's size 10/],
    [{ step: (enc: LayerOutput) => layer.fc({ input: enc, size: 10 }) }, /step must return a softmax over the 10 generated ids/],
  ])('rejects %j', (override, message) => {
    const args = {
      step: decoderStep, bosId: 0, eosId: 1, beamSize: 3,
      input: [staticInput(source()), generatedInput({ size: 10, embeddingName: 'trg_emb', embeddingSize: 5 })],
      ...override,
    };
    expect(() => layer.beamSearch(args as never)).toThrow(message);
  });
});
