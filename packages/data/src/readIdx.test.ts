import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from './errors.js';
import { parseIdx, readIdx } from './readIdx.js';
import { encodeIdx } from './testing/idxFile.js';

const dir = mkdtempSync(join(tmpdir(), 'oar-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, bytes: Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

const cases = [
  [0x08, Uint8Array, [0, 7, 255, 128, 1, 2]],
  [0x09, Int8Array, [-128, -1, 0, 1, 127, 5]],
  [0x0b, Int16Array, [-32768, -2, 0, 300, 32767, 9]],
  [0x0c, Int32Array, [-(2 ** 31), -70000, 0, 1, 2 ** 31 - 1, 65536]],
  [0x0d, Float32Array, [-1.5, 0, 0.25, 3.140000104904175, 1e-7, 6.5]],
  [0x0e, Float64Array, [-1.5, 0, Math.PI, 1e300, -1e-300, 2 / 3]],
] as const;

describe('readIdx', () => {
  it.each(cases)('decodes IDX type code %i, plain and gzipped,, to the matching typed array', async (code, ArrayType, values) => {
    const bytes = encodeIdx(code, [2, 3], values);
    for (const [name, content] of [[`t${code}.idx`, bytes], [`t${code}.anything`, gzipSync(bytes)]] as const) {
      const idx = await readIdx(write(name, content));
      expect(idx.dims).toEqual([2, 3]);
      expect(idx.data).toBeInstanceOf(ArrayType);
      expect(Array.from(idx.data)).toEqual(Array.from(ArrayType.from(values)));
    }
  });

  it('detects gzip by its magic bytes, not by the name', async () => {
    const bytes = encodeIdx(0x08, [3], [1, 2, 3]);
    expect((await readIdx(write('plain.gz', bytes))).data).toEqual(new Uint8Array([1, 2, 3]));
    expect((await readIdx(write('zipped.idx', gzipSync(bytes)))).data).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('names the file and the fault for missing, corrupt and truncated files', async () => {
    const good = encodeIdx(0x08, [2, 2], [1, 2, 3, 4]);
    await expect(readIdx(join(dir, 'absent.idx'))).rejects.toThrow(DataError);
    await expect(readIdx(join(dir, 'absent.idx'))).rejects.toThrow(/readIdx: .*absent\.idx: file not found/);
    const badMagic = write('badmagic.idx', new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0]));
    await expect(readIdx(badMagic)).rejects.toThrow(/readIdx: .*badmagic\.idx: bad magic number 01 00 08 01/);
    const badType = write('badtype.idx', new Uint8Array([0, 0, 7, 1, 0, 0, 0, 0]));
    await expect(readIdx(badType)).rejects.toThrow(/badtype\.idx: bad magic number 00 00 07 01 \(expected 00 00, a type code/);
    const short = write('short.idx', good.subarray(0, good.length - 1));
    await expect(readIdx(short)).rejects.toThrow(
      /short\.idx: truncated: dims \[2, 2\] of unsigned byte need 16 bytes, the file has 15/,
    );
    const long = write('long.idx', new Uint8Array([...good, 0]));
    await expect(readIdx(long)).rejects.toThrow(/long\.idx: has trailing bytes: .* need 16 bytes, the file has 17/);
    const header = write('header.idx', good.subarray(0, 9));
    await expect(readIdx(header)).rejects.toThrow(/header\.idx: truncated header: 9 bytes, rank 2 needs 12/);
    const zipped = gzipSync(encodeIdx(0x08, [100], new Uint8Array(100).fill(7)));
    const cut = write('cut.gz', zipped.subarray(0, zipped.length - 10));
    await expect(readIdx(cut)).rejects.toThrow(/readIdx: .*cut\.gz: not a valid gzip stream \(unexpected end of file\)/);
  });
});

describe('parseIdx', () => {
  it('decodes bytes already in memory', () => {
    expect(parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]), 'tiny')).toEqual({ dims: [2], data: new Uint8Array([7, 9]) });
    expect(() => parseIdx(new Uint8Array([0, 0]), 'tiny')).toThrow(/readIdx: tiny: too short for an IDX header \(2 bytes\)/);
  });
});
