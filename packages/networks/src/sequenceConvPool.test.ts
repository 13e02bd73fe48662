import { dataType, layer, paramAttr, type LayerConfig, type Topology } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { networks, outputs } from './index.js';
import { textClassifier } from './testing/goldenNetworks.js';

const byName = (t: Topology, name: string): LayerConfig => t.layer(name);
const words = (dict = 30) => layer.data({ name: 'word', type: dataType.integerValueSequence(dict) });
const emb = (size = 8) => layer.embedding({ input: words(), size });

describe('networks.sequenceConvPool: what Paddle builds', () => {
  const t = outputs(textClassifier(10000, 128, 128, 2));

  it('names the three inner layers after the helper: _conv_proj, _conv_fc and the pooling itself', () => {
    expect(t.layers.map((l) => l.name)).toEqual([
      'word', '__embedding_0__',
      '__sequence_conv_pooling_0___conv_proj', '__sequence_conv_pooling_0___conv_fc', '__sequence_conv_pooling_0__',
      '__sequence_conv_pooling_1___conv_proj', '__sequence_conv_pooling_1___conv_fc', '__sequence_conv_pooling_1__',
      '__fc_layer_0__', 'label', '__cost_0__',
    ]);
    expect(t.inputNames).toEqual(['word', 'label']);
  });

  it('the context projection is a linear mixed layer of contextLen · input size, no bias, zero padding', () => {
    const proj = byName(t, '__sequence_conv_pooling_0___conv_proj');
    expect(proj).toMatchObject({ type: 'mixed', size: 3 * 128, active_type: '', seq_level: 1 });
    expect(proj.bias_parameter_name).toBeUndefined();
    expect(proj.inputs).toEqual([{
      input_layer_name: '__embedding_0__',
      proj_conf: {
        type: 'context', name: '___sequence_conv_pooling_0___conv_proj.w0', input_size: 128, output_size: 384,
        context_start: -1, context_length: 3, trainable_padding: false,
      },
    }]);
  });

  it('a window of 4 starts at -2, as Paddle computes -(4 - 1) / 2 with Python 2 floor division', () => {
    const proj = byName(t, '__sequence_conv_pooling_1___conv_proj');
    expect(proj.size).toBe(4 * 128);
    expect(proj.inputs[0]!.proj_conf).toMatchObject({ context_start: -2, context_length: 4 });
  });

  it('the fc is tanh with a [contextLen · input, hiddenSize] weight and a zero-initialised bias', () => {
    const fc = byName(t, '__sequence_conv_pooling_0___conv_fc');
    expect(fc).toMatchObject({ type: 'fc', size: 128, active_type: 'tanh' });
    expect(t.parameter('___sequence_conv_pooling_0___conv_fc.w0')).toMatchObject({
      dims: [384, 128], initial_mean: 0, initial_std: 1 / Math.sqrt(384), initial_smart: true,
    });
    expect(t.parameter('___sequence_conv_pooling_0___conv_fc.wbias')).toMatchObject({ dims: [1, 128], initial_std: 0 });
  });

  it('the output is a max pooling over each sequence, of hiddenSize', () => {
    expect(byName(t, '__sequence_conv_pooling_1__')).toMatchObject({ type: 'max', size: 128, trans_type: 'non-seq', seq_level: 0 });
    expect(byName(t, '__fc_layer_0__').inputs.map((i) => i.input_layer_name)).toEqual(['__sequence_conv_pooling_0__', '__sequence_conv_pooling_1__']);
  });
});

