import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from './errors.js';
import { readTar } from './readTar.js';
import { makeTar } from './testing/archives.js';

const dir = mkdtempSync(join(tmpdir(), 'oar-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;
const put = (bytes: Uint8Array) => {
  const path = join(dir, `a${serial++}.tar`);
  writeFileSync(path, bytes);
  return path;
};
const collect = async (path: string) => {
  const out: Record<string, string> = {};
  for await (const { name, data } of readTar(path)) out[name] = data.toString('utf8');
  return out;
};

const files = {
  'data/a.txt': 'alpha\n',
  'data/empty': '',
  [`data/${'long-'.repeat(30)}name.bin`]: 'x'.repeat(1500),
  'data/b.txt': 'béta',
};

describe('readTar', () => {
  it.each([false, true])('reads every regular file in order (gzip: %s), long pax names included', async (gzip) => {
    const out = await collect(put(makeTar(files, { gzip })));
    expect(Object.keys(out)).toEqual(Object.keys(files));
    expect(out).toEqual(files);
  });

  it('reads what GNU tar writes (directories, GNU long names)', async () => {
    const src = join(dir, 'gnu');
    mkdirSync(join(src, 'sub'), { recursive: true });
    const long = `${'d'.repeat(120)}.txt`;
    writeFileSync(join(src, 'sub', 'one.txt'), 'one');
    writeFileSync(join(src, 'sub', long), 'long one');
    const archive = join(dir, 'gnu.tar.gz');
    execFileSync('tar', ['--format=gnu', '-czf', archive, '-C', src, 'sub']);
    const out = await collect(archive);
    expect(out).toEqual({ 'sub/one.txt': 'one', [`sub/${long}`]: 'long one' });
  });

  it('says when an archive is cut short, at any length, and never hangs', async () => {
    const tar = makeTar({ 'a.txt': 'a'.repeat(700), 'b.txt': 'b' });
    for (const length of [1, 100, 511, 512, 700, 1023, 1024, 1536, 1600]) {
      const path = put(tar.subarray(0, length));
      await expect(collect(path), `cut at ${length}`).rejects.toThrow(DataError);
    }
    await expect(collect(put(tar.subarray(0, 700)))).rejects.toThrow(/readTar: .*: truncated: 700 bytes of "a\.txt" needs 1024 bytes, 188 left/);
    const gz = gzipSync(tar);
    await expect(collect(put(gz.subarray(0, gz.length - 10)))).rejects.toThrow(/readTar: .*: not a valid gzip stream or unreadable/);
  });

  it('rejects what is not a tar archive, naming the file', async () => {
    await expect(collect(put(Buffer.from('hello world'.repeat(100))))).rejects.toThrow(
      /readTar: .*\.tar: checksum missing does not match \d+ in the header at byte 0 \(not a tar archive, or corrupt\)/,
    );
    const tar = makeTar({ 'a.txt': 'a' });
    tar[10] = 0x41;
    await expect(collect(put(tar))).rejects.toThrow(/checksum \d+ does not match \d+ in the header at byte 0/);
    await expect(collect(join(dir, 'none.tar'))).rejects.toThrow(/readTar: .*none\.tar: file not found/);
  });

  it('yields nothing for an empty archive, but an empty file is a cut archive', async () => {
    expect(await collect(put(new Uint8Array(1024)))).toEqual({});
    await expect(collect(put(new Uint8Array(0)))).rejects.toThrow(
      /readTar: .*: truncated: the header at byte 0 \(or the end-of-archive block\) needs 512 bytes, 0 left/,
    );
    const cutAtEntry = makeTar({ 'a.txt': 'a', 'b.txt': 'b' }).subarray(0, 1024);
    await expect(collect(put(cutAtEntry))).rejects.toThrow(/truncated: the header at byte 1024/);
  });
});
