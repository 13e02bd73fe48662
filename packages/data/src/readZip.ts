import { readFile } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import { DataError } from './errors.js';

/** A zip archive read into memory: its file names and a way to extract one. */
export interface ZipArchive {
  names: string[];
  /** The bytes of a member (stored or deflated), its CRC32 checked; a DataError if it is not there. */
  read(name: string): Buffer;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Reads a zip archive (without zip64 extensions: members and archive under 4 GiB) through its central
 * directory. Truncated or corrupt archives are DataErrors naming the file.
 *
 * @paddle zipfile (as paddle.v2.dataset.movielens uses it)
 * @example
 * const zip = await readZip('/data/ml-1m.zip'); const text = zip.read('ml-1m/users.dat').toString('latin1');
 */
export async function readZip(path: string): Promise<ZipArchive> {
  const bytes = await readFile(path).catch((e: unknown) => {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(`readZip: ${path}: ${code === 'ENOENT' ? 'file not found' : (e as Error).message}`, { cause: e });
  });
  const fail = (what: string) => new DataError(`readZip: ${path}: ${what}`);
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) === EOCD) {
      end = at;
      break;
    }
  }
  if (end < 0) throw fail('no end of central directory record (not a zip archive, or truncated)');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const members = new Map<string, { method: number; size: number; packed: number; crc: number; local: number }>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL) throw fail(`corrupt central directory entry ${i}`);
    const nameLength = bytes.readUInt16LE(at + 28);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength);
    members.set(name, {
      method: bytes.readUInt16LE(at + 10),
      crc: bytes.readUInt32LE(at + 16),
      packed: bytes.readUInt32LE(at + 20),
      size: bytes.readUInt32LE(at + 24),
      local: bytes.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return {
    names: [...members.keys()],
    read(name) {
      const m = members.get(name);
      if (m === undefined) throw fail(`no member ${JSON.stringify(name)} (it has ${members.size} files)`);
      if (m.local + 30 > bytes.length || bytes.readUInt32LE(m.local) !== LOCAL) throw fail(`corrupt local header of ${name}`);
      const start = m.local + 30 + bytes.readUInt16LE(m.local + 26) + bytes.readUInt16LE(m.local + 28);
      if (start + m.packed > bytes.length) throw fail(`truncated: ${name} runs past the end of the archive`);
      const packed = bytes.subarray(start, start + m.packed);
      let data: Buffer;
      try {
        if (m.method === 0) data = packed;
        else if (m.method === 8) data = inflateRawSync(packed);
        else throw new Error(`compression method ${m.method} is not supported (only stored and deflate)`);
      } catch (e) {
        throw fail(`${name}: ${(e as Error).message}`);
      }
      if (data.length !== m.size || crc32(data) !== m.crc) throw fail(`${name}: corrupt (size or CRC32 mismatch)`);
      return data;
    },
  };
}
