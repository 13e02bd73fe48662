import { describe, expect, it } from 'vitest';
import type { ParameterConfig } from '../config.js';
import { decodeMessage, decodeParameterConfig, encodeMessage, encodeParameterConfig } from './protoBinary.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('protobuf binary format of ParameterConfig', () => {
  const config: ParameterConfig = {
    name: 'w', size: 6, dims: [2, 3], initial_mean: 0, initial_std: 0.1, initial_strategy: 0, initial_smart: true,
  };

  it('writes fields in number order with their wire types (bytes worked out from the protobuf encoding spec)', () => {
    expect(hex(encodeParameterConfig(config))).toBe([
      '0a0177', // 1 name: length-delimited "w"
      '1006', // 2 size: varint 6
      '290000000000000000', // 5 initial_mean: 64-bit double 0
      '319a9999999999b93f', // 6 initial_std: double 0.1
      '4802', '4803', // 9 dims: unpacked varints
      '5800', // 11 initial_strategy 0
      '6001', // 12 initial_smart true
    ].join(''));
  });

  it('reads back what it writes, with every Oar setting', () => {
    const full: ParameterConfig = {
      ...config, initial_strategy: 1, initial_smart: false, learning_rate: 0.5, momentum: 0.9, decay_rate: 1e-4,
      gradient_clipping_threshold: 10, sparse_update: true, is_static: true,
    };
    expect(decodeParameterConfig(encodeParameterConfig(full))).toEqual(full);
  });

  it('reads packed dims, negative int32 (ten-byte varints), skips unknown fields, and drops Paddle bookkeeping', () => {
    const bytes = Uint8Array.from([
      0x0a, 0x01, 0x77, 0x10, 0x06,
      0x4a, 0x02, 0x02, 0x03, // 9 dims, packed
      0x50, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, // 10 device -1
      0xb8, 0x01, 0x01, // 23 is_shared true
      0xf8, 0x06, 0x07, // 111: unknown, skipped
    ]);
    expect(decodeMessage(bytes, 'ParameterConfig')).toEqual({ name: ['w'], size: [6], dims: [2, 3], device: [-1], is_shared: [true] });
    expect(decodeParameterConfig(bytes)).toEqual({ name: 'w', size: 6, dims: [2, 3], initial_mean: 0, initial_std: 0.01, initial_strategy: 0, initial_smart: false });
    expect(hex(encodeMessage({ name: ['w'], device: [-1] }, 'ParameterConfig'))).toBe('0a017750ffffffffffffffffff01');
  });

  it('refuses settings Oar does not have, and damaged bytes', () => {
    const l1 = encodeMessage({ name: ['w'], size: [1], decay_rate_l1: [0.1], format: ['csr'] }, 'ParameterConfig');
    expect(() => decodeParameterConfig(l1)).toThrow(/parameter config "w": decay_rate_l1, format are not supported by Oar/);
    expect(() => decodeParameterConfig(Uint8Array.from([0x0a, 0x05, 0x77]))).toThrow(/ParameterConfig ends inside a field/);
    expect(() => decodeParameterConfig(Uint8Array.from([0x10, 0x86]))).toThrow(/ends inside a varint/);
    expect(() => decodeParameterConfig(Uint8Array.from([0x10, 0x06]))).toThrow(/name is missing/);
    expect(() => encodeMessage({ nope: [1] }, 'ParameterConfig')).toThrow(/ParameterConfig has no field "nope"/);
  });
});
