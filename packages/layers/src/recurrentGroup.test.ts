import { describe, expect, it } from 'vitest';
import {
  dataType, FormatError, layer, NameScope, staticInput, Topology, traceTopology, type LayerConfig, type LayerOutput,
  type SubModelConfig, type TopologyConfig,
} from './index.js';

const seq = (n = 4, name = 's') => layer.data({ name, type: dataType.denseVectorSequence(n) });
const rnnStep = (size: number, name = 'rnn') => (x: LayerOutput) => layer.fc({ input: [x, layer.memory({ name, size })], size, name });
const byName = (c: TopologyConfig, name: string): LayerConfig => c.layers.find((l) => l.name === name)!;
const model = (c: TopologyConfig, name: string): SubModelConfig => c.sub_models.find((m) => m.name === name)!;

describe('layer.recurrentGroup: what is saved', () => {
  it("lays a group out as Paddle does: group layer, in-link agents, memory agents, step layers, then out-link agents", () => {
    const c = traceTopology(layer.recurrentGroup({ input: seq(), step: rnnStep(3) }));
    expect(c.type).toBe('recurrent_nn');
    expect(c.layers.map((l) => [l.name, l.type, l.size, l.seq_level])).toEqual([
      ['s', 'data', 4, 1],
      ['__recurrent_group_0__', 'recurrent_layer_group', 0, 0],
      ['s@__recurrent_group_0__', 'scatter_agent', 4, 0],
      ['rnn+delay1@__recurrent_group_0__', 'agent', 3, 0],
      ['rnn@__recurrent_group_0__', 'fc', 3, 0],
      ['rnn', 'gather_agent', 3, 1],
    ]);
    expect(byName(c, '__recurrent_group_0__').sub_model).toBe('__recurrent_group_0__');
    expect(c.parameters.map((p) => [p.name, p.dims])).toEqual([
      ['_rnn@__recurrent_group_0__.w0', [4, 3]], ['_rnn@__recurrent_group_0__.w1', [3, 3]], ['_rnn@__recurrent_group_0__.wbias', [1, 3]],
    ]);
    expect(c.sub_models.map((m) => m.name)).toEqual(['root', '__recurrent_group_0__']);
    expect(model(c, 'root').layer_names).toEqual(['s', '__recurrent_group_0__', 'rnn']);
    expect(model(c, '__recurrent_group_0__')).toEqual({
      name: '__recurrent_group_0__',
      layer_names: ['s@__recurrent_group_0__', 'rnn+delay1@__recurrent_group_0__', 'rnn@__recurrent_group_0__'],
      input_layer_names: [], output_layer_names: [], evaluator_names: [],
      is_recurrent_layer_group: true, reversed: false,
      memories: [{ layer_name: 'rnn@__recurrent_group_0__', link_name: 'rnn+delay1@__recurrent_group_0__', is_sequence: false }],
      in_links: [{ layer_name: 's', link_name: 's@__recurrent_group_0__', has_subseq: false }],
      out_links: [{ layer_name: 'rnn@__recurrent_group_0__', link_name: 'rnn', has_subseq: false }],
    });
  });

  it('gives the step one agent per input: a row of a sequence, the whole value of a static input', () => {
    const seen: LayerOutput[] = [];
    layer.recurrentGroup({
      input: [staticInput(seq(3, 'enc'), { isSeq: true }), seq(), staticInput(layer.data({ name: 'g', type: dataType.denseVector(2) }))],
      step: (...agents) => {
        seen.push(...agents);
        return rnnStep(3)(agents[1]!);
      },
    });
    expect(seen.map((a) => [a.size, a.seqLevel])).toEqual([[3, 1], [4, 0], [2, 0]]);
  });

  it('writes static inputs as memories booted by the outer layer that remember themselves, numbered by the memory counter', () => {
    const c = traceTopology(layer.recurrentGroup({
      input: [staticInput(seq(3, 'enc')), seq()],
      step: (enc, x) => layer.fc({ input: [x, layer.pooling({ input: enc }), layer.memory({ name: 'h', size: 2 })], size: 2, name: 'h' }),
    }));
    expect(model(c, '__recurrent_group_0__').memories).toEqual([
      { layer_name: '__memory_0__@__recurrent_group_0__', link_name: '__memory_0__@__recurrent_group_0__', boot_layer_name: 'enc', is_sequence: true, is_static_input: true },
      { layer_name: 'h@__recurrent_group_0__', link_name: 'h+delay1@__recurrent_group_0__', is_sequence: false },
    ]);
    expect(byName(c, '__memory_0__@__recurrent_group_0__')).toMatchObject({ type: 'agent', size: 3, seq_level: 1 });
    expect(model(c, '__recurrent_group_0__').in_links).toEqual([{ layer_name: 's', link_name: 's@__recurrent_group_0__', has_subseq: false }]);
  });

  it('records boot layers and boot biases (a parameter of the agent); constant boot ids make a memory of ids', () => {
    const boot = layer.fc({ input: layer.data({ name: 'x', type: dataType.denseVector(2) }), size: 3, name: 'boot' });
    const c = traceTopology(layer.recurrentGroup({
      input: seq(),
      step: (x) => {
        const h = layer.fc({ input: [x, layer.memory({ name: 'h', size: 3, bootLayer: boot })], size: 3, name: 'h' });
        return layer.fc({ input: [h, layer.memory({ name: 'o', size: 2, bootBias: true, bootBiasActiveType: 'tanh' })], size: 2, name: 'o' });
      },
    }));
    expect(model(c, '__recurrent_group_0__').memories).toEqual([
      { layer_name: 'h@__recurrent_group_0__', link_name: 'h+delay1@__recurrent_group_0__', boot_layer_name: 'boot', is_sequence: false },
      {
        layer_name: 'o@__recurrent_group_0__', link_name: 'o+delay1@__recurrent_group_0__', is_sequence: false,
        boot_bias_parameter_name: '_o+delay1@__recurrent_group_0__.wbias', boot_bias_active_type: 'tanh',
      },
    ]);
    expect(c.parameters.find((p) => p.name === '_o+delay1@__recurrent_group_0__.wbias')).toMatchObject({ dims: [1, 2], initial_std: 0 });
    expect(c.layers.map((l) => l.name).indexOf('boot')).toBeLessThan(c.layers.map((l) => l.name).indexOf('__recurrent_group_0__'));
    // Constant boot ids are for generation (a memory of ids, booted with the start mark).
    const ids = layer.memory({ name: 'word', size: 10, bootWithConstId: 0 });
    expect([ids.valueKind, ids.size]).toEqual(['ids', 10]);
    expect(layer.embedding({ input: ids, size: 3 }).size).toBe(3);
  });

  it('reversed groups, several outputs (one out-link agent each, in order) and a memory found by name though returned by nothing', () => {
    const outs = layer.recurrentGroup({
      input: seq(), reverse: true,
      step: (x) => {
        const c = layer.memory({ name: 'cell', size: 2 });
        const h = layer.fc({ input: [x, c], size: 2, name: 'hidden' });
        layer.addto({ input: [h, c], name: 'cell' });
        return [h, layer.fc({ input: h, size: 5, act: 'softmax', name: 'prob' })];
      },
    });
    expect(outs.map((o) => [o.size, o.seqLevel, o.activation])).toEqual([[2, 1, 'tanh'], [5, 1, 'softmax']]);
    const c = traceTopology(outs);
    const m = model(c, '__recurrent_group_0__');
    expect(m.reversed).toBe(true);
    expect(m.layer_names).toEqual([
      's@__recurrent_group_0__', 'cell+delay1@__recurrent_group_0__', 'hidden@__recurrent_group_0__', 'prob@__recurrent_group_0__', 'cell@__recurrent_group_0__',
    ]);
    expect(m.out_links!.map((l) => l.link_name)).toEqual(['hidden', 'prob']);
    expect(m.memories![0]!.layer_name).toBe('cell@__recurrent_group_0__');
  });

  it('steps over sub-sequences of nested inputs: agents are sequences, has_subseq links, outputs one level up', () => {
    const nested = layer.data({ name: 'n', type: dataType.denseVectorSubSequence(4) });
    const [perSentence, perWord] = layer.recurrentGroup({
      input: nested,
      step: (sentence) => {
        const summary = rnnStep(3)(layer.pooling({ input: sentence, poolingType: 'avg' }));
        return [summary, layer.fc({ input: sentence, size: 2, name: 'words' })];
      },
    });
    expect([perSentence!.seqLevel, perWord!.seqLevel]).toEqual([1, 2]);
    const c = traceTopology([perSentence!, perWord!]);
    expect(byName(c, 'n@__recurrent_group_0__').seq_level).toBe(1);
    expect(model(c, '__recurrent_group_0__').in_links![0]!.has_subseq).toBe(true);
    expect(model(c, '__recurrent_group_0__').out_links!.map((l) => l.has_subseq)).toEqual([false, true]);
  });

  it('nests a group in a step: names and sub-models carry both groups, the enclosing one first', () => {
    const nested = layer.data({ name: 'n', type: dataType.denseVectorSubSequence(4) });
    const outer = layer.recurrentGroup({
      input: nested,
      step: (sentence) => {
        const words = layer.recurrentGroup({ input: sentence, step: rnnStep(3, 'word_rnn') });
        return rnnStep(3, 'sentence_rnn')(layer.lastSeq({ input: words }));
      },
    });
    const c = traceTopology(outer);
    const inner = '__recurrent_group_1__@__recurrent_group_0__';
    expect(c.sub_models.map((m) => m.name)).toEqual(['root', '__recurrent_group_0__', inner]);
    expect(model(c, '__recurrent_group_0__').layer_names).toEqual([
      'n@__recurrent_group_0__', 'sentence_rnn+delay1@__recurrent_group_0__', inner, 'word_rnn@__recurrent_group_0__',
      '__last_seq_0__@__recurrent_group_0__', 'sentence_rnn@__recurrent_group_0__',
    ]);
    expect(model(c, inner)).toMatchObject({
      layer_names: [`n@${inner}`, `word_rnn+delay1@${inner}`, `word_rnn@${inner}`],
      in_links: [{ layer_name: 'n@__recurrent_group_0__', link_name: `n@${inner}`, has_subseq: false }],
      out_links: [{ layer_name: `word_rnn@${inner}`, link_name: 'word_rnn@__recurrent_group_0__', has_subseq: false }],
    });
    expect(c.parameters.map((p) => p.name)).toContain(`_word_rnn@${inner}.w1`);
    expect(Topology.fromJSON(JSON.parse(JSON.stringify(c))).config).toEqual(c);
  });

  it('names groups and memories with the same counters as Paddle, and helper names through NameScope', () => {
    const scope = new NameScope('gru_group');
    const a = layer.recurrentGroup({ input: seq(), step: rnnStep(3, 'a') });
    const b = layer.recurrentGroup({
      input: seq(5, 't'), name: scope.sub('_recurrent_group'),
      step: (x) => {
        const m = layer.memory({ size: 3 });
        const h = layer.fc({ input: [x, m], size: 3 });
        m.setInput(h);
        return h;
      },
    });
    const c = traceTopology([a, b]);
    expect(c.layers.map((l) => l.name)).toEqual([
      's', '__recurrent_group_0__', 's@__recurrent_group_0__', 'a+delay1@__recurrent_group_0__', 'a@__recurrent_group_0__', 'a',
      't', '__gru_group_0___recurrent_group', 't@__gru_group_0___recurrent_group', '__memory_1__@__gru_group_0___recurrent_group',
      '__fc_layer_0__@__gru_group_0___recurrent_group', '__fc_layer_0__',
    ]);
  });

  it('traces the same way twice (the group keeps no naming state)', () => {
    const out = layer.recurrentGroup({ input: seq(), step: rnnStep(3) });
    expect(traceTopology(out)).toEqual(traceTopology(out));
  });
});

