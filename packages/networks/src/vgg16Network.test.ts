import { dataType, layer } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { networks, outputs } from './index.js';
import { vggCifar10 } from './testing/goldenNetworks.js';

describe('networks.vgg16Network: what Paddle builds', () => {
  const t = outputs(vggCifar10());

  it('13 convolutions 3x3, padding 1, relu, with 64-64 | 128-128 | 256x3 | 512x3 | 512x3 filters', () => {
    const convs = t.layers.filter((l) => l.type === 'exconv');
    expect(convs.map((l) => l.name)).toEqual(Array.from({ length: 13 }, (_, i) => `__conv_${i}__`));
    expect(convs.map((l) => l.num_filters)).toEqual([64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]);
    for (const conv of convs) {
      expect(conv.active_type).toBe('relu');
      expect(conv.inputs[0]!.conv_conf).toMatchObject({ filter_size: 3, padding: 1, stride: 1 });
    }
    expect(convs[0]!.inputs[0]!.conv_conf!.channels).toBe(3);
  });

  it('five 2x2 max pools of stride 2 halve a 32x32 image down to 1x1', () => {
    const pools = t.layers.filter((l) => l.type === 'pool');
    expect(pools.map((l) => [l.name, l.width])).toEqual([['__pool_0__', 16], ['__pool_1__', 8], ['__pool_2__', 4], ['__pool_3__', 2], ['__pool_4__', 1]]);
    for (const pool of pools) expect(pool.inputs[0]!.pool_conf).toMatchObject({ pool_type: 'max-projection', size_x: 2, stride: 2 });
    expect(pools[4]!.size).toBe(512);
  });

  it('then fc 4096 relu with dropout 0.5 twice and a softmax fc of numClasses', () => {
    const fcs = t.layers.filter((l) => l.type === 'fc');
    expect(fcs.map((l) => [l.name, l.size, l.active_type, l.drop_rate])).toEqual([
      ['__fc_layer_0__', 4096, 'relu', 0.5],
      ['__fc_layer_1__', 4096, 'relu', 0.5],
      ['__fc_layer_2__', 10, 'softmax', undefined],
    ]);
    expect(t.parameter('___fc_layer_0__.w0').dims).toEqual([512, 4096]);
  });

  it('has 1000 classes by default (ImageNet)', () => {
    const image = layer.data({ name: 'image', type: dataType.denseVector(3 * 32 * 32) });
    expect(networks.vgg16Network({ inputImage: image, numChannels: 3 }).size).toBe(1000);
  });
});

describe('networks.vgg16Network: misuse', () => {
  const image = () => layer.data({ name: 'image', type: dataType.denseVector(3 * 32 * 32) });
  const cases: [string, () => unknown, RegExp][] = [
    ['numChannels missing', () => networks.vgg16Network({ inputImage: image() } as never), /^networks\.vgg16Network: numChannels must be a positive integer, got undefined$/],
    ['numClasses 0', () => networks.vgg16Network({ inputImage: image(), numChannels: 3, numClasses: 0 }), /numClasses must be a positive integer, got 0/],
    ['not a square image', () => networks.vgg16Network({ inputImage: image(), numChannels: 2 }), /inputImage size 3072 is not numChannels \(2\) times a square image/],
    ['not a layer', () => networks.vgg16Network({ inputImage: [image()] as never, numChannels: 3 }), /inputImage must be a layer/],
    ["Paddle's input name", () => networks.vgg16Network({ input: image(), numChannels: 3 } as never), /unknown option 'input'; allowed options are inputImage, numChannels, numClasses/],
  ];
  it.each(cases)('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
