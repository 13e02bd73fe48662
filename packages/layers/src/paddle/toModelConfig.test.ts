import { describe, expect, it } from 'vitest';
import { dataType, generatedInput, layer, staticInput, Topology } from '../index.js';
import { parseProtostr, type ProtoMessage } from './protostr.js';
import { exportProtostr, toModelConfig } from './toModelConfig.js';

const find = (list: unknown[] | undefined, name: string) => (list as ProtoMessage[]).find((m) => m.name?.[0] === name)!;

describe('toModelConfig', () => {
  it("leaves out Oar's own keys: sequence levels, data types, the group layer's sub_model and static-input marks", () => {
    const seq = layer.data({ name: 's', type: dataType.denseVectorSequence(3) });
    const outer = layer.data({ name: 'o', type: dataType.denseVector(3) });
    const rnn = layer.recurrentGroup({ input: [seq, staticInput(outer)], step: (x, o) => layer.fc({ input: [x, o], size: 2 }) });
    const text = exportProtostr(Topology.fromOutputs(rnn).config);
    expect(text).not.toMatch(/seq_level|data_type|sub_model:|is_static_input|dim:/);
    const model = parseProtostr(text);
    expect(find(model.layers, 's')).toEqual({ name: ['s'], type: ['data'], size: [3], active_type: [''] });
    // Paddle leaves the size of a group's layer unset.
    expect(find(model.layers, '__recurrent_group_0__')).toEqual({ name: ['__recurrent_group_0__'], type: ['recurrent_layer_group'], active_type: [''] });
    const group = find(model.sub_models, '__recurrent_group_0__');
    expect(group.memories).toEqual([{ layer_name: ['__memory_0__@__recurrent_group_0__'], link_name: ['__memory_0__@__recurrent_group_0__'], boot_layer_name: ['o'], is_sequence: [false] }]);
    expect(group.in_links).toEqual([{ layer_name: ['s'], link_name: ['s@__recurrent_group_0__'] }]);
  });

  it('says has_subseq only for nested links', () => {
    const nested = layer.data({ name: 'n', type: dataType.denseVectorSubSequence(3) });
    const rnn = layer.recurrentGroup({ input: nested, step: (x) => layer.pooling({ input: layer.fc({ input: x, size: 2 }) }) });
    const group = find(toModelConfig(Topology.fromOutputs(rnn).config).sub_models, '__recurrent_group_0__');
    expect(group.in_links).toEqual([{ layer_name: ['n'], link_name: ['n@__recurrent_group_0__'], has_subseq: [true] }]);
    expect(group.out_links).toEqual([{ layer_name: ['__seq_pooling_0__@__recurrent_group_0__'], link_name: ['__seq_pooling_0__'] }]);
  });

  it("marks a batch norm's moving mean and variance is_shared, as Paddle does", () => {
    const x = layer.data({ name: 'x', type: dataType.denseVector(8) });
    const model = toModelConfig(Topology.fromOutputs(layer.batchNorm({ input: x })).config);
    const shared = (model.parameters as ProtoMessage[]).filter((p) => p.is_shared?.[0] === true).map((p) => p.name?.[0]);
    expect(shared).toEqual(['___batch_norm_0__.w1', '___batch_norm_0__.w2']);
  });

  it('refuses a generating group, naming it', () => {
    const generator = layer.beamSearch({
      name: 'decoder', bosId: 0, eosId: 1, beamSize: 2, maxLength: 3,
      input: [generatedInput({ size: 5, embeddingName: 'emb', embeddingSize: 4 })],
      step: (emb) => layer.fc({ input: emb, size: 5, act: 'softmax' }),
    });
    expect(() => toModelConfig(Topology.fromOutputs(generator).config)).toThrow(
      /recurrent group "decoder" generates \(beam search\); Paddle's ModelConfig form of a generator is not written by Oar/,
    );
  });
});
