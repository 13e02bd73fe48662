import { ConfigError, dataType, layer, layerAttr, paramAttr, traceTopology, type LayerOutput, type TopologyConfig } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { networks } from './index.js';

const words = (dict = 30) => layer.embedding({ input: layer.data({ name: 'word', type: dataType.integerValueSequence(dict) }), size: 8 });
const projected = (size: number) => layer.mixed({ size, input: layer.fullMatrixProjection({ input: words() }) });
const names = (c: TopologyConfig) => c.layers.map((l) => l.name);
const layerOf = (c: TopologyConfig, name: string) => c.layers.find((l) => l.name === name)!;
const paramOf = (c: TopologyConfig, name: string) => c.parameters.find((p) => p.name === name)!;

function errorOf(call: () => unknown): Error {
  try {
    call();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('networks.gruUnit and networks.gruGroup', () => {
  it('a unit is a memory and a gru_step sharing its name; its size defaults to input size / 3', () => {
    const c = traceTopology(layer.recurrentGroup({ input: projected(12), step: (x) => networks.gruUnit({ input: x }) }));
    expect(names(c).slice(3)).toEqual([
      '__recurrent_group_0__', '__mixed_0__@__recurrent_group_0__', '__gru_unit_0__+delay1@__recurrent_group_0__',
      '__gru_unit_0__@__recurrent_group_0__', '__gru_unit_0__',
    ]);
    expect(layerOf(c, '__gru_unit_0__@__recurrent_group_0__')).toMatchObject({ type: 'gru_step', size: 4, active_type: 'tanh', active_gate_type: 'sigmoid' });
    expect(paramOf(c, '___gru_unit_0__@__recurrent_group_0__.w0').dims).toEqual([4, 12]);
  });

  it('a group names its group, memory, step and output after itself, and passes reverse and the GRU options', () => {
    const c = traceTopology(networks.gruGroup({
      input: projected(9), name: 'enc', reverse: true, act: 'relu', gateAct: 'tanh', gruBiasAttr: false, gruParamAttr: paramAttr({ name: 'u' }),
    }));
    expect(names(c).slice(3)).toEqual(['enc_recurrent_group', '__mixed_0__@enc_recurrent_group', 'enc+delay1@enc_recurrent_group', 'enc@enc_recurrent_group', 'enc']);
    expect(c.sub_models[1]!.reversed).toBe(true);
    const step = layerOf(c, 'enc@enc_recurrent_group');
    expect(step).toMatchObject({ active_type: 'relu', active_gate_type: 'tanh' });
    expect(step.bias_parameter_name).toBeUndefined();
    expect(step.inputs[0]!.input_parameter_name).toBe('u');
  });

  it('rejects inputs that are not 3·size, under the helper name', () => {
    expect(errorOf(() => networks.gruGroup({ input: projected(10) })).message).toMatch(/^networks\.gruGroup: input size must be a multiple of 3 \(\[x_z \| x_r \| x_c\]\), got mixed \(size 10, sequence\)$/);
    expect(errorOf(() => networks.gruGroup({ input: projected(9), size: 4 })).message).toMatch(/^networks\.gruGroup: input must have 3·size = 12 columns/);
    expect(errorOf(() => networks.gruGroup({ input: layer.data({ name: 'x', type: dataType.denseVector(9) }) })).message)
      .toMatch(/^networks\.gruGroup: input must be a sequence \(one row per step\), got data "x" \(size 9\)$/);
  });
});

describe('networks.simpleGru', () => {
  it('projects the input to 3·size without a bias and runs a gruGroup of the same name (Paddle: simple_gru)', () => {
    const c = traceTopology(networks.simpleGru({ input: words(), size: 5 }));
    expect(names(c)).toEqual([
      'word', '__embedding_0__', '__simple_gru_0___transform', '__simple_gru_0___recurrent_group',
      '__simple_gru_0___transform@__simple_gru_0___recurrent_group', '__simple_gru_0__+delay1@__simple_gru_0___recurrent_group',
      '__simple_gru_0__@__simple_gru_0___recurrent_group', '__simple_gru_0__',
    ]);
    const transform = layerOf(c, '__simple_gru_0___transform');
    expect(transform).toMatchObject({ type: 'mixed', size: 15, active_type: '' });
    expect(transform.bias_parameter_name).toBeUndefined();
    expect(paramOf(c, '___simple_gru_0___transform.w0').dims).toEqual([8, 15]);
    expect(paramOf(c, '___simple_gru_0__@__simple_gru_0___recurrent_group.wbias').dims).toEqual([1, 15]);
  });

  it('each unnamed simpleGru takes its own number; options reach the projection and the step', () => {
    const e = words();
    const c = traceTopology([
      networks.simpleGru({ input: e, size: 2 }),
      networks.simpleGru({ input: e, size: 2, mixedBiasParamAttr: true, mixedLayerAttr: layerAttr({ dropRate: 0.5 }), gateAct: 'tanh' }),
    ]);
    expect(layerOf(c, '__simple_gru_1___transform')).toMatchObject({ bias_parameter_name: '___simple_gru_1___transform.wbias', drop_rate: 0.5 });
    expect(layerOf(c, '__simple_gru_1__@__simple_gru_1___recurrent_group').active_gate_type).toBe('tanh');
  });

  it('checks its options under their own names', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => networks.simpleGru({ input: words(), size: 0 }), /^networks\.simpleGru: size must be a positive integer, got 0$/],
      [() => networks.simpleGru({ input: words(), size: 2, gateActivation: 'tanh' } as never), /^networks\.simpleGru: unknown option 'gateActivation'; allowed options are input, size, name/],
      [() => networks.simpleGru({ input: words(), size: 2, act: 'swish' as never }), /^networks\.simpleGru: act must be one of linear, tanh, .*, got "swish"$/],
      [() => networks.simpleGru({ input: words(), size: 2, gruLayerAttr: layerAttr({ dropRate: 0.1 }) }), /^networks\.simpleGru: gruLayerAttr\.dropRate is not supported: that layer takes no dropout \(as in Paddle\), got dropRate 0\.1$/],
      [() => networks.simpleGru({ input: words(), size: 2, mixedParamAttr: {} as never }), /^networks\.simpleGru: mixedParamAttr must be made by paramAttr\(\{\.\.\.\}\), got \{\}$/],
      [() => networks.simpleGru({ input: words(), size: 2, name: 'a b' }), /^networks\.simpleGru: name must be a non-empty string without spaces or '@', got "a b"$/],
    ];
    for (const [call, message] of cases) {
      const error = errorOf(call);
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(message);
    }
  });
});

