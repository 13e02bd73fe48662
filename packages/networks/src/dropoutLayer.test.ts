import { dataType, layer } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { networks, outputs } from './index.js';

const hidden = () => layer.fc({ input: layer.data({ name: 'x', type: dataType.denseVector(6) }), size: 4 });

describe('networks.dropoutLayer', () => {
  it('is a linear addto layer without bias, with the drop rate on its output', () => {
    const t = outputs(networks.dropoutLayer({ input: hidden(), dropoutRate: 0.5 }));
    const dropout = t.layer('__dropout_0__');
    expect(dropout).toMatchObject({ type: 'addto', size: 4, active_type: '', drop_rate: 0.5, inputs: [{ input_layer_name: '__fc_layer_0__' }] });
    expect(dropout.bias_parameter_name).toBeUndefined();
    expect(t.parameters.map((p) => p.name)).toEqual(['___fc_layer_0__.w0', '___fc_layer_0__.wbias']);
  });

  it('takes __dropout_0__, __dropout_1__ without a name, and the given name with one', () => {
    const a = networks.dropoutLayer({ input: hidden(), dropoutRate: 0.2 });
    const b = networks.dropoutLayer({ input: a, dropoutRate: 0.2 });
    const c = networks.dropoutLayer({ input: b, dropoutRate: 0.2, name: 'drop' });
    expect(outputs(c).layers.map((l) => l.name)).toEqual(['x', '__fc_layer_0__', '__dropout_0__', '__dropout_1__', 'drop']);
  });

  const cases: [string, () => unknown, RegExp][] = [
    ['rate 1', () => networks.dropoutLayer({ input: hidden(), dropoutRate: 1 }), /^networks\.dropoutLayer: dropoutRate must be a number in \[0, 1\), got 1$/],
    ['rate -0.1', () => networks.dropoutLayer({ input: hidden(), dropoutRate: -0.1 }), /dropoutRate must be a number in \[0, 1\), got -0\.1/],
    ['rate missing', () => networks.dropoutLayer({ input: hidden() } as never), /dropoutRate must be a number in \[0, 1\), got undefined/],
    ['not a layer', () => networks.dropoutLayer({ input: null as never, dropoutRate: 0.5 }), /input must be a layer \(the result of a layer function\), got null/],
    ['integer ids', () => networks.dropoutLayer({ input: layer.data({ name: 'id', type: dataType.integerValue(3) }), dropoutRate: 0.5 }),
      /input must carry dense values, got data "id"/],
    ['bad name', () => networks.dropoutLayer({ input: hidden(), dropoutRate: 0.5, name: 'a@b' }), /name must be a non-empty string without spaces or '@', got "a@b"/],
  ];
  it.each(cases)('misuse: %s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
