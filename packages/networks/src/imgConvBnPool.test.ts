import { dataType, layer, layerAttr, paramAttr } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { networks, outputs } from './index.js';
import { convBnClassifier } from './testing/goldenNetworks.js';

const rgb = (side = 8) => layer.data({ name: 'image', type: dataType.denseVector(3 * side * side), height: side, width: side });

describe('networks.imgConvBnPool: what Paddle builds', () => {
  it('conv (linear) → batch norm (act, default relu) → pool, named _conv, _bn, _pool', () => {
    const t = outputs(convBnClassifier());
    expect(t.layers.slice(0, 7).map((l) => [l.name, l.type, l.size, l.active_type])).toEqual([
      ['image', 'data', 3 * 32 * 32, ''],
      ['__conv_bn_pool_0___conv', 'exconv', 32 * 32 * 32, ''],
      ['__conv_bn_pool_0___bn', 'batch_norm', 32 * 32 * 32, 'relu'],
      ['__conv_bn_pool_0___pool', 'pool', 32 * 16 * 16, ''],
      ['__conv_bn_pool_1___conv', 'exconv', 64 * 16 * 16, ''],
      ['__conv_bn_pool_1___bn', 'batch_norm', 64 * 16 * 16, 'relu'],
      ['__conv_bn_pool_1___pool', 'pool', 64 * 8 * 8, ''],
    ]);
    expect(t.layer('__conv_bn_pool_0___pool').inputs[0]!.input_layer_name).toBe('__conv_bn_pool_0___bn');
  });

  it("the batch norm has Paddle's per-channel parameters: scale (mean 1), moving mean and variance (static), bias", () => {
    const t = outputs(convBnClassifier());
    const bn = t.layer('__conv_bn_pool_1___bn');
    expect(bn.inputs.map((i) => [i.input_layer_name, i.input_parameter_name])).toEqual([
      ['__conv_bn_pool_1___conv', '___conv_bn_pool_1___bn.w0'],
      ['__conv_bn_pool_1___conv', '___conv_bn_pool_1___bn.w1'],
      ['__conv_bn_pool_1___conv', '___conv_bn_pool_1___bn.w2'],
    ]);
    expect(bn.inputs[0]!.image_conf).toEqual({ channels: 64, img_size: 16, img_size_y: 16 });
    expect(t.parameter('___conv_bn_pool_1___bn.w0')).toMatchObject({ dims: [1, 64], initial_mean: 1, initial_std: 0 });
    expect(t.parameter('___conv_bn_pool_1___bn.w1')).toMatchObject({ dims: [1, 64], is_static: true });
    expect(t.parameter('___conv_bn_pool_1___bn.w2')).toMatchObject({ dims: [1, 64], is_static: true });
    expect(t.parameter('___conv_bn_pool_1___conv.w0')).toMatchObject({ dims: [64, 32 * 9], initial_std: Math.sqrt(2 / (9 * 32)) });
  });

  it('act goes to the batch norm; the attributes reach their own layers; an explicit name propagates', () => {
    const t = outputs(networks.imgConvBnPool({
      input: rgb(), name: 'block', filterSize: 3, numFilters: 4, convPadding: 1, act: 'tanh', poolSize: 2, poolStride: 2,
      poolType: 'avg', convBiasAttr: false, convParamAttr: paramAttr({ name: 'kernel' }), bnLayerAttr: layerAttr({ dropRate: 0.3 }),
      bnBiasAttr: paramAttr({ initialMean: 0.5, initialStd: 0 }),
    }));
    expect(t.layers.map((l) => l.name)).toEqual(['image', 'block_conv', 'block_bn', 'block_pool']);
    expect(t.layer('block_conv')).toMatchObject({ active_type: '' });
    expect(t.layer('block_conv').bias_parameter_name).toBeUndefined();
    expect(t.layer('block_conv').inputs[0]!.input_parameter_name).toBe('kernel');
    expect(t.layer('block_bn')).toMatchObject({ active_type: 'tanh', drop_rate: 0.3 });
    expect(t.parameter('_block_bn.wbias')).toMatchObject({ initial_mean: 0.5 });
    expect(t.layer('block_pool').inputs[0]!.pool_conf).toMatchObject({ pool_type: 'avg-projection', stride: 2, output_x: 4 });
  });

  it('unnamed groups take __conv_bn_pool_0__, __conv_bn_pool_1__', () => {
    const a = networks.imgConvBnPool({ input: rgb(), filterSize: 3, numFilters: 4, poolSize: 2 });
    const b = networks.imgConvBnPool({ input: a, filterSize: 3, numFilters: 4, poolSize: 2 });
    expect(outputs(b).layers.filter((l) => l.type === 'pool').map((l) => l.name)).toEqual(['__conv_bn_pool_0___pool', '__conv_bn_pool_1___pool']);
  });
});

describe('networks.imgConvBnPool: misuse', () => {
  const ok = () => ({ input: rgb(), filterSize: 3, numFilters: 4, poolSize: 2 });
  const cases: [string, () => unknown, RegExp][] = [
    ['numFilters -3', () => networks.imgConvBnPool({ ...ok(), numFilters: -3 }), /^networks\.imgConvBnPool: numFilters must be a positive integer, got -3$/],
    ['convStride 0', () => networks.imgConvBnPool({ ...ok(), convStride: 0 }), /convStride must be a positive integer, got 0/],
    ['unknown pool type', () => networks.imgConvBnPool({ ...ok(), poolType: 'MaxPooling' as never }), /poolType must be one of 'max', 'avg', got "MaxPooling"/],
    ['unknown activation', () => networks.imgConvBnPool({ ...ok(), act: 'bogus' as never }), /act must be one of .*got "bogus"/],
    ['no image shape', () => networks.imgConvBnPool({ ...ok(), input: layer.data({ name: 'v', type: dataType.denseVector(10) }) }), /numChannel is needed/],
    ['a sequence of ids', () => networks.imgConvBnPool({ ...ok(), input: layer.data({ name: 'w', type: dataType.integerValueSequence(9) }) }),
      /input must carry dense values/],
    ['bnParamAttr', () => networks.imgConvBnPool({ ...ok(), bnParamAttr: true as never }), /bnParamAttr must be made by paramAttr/],
    ['bnLayerAttr', () => networks.imgConvBnPool({ ...ok(), bnLayerAttr: { dropRate: 0.5 } as never }), /bnLayerAttr must be made by layerAttr/],
    ['pool does not fit', () => networks.imgConvBnPool({ ...ok(), poolSize: 20, poolPadding: 0 }), /^networks\.imgConvBnPool \(pool\): pool 20x20 does not fit the 6x6 input image$/],
    ['unknown option', () => networks.imgConvBnPool({ ...ok(), bnAct: 'relu' } as never), /unknown option 'bnAct'/],
  ];
  it.each(cases)('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