describe('networks.sequenceConvPool: options', () => {
  it('the default contextStart is floor(-(contextLen - 1) / 2) for every length', () => {
    const starts = [1, 2, 3, 4, 5, 6].map((contextLen) => {
      const t = outputs(networks.sequenceConvPool({ input: emb(), contextLen, hiddenSize: 4, name: 'c' }));
      return t.layer('c_conv_proj').inputs[0]!.proj_conf!.context_start;
    });
    expect(starts).toEqual([0, -1, -1, -2, -2, -3]);
  });

  it('an explicit name propagates to the inner layers; contextProjLayerName and fcLayerName override theirs', () => {
    const named = outputs(networks.sequenceConvPool({ input: emb(), contextLen: 3, hiddenSize: 4, name: 'conv3' }));
    expect(named.layers.map((l) => l.name).slice(2)).toEqual(['conv3_conv_proj', 'conv3_conv_fc', 'conv3']);
    const renamed = outputs(networks.sequenceConvPool({
      input: emb(), contextLen: 3, hiddenSize: 4, name: 'conv3', contextProjLayerName: 'windows', fcLayerName: 'filters',
    }));
    expect(renamed.layers.map((l) => l.name).slice(2)).toEqual(['windows', 'filters', 'conv3']);
    expect(renamed.parameters.map((p) => p.name)).toContain('_filters.w0');
  });

  it('unnamed helpers take distinct default names; a named one uses no number', () => {
    const e = emb();
    const a = networks.sequenceConvPool({ input: e, contextLen: 3, hiddenSize: 4 });
    const b = networks.sequenceConvPool({ input: e, contextLen: 3, hiddenSize: 4, name: 'mid' });
    const c = networks.sequenceConvPool({ input: e, contextLen: 3, hiddenSize: 4 });
    const t = outputs(layer.concat({ input: [a, b, c] }));
    expect(t.layers.filter((l) => l.type === 'max').map((l) => l.name)).toEqual(['__sequence_conv_pooling_0__', 'mid', '__sequence_conv_pooling_1__']);
    expect(t.layers.map((l) => l.name)).toContain('__sequence_conv_pooling_1___conv_fc');
  });

  it('poolType, fcAct, fcBiasAttr and learned padding reach the inner layers', () => {
    const t = outputs(networks.sequenceConvPool({
      input: emb(8), contextLen: 4, hiddenSize: 4, name: 's', poolType: 'sum', fcAct: 'relu', fcBiasAttr: false,
      contextProjParamAttr: true,
    }));
    expect(t.layer('s')).toMatchObject({ type: 'average', average_strategy: 'sum' });
    expect(t.layer('s_conv_fc')).toMatchObject({ active_type: 'relu' });
    expect(t.layer('s_conv_fc').bias_parameter_name).toBeUndefined();
    // Window [-2, 1]: two padding rows before the sequence and one after, each of the input size.
    expect(t.parameter('_s_conv_proj.w0')).toMatchObject({ dims: [3, 8], initial_std: 0 });
    const avg = outputs(networks.sequenceConvPool({ input: emb(), contextLen: 3, hiddenSize: 4, name: 's', poolType: 'avg' }));
    expect(avg.layer('s')).toMatchObject({ type: 'average', average_strategy: 'average' });
  });

  it('textConvPool is the same helper, with the same default names', () => {
    const viaAlias = outputs(networks.textConvPool({ input: emb(), contextLen: 3, hiddenSize: 4 })).serialize();
    const direct = outputs(networks.sequenceConvPool({ input: emb(), contextLen: 3, hiddenSize: 4 })).serialize();
    expect(viaAlias).toBe(direct);
  });

  it('accepts a dense sequence directly', () => {
    const features = layer.data({ name: 'f', type: dataType.denseVectorSequence(5) });
    const t = outputs(networks.sequenceConvPool({ input: features, contextLen: 2, hiddenSize: 3, name: 'c' }));
    expect(t.layer('c_conv_proj').size).toBe(10);
  });
});

describe('networks.sequenceConvPool: misuse', () => {
  const ok = () => ({ input: emb(), contextLen: 3, hiddenSize: 4 });
  const cases: [string, () => unknown, RegExp][] = [
    ['contextLen 0', () => networks.sequenceConvPool({ ...ok(), contextLen: 0 }), /^networks\.sequenceConvPool: contextLen must be a positive integer, got 0$/],
    ['hiddenSize 2.5', () => networks.sequenceConvPool({ ...ok(), hiddenSize: 2.5 }), /hiddenSize must be a positive integer, got 2\.5/],
    ['contextStart 0.5', () => networks.sequenceConvPool({ ...ok(), contextStart: 0.5 }), /contextStart must be an integer, got 0\.5/],
    ['no sequence', () => networks.sequenceConvPool({ ...ok(), input: layer.data({ name: 'v', type: dataType.denseVector(4) }) }),
      /networks\.sequenceConvPool: input must be a sequence, got data "v" \(size 4\)/],
    ['integer ids', () => networks.sequenceConvPool({ ...ok(), input: words() }), /input must carry dense values, got data "word".*integer ids.*layer\.embedding/],
    ['not a layer', () => networks.sequenceConvPool({ ...ok(), input: 'emb' as never }), /input must be a layer \(the result of a layer function\), got "emb"/],
    ['unknown pool type', () => networks.sequenceConvPool({ ...ok(), poolType: 'min' as never }), /poolType must be one of 'max', 'avg', 'sum', got "min"/],
    ['unknown activation', () => networks.sequenceConvPool({ ...ok(), fcAct: 'relu6' as never }), /fcAct must be one of linear, tanh, .*got "relu6"/],
    ['snake_case option', () => networks.sequenceConvPool({ ...ok(), context_len: 3 } as never), /unknown option 'context_len'; allowed options are input, contextLen/],
    ['bad name', () => networks.sequenceConvPool({ ...ok(), name: 'my conv' }), /name must be a non-empty string without spaces or '@', got "my conv"/],
    ['bad fc name', () => networks.sequenceConvPool({ ...ok(), fcLayerName: '' }), /fcLayerName must be a non-empty string/],
    ['padding attr', () => networks.sequenceConvPool({ ...ok(), contextProjParamAttr: { initialStd: 1 } as never }),
      /contextProjParamAttr must be made by paramAttr\(\{\.\.\.\}\), got \{"initialStd":1\}/],
    ['fc param attr', () => networks.sequenceConvPool({ ...ok(), fcParamAttr: 'w' as never }), /fcParamAttr must be made by paramAttr/],
    ['padding never used', () => networks.sequenceConvPool({ ...ok(), contextLen: 1, contextProjParamAttr: paramAttr() }),
      /^networks\.sequenceConvPool \(context projection\): paddingAttr asks for trainable padding, but the window \[0, 0\] never leaves the sequence$/],
    ['alias names itself', () => networks.textConvPool({ ...ok(), hiddenSize: 0 }), /^networks\.textConvPool: hiddenSize must be a positive integer, got 0$/],
  ];
  it.each(cases)('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