describe('saved format of groups', () => {
  const config = () => traceTopology(layer.recurrentGroup({
    input: [seq(), staticInput(layer.data({ name: 'b', type: dataType.denseVector(3) }))],
    step: (x, boot) => layer.fc({ input: [x, boot, layer.memory({ name: 'rnn', size: 3, bootLayer: layer.data({ name: 'h0', type: dataType.denseVector(3) }) })], size: 3, name: 'rnn' }),
  }));

  it('reads back what it wrote', () => {
    const c = config();
    expect(Topology.fromJSON(JSON.stringify(c)).config).toEqual(c);
  });

  it('rejects sub-models whose links or memories point at the wrong layers', () => {
    const cases: [(c: TopologyConfig) => void, RegExp][] = [
      [(c) => { model(c, '__recurrent_group_0__').in_links![0]!.layer_name = 'ghost'; }, /in-link source "ghost" is not a layer outside the group/],
      [(c) => { model(c, '__recurrent_group_0__').out_links![0]!.layer_name = 'rnn'; }, /out-link source "rnn" is not a layer of the group/],
      [(c) => { model(c, '__recurrent_group_0__').memories![1]!.layer_name = 'nope@x'; }, /memory target "nope@x" is not a layer of the group/],
      [(c) => { model(c, '__recurrent_group_0__').memories![1]!.boot_layer_name = 'rnn@__recurrent_group_0__'; }, /boot layer "rnn@__recurrent_group_0__" is not a layer outside the group/],
      [(c) => { model(c, '__recurrent_group_0__').name = 'other'; }, /recurrent group "other": there is no group layer of that name/],
    ];
    for (const [breakIt, message] of cases) {
      const c = structuredClone(config());
      breakIt(c);
      expect(() => Topology.fromJSON(c)).toThrow(FormatError);
      expect(() => Topology.fromJSON(c)).toThrow(message);
    }
  });
});
