import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError } from './errors.js';
import { toArray } from './reader.js';
import { uciHousing } from './uciHousing.js';

const dir = mkdtempSync(join(tmpdir(), 'oar-housing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;
const put = (text: string) => {
  const file = join(dir, `h${serial++}.data`);
  writeFileSync(file, text);
  return { file, md5: false as const };
};

/** Five rows in the file's layout (fixed-width, space separated); feature c of row r is r * (c + 1), price 10 + r. */
const rows = Array.from({ length: 5 }, (_, r) => [...Array.from({ length: 13 }, (_, c) => r * (c + 1)), 10 + r]);
const text = rows.map((row) => ` ${row.map((v) => v.toFixed(5).padStart(9)).join(' ')}`).join('\n') + '\n';

describe('uciHousing (Paddle layout, on a file the test writes)', () => {
  it('normalizes each feature to (x - mean) / (max - min) and splits 80/20 in file order', async () => {
    const file = put(text);
    const train = await toArray(uciHousing.train(file));
    const test = await toArray(uciHousing.test(file));
    expect(train).toHaveLength(4);
    expect(test).toHaveLength(1);
    // feature c over rows 0..4 is c+1 times 0..4: mean 2(c+1), range 4(c+1), so row r gives (r - 2) / 4
    const all = [...train, ...test];
    all.forEach(([features, price], r) => {
      expect(features).toHaveLength(13);
      for (const f of features) expect(f).toBeCloseTo((r - 2) / 4, 6);
      expect(price).toEqual(Float32Array.of(10 + r));
    });
  });

  it('turns a constant feature into 0, not NaN', () => {
    const constant = rows.map((row) => [7, ...row.slice(1)]);
    const parsed = uciHousing.parse(constant.map((row) => row.join(' ')).join('\n'));
    expect(parsed.map((row) => row[0])).toEqual([0, 0, 0, 0, 0]);
  });

  it('names truncated and malformed files', async () => {
    await expect(toArray(uciHousing.train(put(text.slice(0, 200))))).rejects.toThrow(
      /uciHousing: .*: \d+ numbers is not a whole number of rows of 14 \(truncated\?\)/,
    );
    await expect(toArray(uciHousing.train(put(text.replace('10.00000', '1O.00000'))))).rejects.toThrow(
      /uciHousing: .*: value 13 is "1O\.00000", not a number/,
    );
    await expect(toArray(uciHousing.test(put('')))).rejects.toThrow(DataError);
  });

  it('checks the published MD5 and says where to get a missing file', async () => {
    await expect(toArray(uciHousing.train({ file: put(text).file }))).rejects.toThrow(/expected d4accdce7a25600298819f8e28e8d593/);
    await expect(toArray(uciHousing.train({ file: join(dir, 'none') }))).rejects.toThrow(
      /uciHousing\.train: missing file .*none; download https:\/\/archive\.ics\.uci\.edu\/.*housing\.data/,
    );
    expect(() => uciHousing.train({ path: 'x' } as never)).toThrow(ConfigError);
  });
});
