import { dataType, layer } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { networks, outputs } from './index.js';
import { imageClassifier } from './testing/goldenNetworks.js';

const gray = (side = 8) => layer.data({ name: 'image', type: dataType.denseVector(side * side), height: side, width: side });

describe('networks.simpleImgConvPool: what Paddle builds', () => {
  it('LeNet-5 (Paddle book): conv 5x5 → pool 2/2 twice, 28 → 24 → 12 → 8 → 4, fc over 50·4·4', () => {
    const t = outputs(imageClassifier());
    expect(t.layers.map((l) => [l.name, l.type, l.size, l.active_type])).toEqual([
      ['pixel', 'data', 784, ''],
      ['__conv_pool_0___conv', 'exconv', 20 * 24 * 24, 'relu'],
      ['__conv_pool_0___pool', 'pool', 20 * 12 * 12, ''],
      ['__conv_pool_1___conv', 'exconv', 50 * 8 * 8, 'relu'],
      ['__conv_pool_1___pool', 'pool', 50 * 4 * 4, ''],
      ['__fc_layer_0__', 'fc', 10, 'softmax'],
      ['label', 'data', 10, ''],
      ['__cost_0__', 'multi-class-cross-entropy', 1, ''],
    ]);
    // Paddle's conv init: std = sqrt(2 / (filter² · input channels)); shared biases, one per filter.
    expect(t.parameter('___conv_pool_1___conv.w0')).toMatchObject({ dims: [50, 20 * 25], initial_std: Math.sqrt(2 / (25 * 20)), initial_smart: false });
    expect(t.parameter('___conv_pool_1___conv.wbias')).toMatchObject({ dims: [50, 1], initial_std: 0 });
    expect(t.layer('__conv_pool_0___pool').inputs[0]!.pool_conf).toMatchObject({
      pool_type: 'max-projection', channels: 20, size_x: 2, stride: 2, img_size: 24, output_x: 12,
    });
    expect(t.parameter('___fc_layer_0__.w0').dims).toEqual([800, 10]);
  });

  it("defaults: relu conv with stride 1 and no padding, max pool with stride 1 (Paddle's img_pool default)", () => {
    const t = outputs(networks.simpleImgConvPool({ input: gray(8), filterSize: 3, numFilters: 4, poolSize: 2 }));
    const conv = t.layer('__conv_pool_0___conv');
    expect(conv).toMatchObject({ active_type: 'relu', num_filters: 4, shared_biases: true, height: 6, width: 6 });
    expect(conv.inputs[0]!.conv_conf).toMatchObject({ stride: 1, padding: 0, groups: 1, channels: 1 });
    // ceil mode: 1 + ceil((6 - 2) / 1) = 5.
    expect(t.layer('__conv_pool_0___pool')).toMatchObject({ size: 4 * 5 * 5, height: 5, width: 5 });
  });

  it('an explicit name propagates to _conv and _pool; unnamed groups count apart from plain conv layers', () => {
    const named = outputs(networks.simpleImgConvPool({ input: gray(), filterSize: 3, numFilters: 2, poolSize: 2, name: 'cp' }));
    expect(named.layers.map((l) => l.name)).toEqual(['image', 'cp_conv', 'cp_pool']);
    const a = networks.simpleImgConvPool({ input: gray(12), filterSize: 3, numFilters: 2, poolSize: 2 });
    const plain = layer.imgConv({ input: a, filterSize: 3, numFilters: 2 });
    const b = networks.simpleImgConvPool({ input: plain, filterSize: 3, numFilters: 2, poolSize: 2 });
    expect(outputs(b).layers.map((l) => l.name)).toEqual([
      'image', '__conv_pool_0___conv', '__conv_pool_0___pool', '__conv_0__', '__conv_pool_1___conv', '__conv_pool_1___pool',
    ]);
  });

  it('passes groups, strides, paddings, pool type, non-shared biases and numChannel through', () => {
    const rgb = layer.data({ name: 'rgb', type: dataType.denseVector(3 * 8 * 8) });
    const t = outputs(networks.simpleImgConvPool({
      input: rgb, numChannel: 3, filterSize: 3, numFilters: 6, groups: 3, convStride: 2, convPadding: 1, act: 'tanh',
      name: 'cp', poolSize: 3, poolType: 'avg', poolStride: 1, poolPadding: 1, sharedBias: false,
    }));
    expect(t.layer('cp_conv').inputs[0]!.conv_conf).toMatchObject({ channels: 3, groups: 3, filter_channels: 1, stride: 2, padding: 1, output_x: 4 });
    expect(t.layer('cp_conv')).toMatchObject({ active_type: 'tanh', shared_biases: false });
    expect(t.parameter('_cp_conv.wbias').dims).toEqual([6 * 4 * 4, 1]);
    expect(t.layer('cp_pool').inputs[0]!.pool_conf).toMatchObject({ pool_type: 'avg-projection', size_x: 3, stride: 1, padding: 1, output_x: 4 });
  });
});

