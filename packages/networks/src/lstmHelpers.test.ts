import { dataType, layer, layerAttr, paramAttr, traceTopology, type TopologyConfig } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { networks } from './index.js';

const words = () => layer.embedding({ input: layer.data({ name: 'word', type: dataType.integerValueSequence(30) }), size: 8 });
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

describe('networks.lstmemoryUnit and networks.lstmemoryGroup', () => {
  it('a unit: memories of h and c, the gate mixed layer (identity + h·U), lstm_step and a get_output of its cell', () => {
    const c = traceTopology(layer.recurrentGroup({ input: projected(12), step: (x) => networks.lstmemoryUnit({ input: x, name: 'u' }) }));
    const g = '__recurrent_group_0__';
    expect(names(c).slice(3, -1)).toEqual([
      g, `__mixed_0__@${g}`, `u+delay1@${g}`, `u_state+delay1@${g}`, `u_input_recurrent@${g}`, `u@${g}`, `u_state@${g}`,
    ]);
    const gates = layerOf(c, `u_input_recurrent@${g}`);
    expect(gates.inputs.map((i) => i.proj_conf!.type)).toEqual(['identity', 'fc']);
    expect(gates.bias_parameter_name).toBeUndefined();
    expect(paramOf(c, `_u_input_recurrent@${g}.w1`).dims).toEqual([3, 12]);
    expect(layerOf(c, `u@${g}`)).toMatchObject({ type: 'lstm_step', size: 3, active_type: 'tanh', active_gate_type: 'sigmoid', active_state_type: 'tanh' });
    expect(paramOf(c, `_u@${g}.wbias`).dims).toEqual([1, 9]);
    expect(layerOf(c, `u_state@${g}`).inputs).toEqual([{ input_layer_name: `u@${g}`, input_layer_argument: 'state' }]);
    expect(c.sub_models[1]!.memories!.map((m) => [m.layer_name, m.link_name])).toEqual([
      [`u@${g}`, `u+delay1@${g}`], [`u_state@${g}`, `u_state+delay1@${g}`],
    ]);
  });

  it('a group: gate biases (mixedBiasAttr, 4·size) and peepholes (lstmBiasAttr, 3·size) are separate, as in Paddle', () => {
    const c = traceTopology(networks.lstmemoryGroup({ input: projected(16), name: 'l', mixedBiasAttr: true, lstmBiasAttr: false, reverse: true }));
    expect(c.sub_models.map((m) => m.name)).toEqual(['root', 'l_recurrent_group']);
    expect(c.sub_models[1]!.reversed).toBe(true);
    expect(paramOf(c, '_l_input_recurrent@l_recurrent_group.wbias').dims).toEqual([1, 16]);
    expect(layerOf(c, 'l@l_recurrent_group').bias_parameter_name).toBeUndefined();
    expect(layerOf(c, 'l')).toMatchObject({ type: 'gather_agent', size: 4, seq_level: 1 });
  });

  it('checks the input against 4·size before building the step', () => {
    expect(errorOf(() => networks.lstmemoryGroup({ input: projected(10) })).message)
      .toMatch(/^networks\.lstmemoryGroup: input size must be a multiple of 4 \(\[x_a \| x_i \| x_f \| x_o\]\), got mixed \(size 10, sequence\)$/);
    expect(errorOf(() => networks.lstmemoryGroup({ input: projected(12), lstmLayerAttr: layerAttr({ dropRate: 0.3 }) })).message)
      .toMatch(/^networks\.lstmemoryGroup: lstmLayerAttr\.dropRate is not supported/);
  });
});

describe('networks.simpleLstm and networks.bidirectionalLstm', () => {
  it('simpleLstm: a linear projection lstm_transform_NAME of 4·size without bias, and an lstmemory NAME', () => {
    const c = traceTopology(networks.simpleLstm({ input: words(), size: 4 }));
    expect(names(c)).toEqual(['word', '__embedding_0__', 'lstm_transform___lstm_0__', '__lstm_0__']);
    const transform = layerOf(c, 'lstm_transform___lstm_0__');
    expect(transform).toMatchObject({ type: 'mixed', size: 16, active_type: '' });
    expect(transform.bias_parameter_name).toBeUndefined();
    expect(layerOf(c, '__lstm_0__')).toMatchObject({ type: 'lstmemory', size: 4, reversed: false, active_state_type: 'tanh' });
    expect(paramOf(c, '___lstm_0__.w0')).toMatchObject({ dims: [4, 4, 4], initial_std: 0.5, initial_smart: true });
    expect(paramOf(c, '___lstm_0__.wbias').dims).toEqual([1, 28]);
  });

  it('simpleLstm options: matParamAttr for W, innerParamAttr for U, biasParamAttr for the 7·size bias', () => {
    const c = traceTopology(networks.simpleLstm({
      input: words(), size: 2, name: 's', matParamAttr: paramAttr({ name: 'W' }), innerParamAttr: paramAttr({ name: 'U' }), biasParamAttr: false,
    }));
    expect(layerOf(c, 'lstm_transform_s').inputs[0]!.input_parameter_name).toBe('W');
    expect(layerOf(c, 's').inputs[0]!.input_parameter_name).toBe('U');
    expect(layerOf(c, 's').bias_parameter_name).toBeUndefined();
  });

  it('bidirectionalLstm: halves NAME_fw and NAME_bw (reversed), joined by rows or whole with returnSeq', () => {
    const rows = traceTopology(networks.bidirectionalLstm({ input: words(), size: 3, name: 'bi' }));
    expect(names(rows).slice(2)).toEqual(['lstm_transform_bi_fw', 'bi_fw', 'bi_fw_last', 'lstm_transform_bi_bw', 'bi_bw', 'bi_bw_last', 'bi']);
    expect(layerOf(rows, 'bi_bw').reversed).toBe(true);
    expect(layerOf(rows, 'bi')).toMatchObject({ size: 6, seq_level: 0 });
    const whole = traceTopology(networks.bidirectionalLstm({ input: words(), size: 3, returnSeq: true, bwdStateAct: 'relu', concatAct: 'tanh' }));
    expect(layerOf(whole, '__bidirectional_lstm_0__')).toMatchObject({ size: 6, seq_level: 1, active_type: 'tanh' });
    expect(layerOf(whole, '__bidirectional_lstm_0___bw').active_state_type).toBe('relu');
    expect(layerOf(whole, '__bidirectional_lstm_0___fw').active_state_type).toBe('tanh');
    expect(errorOf(() => networks.bidirectionalLstm({ input: words(), size: 3, fwdMatParamAttr: 1 as never })).message)
      .toMatch(/^networks\.bidirectionalLstm: fwdMatParamAttr must be made by paramAttr\(\{\.\.\.\}\), got 1$/);
  });
});
