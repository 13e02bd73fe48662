import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from './errors.js';
import { readZip } from './readZip.js';
import { makeZip } from './testing/archives.js';

const dir = mkdtempSync(join(tmpdir(), 'oar-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;
const put = (bytes: Uint8Array) => {
  const path = join(dir, `z${serial++}.zip`);
  writeFileSync(path, bytes);
  return path;
};

describe('readZip', () => {
  it.each([false, true])('reads stored and deflated members (store: %s)', async (store) => {
    const zip = await readZip(put(makeZip({ 'ml/a.dat': 'a::b\n'.repeat(50), 'ml/b.dat': '' }, { store })));
    expect(zip.names).toEqual(['ml/a.dat', 'ml/b.dat']);
    expect(zip.read('ml/a.dat').toString()).toBe('a::b\n'.repeat(50));
    expect(zip.read('ml/b.dat').length).toBe(0);
    expect(() => zip.read('ml/c.dat')).toThrow(/readZip: .*: no member "ml\/c\.dat" \(it has 2 files\)/);
  });

  it('reads what Info-ZIP writes', async () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'ml-1m'), { recursive: true });
    writeFileSync(join(src, 'ml-1m', 'users.dat'), '1::F::1::10::48067\n'.repeat(30));
    execFileSync('zip', ['-qr', join(dir, 'info.zip'), 'ml-1m'], { cwd: src });
    const zip = await readZip(join(dir, 'info.zip'));
    expect(zip.read('ml-1m/users.dat').toString()).toBe('1::F::1::10::48067\n'.repeat(30));
  });

  it('names truncated and corrupt archives', async () => {
    const bytes = makeZip({ 'a.txt': 'hello hello hello' });
    await expect(readZip(put(bytes.subarray(0, bytes.length - 5)))).rejects.toThrow(
      /readZip: .*: no end of central directory record \(not a zip archive, or truncated\)/,
    );
    const flipped = Buffer.from(bytes);
    flipped[40]! ^= 0xff; // inside the deflated data
    const zip = await readZip(put(flipped));
    expect(() => zip.read('a.txt')).toThrow(DataError);
    await expect(readZip(join(dir, 'none.zip'))).rejects.toThrow(/readZip: .*none\.zip: file not found/);
  });
});
