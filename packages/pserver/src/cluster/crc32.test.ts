import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';

describe('crc32', () => {
  it('matches the standard check values of CRC-32/ISO-HDLC', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32(new Uint8Array(32))).toBe(0x190a55ad);
  });

  it('chains over pieces: crc32(b, crc32(a)) is the CRC of a then b, at every split and alignment', () => {
    const data = Uint8Array.from({ length: 100 }, (_, i) => (i * 97 + 13) & 0xff);
    const whole = crc32(data);
    for (let cut = 0; cut <= data.length; cut++) expect(crc32(data.subarray(cut), crc32(data.subarray(0, cut)))).toBe(whole);
    const shifted = new Uint8Array(103);
    shifted.set(data, 3);
    expect(crc32(shifted.subarray(3))).toBe(whole);
  });
});