describe('networks.simpleGru2 and networks.bidirectionalGru', () => {
  it('simpleGru2 is the projection and a grumemory named after the helper', () => {
    const c = traceTopology(networks.simpleGru2({ input: words(), size: 3, name: 'g', reverse: true }));
    expect(names(c)).toEqual(['word', '__embedding_0__', 'g_transform', 'g']);
    expect(layerOf(c, 'g')).toMatchObject({ type: 'gated_recurrent', size: 3, reversed: true, bias_parameter_name: '_g.wbias' });
    expect(paramOf(c, '_g.w0').dims).toEqual([3, 9]);
  });

  it('bidirectionalGru: forward and reversed simpleGru2 halves, joined by last and first rows (default) or whole', () => {
    const rows = traceTopology(networks.bidirectionalGru({ input: words(), size: 3 }));
    expect(names(rows).slice(2)).toEqual([
      '__bidirectional_gru_0___fw_transform', '__bidirectional_gru_0___fw', '__bidirectional_gru_0___fw_last',
      '__bidirectional_gru_0___bw_transform', '__bidirectional_gru_0___bw', '__bidirectional_gru_0___bw_last', '__bidirectional_gru_0__',
    ]);
    expect(layerOf(rows, '__bidirectional_gru_0___bw_last')).toMatchObject({ type: 'seqlastins', select_first: true, seq_level: 0 });
    expect(layerOf(rows, '__bidirectional_gru_0__')).toMatchObject({ type: 'concat', size: 6, seq_level: 0 });
    const whole: LayerOutput = networks.bidirectionalGru({ input: words(), size: 3, returnSeq: true, fwdAct: 'relu', bwdGruBiasAttr: false });
    expect([whole.size, whole.seqLevel]).toEqual([6, 1]);
    const c = traceTopology(whole);
    expect(layerOf(c, '__bidirectional_gru_0___fw').active_type).toBe('relu');
    expect(layerOf(c, '__bidirectional_gru_0___bw')).toMatchObject({ active_type: 'tanh', reversed: true });
    expect(layerOf(c, '__bidirectional_gru_0___bw').bias_parameter_name).toBeUndefined();
    expect(errorOf(() => networks.bidirectionalGru({ input: words(), size: 3, fwdGruCellAttr: layerAttr({ dropRate: 0.2 }) })).message)
      .toMatch(/^networks\.bidirectionalGru: fwdGruCellAttr\.dropRate is not supported/);
  });
});
