import { dataType, decodeMessage, layer, Topology } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { encodeParameter } from './ParameterFiles.js';
import { loadParameterTar, readParameterTar, readTar, writeParameterTar, writeTar } from './ParameterTar.js';
import { Parameters } from './Parameters.js';

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('tar archives', () => {
  it('reads back the files it writes: long names (pax), unicode, empty and block-sized files', () => {
    const entries = [
      { name: 'a', data: bytes(10) },
      { name: 'x'.repeat(100), data: bytes(512) },
      { name: `${'long_name@group.'.repeat(10)}w0.protobuf`, data: bytes(513) },
      { name: 'poids_é', data: new Uint8Array(0) },
    ];
    const tar = writeTar(entries);
    expect(tar.length % 512).toBe(0);
    expect(tar.subarray(tar.length - 1024).every((b) => b === 0)).toBe(true);
    expect(readTar(tar)).toEqual(entries);
    expect(writeTar(entries)).toEqual(tar);
  });

  it('writes ustar headers: name, octal size, mode, magic and a valid checksum', () => {
    const tar = writeTar([{ name: 'w', data: bytes(700) }]);
    const text = (from: number, to: number) => Buffer.from(tar.subarray(from, to)).toString('latin1');
    expect(text(0, 2)).toBe('w\0');
    expect(text(100, 108)).toBe('0000644\0');
    expect(text(124, 136)).toBe('00000001274\0');
    expect(text(156, 157)).toBe('0');
    expect(text(257, 265)).toBe('ustar\x0000');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : tar[i]!;
    expect(parseInt(text(148, 154), 8)).toBe(sum);
  });

  it('refuses a damaged or cut archive', () => {
    const tar = writeTar([{ name: 'w', data: bytes(700) }]);
    const damaged = tar.slice();
    damaged[3] = 0x41;
    expect(() => readTar(damaged)).toThrow(/header at byte 0 has a bad checksum/);
    expect(() => readTar(tar.subarray(0, 1024))).toThrow(/the archive ends inside "w" \(700 bytes wanted\)/);
    expect(() => readTar(new Uint8Array(100))).toThrow(/ends without its end-of-archive blocks/);
  });
});

describe("Paddle's v2 parameter archive", () => {
  const x = layer.data({ name: 'x', type: dataType.denseVector(3) });
  const topology = Topology.fromOutputs(layer.fc({ input: x, size: 2 }));

  it('holds NAME (Paddle binary format) and NAME.protobuf for every parameter, read back bit for bit', () => {
    const params = Parameters.create(topology, { seed: 3 });
    params.get('___fc_layer_0__.wbias').set([Number.MIN_VALUE, -0]);
    const tar = writeParameterTar(params);
    expect(readTar(tar).map((e) => e.name)).toEqual([
      '___fc_layer_0__.w0', '___fc_layer_0__.w0.protobuf', '___fc_layer_0__.wbias', '___fc_layer_0__.wbias.protobuf',
    ]);
    expect(readTar(tar)[0]!.data).toEqual(encodeParameter(params.get('___fc_layer_0__.w0')));
    const { configs, values } = readParameterTar(tar);
    expect([...configs.values()]).toEqual(topology.parameters);
    for (const name of params.names()) {
      expect(new Uint32Array(values.get(name)!.buffer)).toEqual(new Uint32Array(params.get(name).buffer.slice(0)));
    }
    const loaded = loadParameterTar(topology, tar);
    expect(loaded.get('___fc_layer_0__.w0')).toEqual(params.get('___fc_layer_0__.w0'));
  });

  it("given the topology, writes the configs of its exported ModelConfig (a batch norm's statistics is_shared)", () => {
    const bn = Topology.fromOutputs(layer.batchNorm({ input: x }));
    const entries = readTar(writeParameterTar(Parameters.create(bn), bn));
    const shared = entries.filter((e) => e.name.endsWith('.protobuf')).map((e) => decodeMessage(e.data, 'ParameterConfig'))
      .filter((m) => m.is_shared?.[0] === true).map((m) => m.name![0]);
    expect(shared).toEqual(['___batch_norm_0__.w1', '___batch_norm_0__.w2']);
    expect([...readParameterTar(writeParameterTar(Parameters.create(bn), bn)).configs.values()]).toEqual(bn.parameters);
  });

  it('says which parameter is missing or has another size, and leaves out the ones the model lacks', () => {
    const other = Topology.fromOutputs(layer.fc({ input: x, size: 4, name: 'other' }));
    const tar = writeParameterTar(Parameters.create(other));
    expect(() => loadParameterTar(topology, tar)).toThrow(/no parameter "___fc_layer_0__.w0"; the archive holds _other.w0, _other.wbias/);
    const renamed = Topology.fromOutputs(layer.fc({ input: x, size: 2, name: 'other' }));
    expect(() => loadParameterTar(renamed, tar)).toThrow(/"_other.w0" has 12 values \(shape \[3,4\]\) in the archive but 6 \(shape \[3,2\]\) in the model/);
    const both = Topology.fromOutputs(layer.fc({ input: x, size: 4, name: 'other', biasAttr: false }));
    expect(loadParameterTar(both, tar).names()).toEqual(['_other.w0']);
  });

  it('checks each values file against its config', () => {
    const entries = readTar(writeParameterTar(Parameters.create(topology)));
    entries[0] = { name: entries[0]!.name, data: encodeParameter(new Float32Array(5)) };
    expect(() => readParameterTar(writeTar(entries))).toThrow(/"___fc_layer_0__.w0" holds 5 values but its config says size 6/);
    expect(() => readParameterTar(writeTar([{ name: 'w', data: encodeParameter(new Float32Array(1)) }]))).toThrow(/no NAME.protobuf entries/);
  });
});
