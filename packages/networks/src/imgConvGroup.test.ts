import { readFileSync } from 'node:fs';
import { dataType, diffAgainstProtostr, layer, paramAttr, parseProtostr } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { networks, outputs } from './index.js';

const rgb = (side = 8) => layer.data({ name: 'image', type: dataType.denseVector(3 * side * side) });

describe('networks.imgConvGroup: what Paddle builds', () => {
  it("matches Paddle's img_layers dump for a conv (linear, as batch norm follows) and its relu batch norm", () => {
    // img_layers.py: conv 64 filters 32x32 padding 1 on a 1x256x256 image, linear; batch norm relu on it;
    // a 32x32 max pool (stride 1). Paddle's config pools the conv itself, where the group pools the batch norm:
    // that input is the one difference.
    const golden = parseProtostr(readFileSync(new URL('../fixtures/paddle-golden/img_layers.protostr', import.meta.url), 'utf8'));
    const image = layer.data({ name: 'image', type: dataType.denseVector(256 * 256) });
    const pool = networks.imgConvGroup({
      input: image, numChannels: 1, convNumFilter: [64], convFilterSize: 32, convPadding: 1, convWithBatchnorm: true,
      convAct: 'relu', poolSize: 32,
    });
    expect(diffAgainstProtostr(outputs(pool).config, golden)).toEqual([
      'layer __pool_0__.inputs.input_layer_name: "__batch_norm_0__", Paddle "__conv_0__"',
    ]);
  });

  it('defaults: 3x3 convs with padding 1 and relu, no batch norm, then a max pool of stride 1', () => {
    const t = outputs(networks.imgConvGroup({ input: rgb(), numChannels: 3, convNumFilter: [4, 6], poolSize: 2 }));
    expect(t.layers.map((l) => [l.name, l.type, l.size, l.active_type])).toEqual([
      ['image', 'data', 192, ''],
      ['__conv_0__', 'exconv', 4 * 64, 'relu'],
      ['__conv_1__', 'exconv', 6 * 64, 'relu'],
      ['__pool_0__', 'pool', 6 * 7 * 7, ''],
    ]);
    expect(t.layer('__conv_1__').inputs[0]!.conv_conf).toMatchObject({ filter_size: 3, padding: 1, channels: 4 });
    expect(t.layer('__pool_0__').inputs[0]!.pool_conf).toMatchObject({ pool_type: 'max-projection', size_x: 2, stride: 1 });
  });

  it('takes one value for all conv layers or a list with one per layer; batch norm takes the act, the conv goes linear', () => {
    const t = outputs(networks.imgConvGroup({
      input: rgb(), numChannels: 3, convNumFilter: [4, 6, 8], convFilterSize: [3, 3, 1], convPadding: [1, 1, 0],
      convAct: ['relu', 'sigmoid', 'tanh'], convWithBatchnorm: [true, false, true], convBatchnormDropRate: [0.3, 0, 0],
      poolSize: 2, poolStride: 2, poolType: 'avg', paramAttr: paramAttr({ initialStd: 0.01 }),
    }));
    expect(t.layers.map((l) => [l.name, l.active_type, l.drop_rate])).toEqual([
      ['image', '', undefined],
      ['__conv_0__', '', undefined],
      ['__batch_norm_0__', 'relu', 0.3],
      ['__conv_1__', 'sigmoid', undefined],
      ['__conv_2__', '', undefined],
      ['__batch_norm_1__', 'tanh', undefined],
      ['__pool_0__', '', undefined],
    ]);
    expect(t.layer('__conv_2__').inputs[0]!.conv_conf).toMatchObject({ filter_size: 1, padding: 0, channels: 6 });
    expect(t.parameters.filter((p) => p.name.endsWith('.w0') && p.name.includes('conv')).map((p) => p.initial_std)).toEqual([0.01, 0.01, 0.01]);
    expect(t.layer('__pool_0__')).toMatchObject({ size: 8 * 4 * 4 });
  });

  it('a drop rate below 1e-5 counts as none, as in Paddle', () => {
    const t = outputs(networks.imgConvGroup({
      input: rgb(), numChannels: 3, convNumFilter: [4], convWithBatchnorm: true, convBatchnormDropRate: 1e-6, poolSize: 2,
    }));
    expect(t.layer('__batch_norm_0__').drop_rate).toBeUndefined();
  });

  it('numChannels serves the first conv only; the next ones take the channels of the layer before', () => {
    const t = outputs(networks.imgConvGroup({ input: rgb(), numChannels: 3, convNumFilter: [5, 7], poolSize: 2 }));
    expect(t.parameter('___conv_0__.w0').dims).toEqual([5, 3 * 9]);
    expect(t.parameter('___conv_1__.w0').dims).toEqual([7, 5 * 9]);
  });
});

describe('networks.imgConvGroup: misuse', () => {
  const ok = () => ({ input: rgb(), numChannels: 3, convNumFilter: [4, 4], poolSize: 2 });
  const cases: [string, () => unknown, RegExp][] = [
    ['convNumFilter not a list', () => networks.imgConvGroup({ ...ok(), convNumFilter: 4 as never }),
      /^networks\.imgConvGroup: convNumFilter must be a non-empty list of filter counts \(one per conv layer\), got 4$/],
    ['convNumFilter empty', () => networks.imgConvGroup({ ...ok(), convNumFilter: [] }), /convNumFilter must be a non-empty list.*got \[\]/],
    ['a zero filter count', () => networks.imgConvGroup({ ...ok(), convNumFilter: [4, 0] }), /convNumFilter\[1\] must be a positive integer, got 0/],
    ['poolSize 0', () => networks.imgConvGroup({ ...ok(), poolSize: 0 }), /poolSize must be a positive integer, got 0/],
    ['list of the wrong length', () => networks.imgConvGroup({ ...ok(), convPadding: [1, 1, 1] }),
      /convPadding must be one value or a list of 2 \(one per conv layer\), got a list of 3/],
    ['bad item in a list', () => networks.imgConvGroup({ ...ok(), convFilterSize: [3, -3] }), /convFilterSize\[1\] must be a positive integer, got -3/],
    ['bad act in a list', () => networks.imgConvGroup({ ...ok(), convAct: ['relu', 'gelu' as never] }), /convAct\[1\] must be one of .*got "gelu"/],
    ['dropout without batch norm', () => networks.imgConvGroup({ ...ok(), convBatchnormDropRate: 0.5 }),
      /convBatchnormDropRate\[0\] is 0\.5 but conv layer 0 has no batch norm to drop from/],
    ['drop rate 1', () => networks.imgConvGroup({ ...ok(), convWithBatchnorm: true, convBatchnormDropRate: 1 }),
      /convBatchnormDropRate must be a number in \[0, 1\), got 1/],
    ['unknown pool type', () => networks.imgConvGroup({ ...ok(), poolType: 'sum' as never }), /poolType must be one of 'max', 'avg', got "sum"/],
    ['no image shape', () => networks.imgConvGroup({ ...ok(), numChannels: undefined }), /numChannels is needed: input data "image" \(size 192\) has no image shape/],
    ['filter does not fit', () => networks.imgConvGroup({ ...ok(), convFilterSize: 11, convPadding: 0 }),
      /^networks\.imgConvGroup \(conv 0\): filter 11x11 with padding 0,0 does not fit the 8x8 input image$/],
    ['a name (Paddle has none)', () => networks.imgConvGroup({ ...ok(), name: 'g' } as never), /unknown option 'name'/],
  ];
  it.each(cases)('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
