import { describe, expect, it } from 'vitest';
import { diffModelConfigs } from './diffModelConfigs.js';
import { parseProtostr } from './protostr.js';

const model = (layers: string, rest = '') => parseProtostr(`type: "nn" ${layers} ${rest}`);
const data = (name: string) => `layers { name: "${name}" type: "data" size: 2 active_type: "" }`;
const fc = (name: string, input: string, extra = '') =>
  `layers { name: "${name}" type: "fc" size: 2 active_type: "tanh" inputs { input_layer_name: "${input}" input_parameter_name: "_${name}.w0" } ${extra} }`;
const param = (name: string, extra = '') => `parameters { name: "${name}" size: 4 initial_mean: 0.0 initial_std: 0.5 dims: 2 dims: 2 ${extra} }`;

describe('diffModelConfigs', () => {
  it('takes an absent scalar as its proto default', () => {
    const a = model(fc('h', 'x'), param('_h.w0'));
    const b = model(fc('h', 'x', 'seq_pool_stride: -1 reversed: false'), param('_h.w0', 'is_static: false initial_strategy: 0'));
    expect(diffModelConfigs(a, b)).toEqual([]);
    // initial_std defaults to 0.01, not 0.
    const noStd = model('', 'parameters { name: "p" size: 1 }');
    expect(diffModelConfigs(noStd, model('', 'parameters { name: "p" size: 1 initial_std: 0.0 }'))).toEqual(['parameter p.initial_std: Oar (default 0.01), Paddle 0']);
  });

  it('compares numbers within 1e-9, and "linear" as ""', () => {
    const a = model(fc('h', 'x').replace('"tanh"', '""'), param('_h.w0'));
    const b = model(fc('h', 'x').replace('"tanh"', '"linear"'), param('_h.w0').replace('0.5', '0.5000000001'));
    expect(diffModelConfigs(a, b)).toEqual([]);
    const c = model(fc('h', 'x'), param('_h.w0').replace('0.5', '0.500001'));
    expect(diffModelConfigs(a, c)).toEqual(['layer h.active_type: Oar "", Paddle "tanh"', 'parameter _h.w0.initial_std: Oar 0.5, Paddle 0.500001']);
  });

  it('compares an era field only when both dumps carry it', () => {
    const sub = (memory: string) => `sub_models { name: "g" is_recurrent_layer_group: true memories { layer_name: "a" link_name: "b" ${memory} } }`;
    expect(diffModelConfigs(model('', sub('is_sequence: true')), model('', sub('')))).toEqual([]);
    expect(diffModelConfigs(model('', sub('is_sequence: true')), model('', sub('is_sequence: false')))).toEqual([
      'sub_model g.memories.is_sequence: Oar true, Paddle false',
    ]);
    expect(diffModelConfigs(model(fc('h', 'x', 'init_wgt_from_mkldnn: false')), model(fc('h', 'x')))).toEqual([]);
  });

  it('lets data layers be anywhere, but not other layers', () => {
    const a = model([data('x'), data('y'), fc('h', 'x'), fc('k', 'y')].join(' '));
    const movedData = model([data('x'), fc('h', 'x'), data('y'), fc('k', 'y')].join(' '));
    expect(diffModelConfigs(a, movedData)).toEqual([]);
    const swapped = model([data('x'), data('y'), fc('k', 'y'), fc('h', 'x')].join(' '));
    expect(diffModelConfigs(a, swapped)).toEqual(['model.layers: order differs: Oar has h where Paddle has k']);
  });

  it('matches parameters by name and reports those only one side has', () => {
    const a = model('', `${param('p')} ${param('q')}`);
    expect(diffModelConfigs(a, model('', `${param('q')} ${param('p')}`))).toEqual([]);
    expect(diffModelConfigs(a, model('', `${param('q')} ${param('r')}`), { left: 'mine', right: 'theirs' })).toEqual([
      'parameter r: only in theirs', 'parameter p: only in mine',
    ]);
  });

  it('reports a field or message only one side has, and lists of another length', () => {
    const a = model(`${fc('h', 'x')} input_layer_names: "x"`);
    const b = model(`${fc('h', 'x', 'bias_parameter_name: "_h.wbias"')} input_layer_names: "x" input_layer_names: "y"`);
    expect(diffModelConfigs(a, b)).toEqual([
      'layer h.bias_parameter_name: Oar (default ""), Paddle "_h.wbias"',
      'model.input_layer_names: Oar "x", Paddle "x", "y"',
    ]);
  });
});
