import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, FormatError, show } from '../errors.js';

const MAGIC = 0x4352414f; // 'OARC' read as a little-endian u32
const VERSION = 1;
const DIGEST_BYTES = 32;
const NAME = /^checkpoint-(\d{12})\.oarckpt$/;

/** A checkpoint as read back: its JSON header and its binary sections, in the order they were written. */
export interface CheckpointContents<H> {
  header: H;
  sections: Uint8Array[];
}

/**
 * One file holding a JSON header and binary sections (parameter values, optimizer states), sealed by a
 * SHA-256 of everything before it, so that a torn or damaged file is recognised and skipped.
 *
 * Layout: u32 magic 'OARC', u32 version, u32 header length, header (UTF-8 JSON, which lists the sections'
 * byte lengths), zero padding to a multiple of 4, each section padded to a multiple of 4, then 32 bytes of
 * SHA-256 over all that precedes them.
 * @example
 * const bytes = encodeCheckpoint({ step: 10 }, [floats]);
 * decodeCheckpoint(bytes).header.step; // 10
 */
export function encodeCheckpoint(header: object, sections: readonly Uint8Array[]): Buffer {
  const json = Buffer.from(JSON.stringify({ ...header, sectionBytes: sections.map((s) => s.byteLength) }), 'utf8');
  const start = align4(12 + json.length);
  const total = start + sections.reduce((n, s) => n + align4(s.byteLength), 0) + DIGEST_BYTES;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  let offset = start;
  for (const s of sections) {
    out.set(s instanceof Uint8Array && s.constructor === Uint8Array ? s : new Uint8Array(s.buffer, s.byteOffset, s.byteLength), offset);
    offset += align4(s.byteLength);
  }
  createHash('sha256').update(out.subarray(0, offset)).digest().copy(out, offset);
  return out;
}

/** Reads a checkpoint's bytes back; a FormatError says what is wrong (foreign, truncated, damaged). */
export function decodeCheckpoint<H>(bytes: Uint8Array): CheckpointContents<H> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 + DIGEST_BYTES) throw new FormatError(`checkpoint of ${buf.length} bytes is too short (truncated?)`);
  if (buf.readUInt32LE(0) !== MAGIC) throw new FormatError('not an oar checkpoint (bad magic number)');
  if (buf.readUInt32LE(4) !== VERSION) throw new FormatError(`checkpoint version ${buf.readUInt32LE(4)}, this oar reads version ${VERSION}`);
  const jsonLength = buf.readUInt32LE(8);
  if (12 + jsonLength > buf.length - DIGEST_BYTES) throw new FormatError(`checkpoint header of ${jsonLength} bytes runs past the end of the file (truncated?)`);
  const body = buf.length - DIGEST_BYTES;
  const digest = createHash('sha256').update(buf.subarray(0, body)).digest();
  if (!digest.equals(buf.subarray(body))) throw new FormatError('checkpoint checksum (SHA-256) does not match its contents (truncated or damaged)');
  let header: H & { sectionBytes?: unknown };
  try {
    header = JSON.parse(buf.subarray(12, 12 + jsonLength).toString('utf8')) as H & { sectionBytes?: unknown };
  } catch (e) {
    throw new FormatError(`checkpoint header is not JSON: ${(e as Error).message}`);
  }
  const lengths = header.sectionBytes;
  if (!Array.isArray(lengths) || !lengths.every((n) => Number.isSafeInteger(n) && n >= 0)) {
    throw new FormatError(`checkpoint header.sectionBytes must list byte lengths, got ${show(lengths)}`);
  }
  let offset = align4(12 + jsonLength);
  const sections = (lengths as number[]).map((n) => {
    const s = buf.subarray(offset, offset + n);
    offset += align4(n);
    return s;
  });
  if (offset !== body) throw new FormatError(`checkpoint sections end at byte ${offset}, the file's data at ${body}`);
  return { header, sections };
}

/**
 * A pserver's checkpoint folder: `checkpoint-<step>.oarckpt` files written atomically (temporary file, fsync,
 * rename, fsync of the folder), the newest `keep` kept. Reading takes the newest file that checks out and
 * renames any newer damaged one to `*.corrupt`, so it leaves the rotation.
 * @example
 * const dir = new CheckpointDir('/var/oar/pserver-0', { keep: 3 });
 * dir.write(120, encodeCheckpoint(header, sections));
 * const last = dir.newest<MyHeader>();
 */
export class CheckpointDir {
  readonly keep: number;
  readonly #log: (line: string) => void;

  constructor(readonly dir: string, options: { keep?: number; log?: (line: string) => void } = {}) {
    this.keep = options.keep ?? 3;
    if (!Number.isSafeInteger(this.keep) || this.keep < 1) throw new ConfigError(`CheckpointDir: keep must be a positive integer, got ${show(options.keep)}`);
    this.#log = options.log ?? (() => {});
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new ConfigError(`--checkpoint-dir ${show(dir)} cannot be created: ${(e as Error).message}`);
    }
    for (const name of readdirSync(dir)) if (name.startsWith('.checkpoint-') && name.includes('.tmp')) rmSync(join(dir, name), { force: true });
  }

  /** Checkpoint files, newest (highest step) first. */
  files(): { step: number; path: string }[] {
    return readdirSync(this.dir).flatMap((name) => {
      const m = NAME.exec(name);
      return m ? [{ step: Number(m[1]), path: join(this.dir, name) }] : [];
    }).sort((a, b) => b.step - a.step);
  }

  /** Writes the checkpoint of `step` (replacing one of the same step) and drops all but the newest `keep`. */
  write(step: number, bytes: Uint8Array): string {
    const path = join(this.dir, `checkpoint-${String(step).padStart(12, '0')}.oarckpt`);
    const tmp = join(this.dir, `.checkpoint-${step}.tmp-${process.pid}`);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      for (let done = 0; done < bytes.byteLength;) done += writeSync(fd, bytes, done, bytes.byteLength - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    syncFolder(this.dir);
    for (const old of this.files().slice(this.keep)) rmSync(old.path, { force: true });
    return path;
  }

  /** The newest checkpoint that reads back whole, or undefined; damaged ones are logged and set aside. */
  newest<H>(check?: (header: H) => void): (CheckpointContents<H> & { path: string; step: number }) | undefined {
    if (!existsSync(this.dir)) return undefined;
    for (const file of this.files()) {
      try {
        const contents = decodeCheckpoint<H>(readFileSync(file.path));
        check?.(contents.header);
        return { ...contents, ...file };
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
        this.#log(`pserver: skipping checkpoint ${file.path}: ${e.message}; renamed to ${file.path}.corrupt`);
        renameSync(file.path, `${file.path}.corrupt`);
      }
    }
    return undefined;
  }
}

function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems cannot fsync a folder; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