describe('networks.simpleImgConvPool: misuse', () => {
  const ok = () => ({ input: gray(), filterSize: 3, numFilters: 4, poolSize: 2 });
  const flat = () => layer.data({ name: 'flat', type: dataType.denseVector(3 * 16) });
  const cases: [string, () => unknown, RegExp][] = [
    ['poolSize 0', () => networks.simpleImgConvPool({ ...ok(), poolSize: 0 }), /^networks\.simpleImgConvPool: poolSize must be a positive integer, got 0$/],
    ['filterSize 1.5', () => networks.simpleImgConvPool({ ...ok(), filterSize: 1.5 }), /filterSize must be a positive integer, got 1\.5/],
    ['numFilters "4"', () => networks.simpleImgConvPool({ ...ok(), numFilters: '4' as never }), /numFilters must be a positive integer, got "4"/],
    ['convPadding -1', () => networks.simpleImgConvPool({ ...ok(), convPadding: -1 }), /convPadding must be a non-negative integer, got -1/],
    ['poolStride 0', () => networks.simpleImgConvPool({ ...ok(), poolStride: 0 }), /poolStride must be a positive integer, got 0/],
    ['unknown pool type', () => networks.simpleImgConvPool({ ...ok(), poolType: 'sum' as never }), /poolType must be one of 'max', 'avg', got "sum"/],
    ['unknown activation', () => networks.simpleImgConvPool({ ...ok(), act: 'Relu' as never }), /act must be one of .*got "Relu"/],
    ['sharedBias not boolean', () => networks.simpleImgConvPool({ ...ok(), sharedBias: 1 as never }), /sharedBias must be true or false, got 1/],
    ['no image shape', () => networks.simpleImgConvPool({ ...ok(), input: flat() }),
      /^networks\.simpleImgConvPool: numChannel is needed: input data "flat" \(size 48\) has no image shape/],
    ['not a square image', () => networks.simpleImgConvPool({ ...ok(), input: flat(), numChannel: 2 }),
      /input size 48 is not numChannel \(2\) times a square image/],
    ['numChannel contradicts', () => networks.simpleImgConvPool({ ...ok(), numChannel: 3 }), /numChannel 3 contradicts the 1 channels of input data "image"/],
    ['integer ids', () => networks.simpleImgConvPool({ ...ok(), input: layer.data({ name: 'ids', type: dataType.integerValue(64) }) }),
      /input must carry dense values, got data "ids"/],
    ['filter larger than the image', () => networks.simpleImgConvPool({ ...ok(), filterSize: 9 }),
      /^networks\.simpleImgConvPool \(conv\): filter 9x9 with padding 0,0 does not fit the 8x8 input image$/],
    ['groups do not divide', () => networks.simpleImgConvPool({ ...ok(), groups: 2 }), /\(conv\): groups must divide both the input channels \(1\) and numFilters \(4\), got 2/],
    ['pool padding too large', () => networks.simpleImgConvPool({ ...ok(), poolPadding: 2 }), /\(pool\): padding must be smaller than poolSize/],
    ['paramAttr by hand', () => networks.simpleImgConvPool({ ...ok(), paramAttr: { name: 'w' } as never }), /paramAttr must be made by paramAttr/],
    ['biasAttr wrong', () => networks.simpleImgConvPool({ ...ok(), biasAttr: 0 as never }), /biasAttr must be false, true or made by paramAttr/],
    ["Paddle's num_channels spelling", () => networks.simpleImgConvPool({ ...ok(), numChannels: 1 } as never), /unknown option 'numChannels'/],
  ];
  it.each(cases)('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
