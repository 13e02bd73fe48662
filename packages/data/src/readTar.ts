import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataError } from './errors.js';

/** One regular file of a tar archive. */
export interface TarEntry {
  name: string;
  data: Buffer;
}

const BLOCK = 512;

/**
 * Reads the regular files of a tar archive (gzipped or not, recognised by its magic bytes) in archive
 * order, as a stream: only the current entry is held in memory. Understands ustar names with prefixes,
 * GNU long names and pax `path` records. A truncated archive, a bad header checksum or a broken gzip
 * stream is a DataError naming the file.
 *
 * @paddle tarfile (as Paddle's dataset modules use it)
 * @example
 * for await (const { name, data } of readTar('/data/cifar-10-binary.tar.gz')) { ... }
 */
export async function* readTar(path: string): AsyncGenerator<TarEntry> {
  const input = new ByteQueue(path, await openMaybeGzip(path));
  let longName: string | undefined;
  let paxPath: string | undefined;
  try {
    for (let offset = 0; ; ) {
      // Every tar writer ends the archive with zero blocks: an archive without one was cut short.
      const header = await input.take(BLOCK, `the header at byte ${offset} (or the end-of-archive block)`);
      if (header.every((b) => b === 0)) return await input.drain(); // so a damaged gzip trailer is seen
      const { name, size, type } = parseHeader(header, path, offset);
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      const body = await input.take(padded, `${size} bytes of ${show(longName ?? paxPath ?? name)}`);
      const data = body.subarray(0, size);
      offset += BLOCK + padded;
      if (type === 'L') longName = data.toString('utf8').replace(/\0+$/, '');
      else if (type === 'x') paxPath = parsePax(data).path ?? paxPath;
      else if (type === '0' || type === '\0' || type === '7') {
        yield { name: longName ?? paxPath ?? name, data };
        [longName, paxPath] = [undefined, undefined];
      } else if (type !== 'g') [longName, paxPath] = [undefined, undefined];
    }
  } finally {
    input.destroy();
  }
}

const show = (s: string) => JSON.stringify(s);

async function openMaybeGzip(path: string): Promise<Readable> {
  const raw = createReadStream(path);
  const it = raw[Symbol.asyncIterator]();
  let first: Buffer | undefined;
  try {
    const r = await it.next();
    first = r.done ? Buffer.alloc(0) : (r.value as Buffer);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(`readTar: ${path}: ${code === 'ENOENT' ? 'file not found' : (e as Error).message}`, { cause: e });
  }
  const rest = Readable.from((async function* () {
    yield first;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Buffer;
  })());
  if (first.length < 2 || first[0] !== 0x1f || first[1] !== 0x8b) return rest;
  const gunzip = createGunzip();
  rest.on('error', (e) => gunzip.destroy(e));
  return rest.pipe(gunzip);
}

function parseHeader(h: Buffer, path: string, offset: number) {
  const text = (from: number, length: number) => {
    const s = h.subarray(from, from + length);
    const end = s.indexOf(0);
    return s.toString('utf8', 0, end < 0 ? length : end);
  };
  const fail = (what: string) => new DataError(`readTar: ${path}: ${what} in the header at byte ${offset} (not a tar archive, or corrupt)`);
  const stored = parseInt(text(148, 8).trim() || 'x', 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  if (stored !== sum) throw fail(`checksum ${Number.isNaN(stored) ? 'missing' : stored} does not match ${sum}`);
  const size = parseSize(h.subarray(124, 136));
  if (size === undefined) throw fail(`bad size field ${show(text(124, 12))}`);
  const prefix = text(257, 6) === 'ustar' ? text(345, 155) : '';
  const name = prefix ? `${prefix}/${text(0, 100)}` : text(0, 100);
  return { name, size, type: String.fromCharCode(h[156]!) };
}

/** Octal digits, or GNU base-256 for large files (high bit of the first byte set). */
function parseSize(field: Buffer): number | undefined {
  if (field[0]! & 0x80) {
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const digits = field.toString('latin1').replace(/[\0 ]+$/, '').trim();
  return /^[0-7]+$/.test(digits) ? parseInt(digits, 8) : digits === '' ? 0 : undefined;
}

/** pax records: `"<length> <key>=<value>\n"`. */
function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (let at = 0; at < data.length; ) {
    const space = data.indexOf(0x20, at);
    const length = parseInt(data.toString('latin1', at, space), 10);
    if (space < 0 || !(length > 0)) break;
    const record = data.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}

/** Pulls exact byte counts out of a stream of chunks. */
class ByteQueue {
  private readonly it: AsyncIterator<Buffer>;
  private chunks: Buffer[] = [];
  private held = 0;
  private ended = false;

  constructor(
    private readonly path: string,
    private readonly stream: Readable,
  ) {
    this.it = stream[Symbol.asyncIterator]();
  }

  /** The next `n` bytes; a DataError naming `what` when the stream ends before them. */
  async take(n: number, what: string): Promise<Buffer> {
    while (this.held < n && !this.ended) {
      let r: IteratorResult<Buffer>;
      try {
        r = await this.it.next();
      } catch (e) {
        throw new DataError(`readTar: ${this.path}: not a valid gzip stream or unreadable (${(e as Error).message})`, { cause: e });
      }
      if (r.done) this.ended = true;
      else {
        this.chunks.push(r.value);
        this.held += r.value.length;
      }
    }
    if (this.held < n) throw new DataError(`readTar: ${this.path}: truncated: ${what} needs ${n} bytes, ${this.held} left`);
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = all.length > n ? [all.subarray(n)] : [];
    this.held -= n;
    return all.subarray(0, n);
  }

  /** Reads the rest of the stream (the record padding after the end of the archive) and drops it. */
  async drain(): Promise<void> {
    try {
      while (!(await this.it.next()).done);
    } catch (e) {
      throw new DataError(`readTar: ${this.path}: not a valid gzip stream or unreadable (${(e as Error).message})`, { cause: e });
    }
  }

  destroy(): void {
    this.stream.destroy();
  }
}
