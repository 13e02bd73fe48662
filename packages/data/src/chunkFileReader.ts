import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import {
  CHUNK_HEADER_BYTES,
  CHUNK_MAGIC,
  END_MAGIC,
  FILE_HEADER_BYTES,
  FILE_MAGIC,
  FOOTER_BYTES,
  INDEX_ENTRY_BYTES,
  INDEX_HEADER_BYTES,
  INDEX_MAGIC,
  newPackr,
  VERSION,
} from './chunkFormat.js';
import { ConfigError, DataError } from './errors.js';
import type { Reader } from './reader.js';
import { chunkFilter, type ChunkSelection } from './shard.js';
import { checkOptions, show } from './validate.js';

/** An open chunk file: its index, and chunks read on demand. */
export interface ChunkFile {
  readonly path: string;
  /** Records in each chunk, by chunk id. */
  readonly chunkRecords: readonly number[];
  readonly records: number;
  /** The records of chunk `id` (its CRC32 checked). */
  readChunk(id: number): Promise<unknown[]>;
  close(): Promise<void>;
}

/** Options of {@link chunkFileReader}. */
export interface ChunkFileReaderOptions {
  /** Which chunks to read (default all): a shard `{ index, count }` or `{ taskIds }`, as in `shard`/`taskReader`. */
  select?: ChunkSelection;
}

/**
 * Opens a chunk file written by `createChunkFileWriter`/`convertToChunkFile` and reads its index. A
 * file that is cut short, not a chunk file, or whose index fails its CRC32 is a DataError naming the
 * file and what is wrong; no read goes past the end of the file, so nothing waits forever.
 *
 * @example
 * const file = await openChunkFile('/data/g2p-train.oarc');
 * const task7 = await file.readChunk(7); await file.close();
 */
export async function openChunkFile(path: string): Promise<ChunkFile> {
  if (typeof path !== 'string' || path === '') throw new ConfigError(`openChunkFile: path must be a non-empty string, got ${show(path)}`);
  const file = await open(path, 'r').catch((e: unknown) => {
    const what = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot be opened (${(e as Error).message})`;
    throw new DataError(`openChunkFile: ${path}: ${what}; write it with convertToChunkFile`, { cause: e });
  });
  try {
    const offsets = await readIndex(file, path);
    return chunkFileOf(file, path, offsets);
  } catch (e) {
    await file.close();
    throw e;
  }
}

/**
 * A reader over the records of a chunk file, chunk by chunk (the next chunk is read from disk while
 * the current one is consumed). `select` picks chunks as `shard` and `taskReader` do, so
 * `chunkFileReader(p, { select: { index: i, count: n } })` yields what `shard(raw, i, n, { chunkSize })`
 * yields from the reader the file was converted from. Each pass opens and closes the file.
 *
 * @paddle paddle.v2.reader.creator.recordio
 * @example
 * const mine = chunkFileReader('/data/g2p-train.oarc', { select: { taskIds: [3, 4] } });
 */
export function chunkFileReader<T = unknown>(path: string, options?: ChunkFileReaderOptions): Reader<T> {
  if (typeof path !== 'string' || path === '') throw new ConfigError(`chunkFileReader: path must be a non-empty string, got ${show(path)}`);
  const { select } = checkOptions('chunkFileReader', options, ['select']);
  const filter = select === undefined ? undefined : chunkFilter('chunkFileReader', checkSelection(select));
  return async function* () {
    const file = await openChunkFile(path);
    let next: Promise<unknown[]> | undefined;
    try {
      const ids = file.chunkRecords.map((_, k) => k).filter((k) => filter?.keep(k) ?? true);
      next = ids.length > 0 ? file.readChunk(ids[0]!) : undefined;
      for (let i = 0; i < ids.length; i++) {
        const records = await next!;
        next = i + 1 < ids.length ? file.readChunk(ids[i + 1]!) : undefined;
        next?.catch(() => undefined); // read ahead; its error surfaces when it is awaited
        yield* records as T[];
      }
    } finally {
      await next?.catch(() => undefined); // a read ahead still in flight when the consumer stopped
      await file.close();
    }
  };
}

function checkSelection(select: unknown): ChunkSelection {
  const s = select as { index?: unknown; count?: unknown; taskIds?: unknown } | null;
  if (s !== null && typeof s === 'object' && 'taskIds' in s) return s as ChunkSelection;
  const ok =
    s !== null &&
    typeof s === 'object' &&
    Number.isSafeInteger(s.count) &&
    (s.count as number) > 0 &&
    Number.isSafeInteger(s.index) &&
    (s.index as number) >= 0 &&
    (s.index as number) < (s.count as number);
  if (!ok) {
    throw new ConfigError(
      `chunkFileReader: select must be { index, count } with 0 <= index < count, or { taskIds }, got ${show(select)}`,
    );
  }
  return s as ChunkSelection;
}

async function readAt(file: FileHandle, path: string, position: number, length: number, what: string): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  if (bytesRead !== length) {
    throw new DataError(`chunkFile: ${path}: truncated: ${what} needs ${length} bytes at offset ${position}, got ${bytesRead}`);
  }
  return buffer;
}

/** Reads the header, footer and index; returns the byte offset of every chunk plus the index offset. */
async function readIndex(file: FileHandle, path: string): Promise<{ offset: number; records: number }[]> {
  const fail = (what: string) => new DataError(`chunkFile: ${path}: ${what}`);
  const size = (await file.stat()).size;
  if (size < FILE_HEADER_BYTES) throw fail(`truncated: ${size} bytes, too short for a chunk file header`);
  const header = await readAt(file, path, 0, FILE_HEADER_BYTES, 'the file header');
  if (header.toString('latin1', 0, 4) !== FILE_MAGIC) {
    throw fail(`not a chunk file: it starts with ${show(header.toString('latin1', 0, 4))}, expected "${FILE_MAGIC}"`);
  }
  if (header.readUInt32LE(4) !== VERSION) throw fail(`format version ${header.readUInt32LE(4)} is not supported (only ${VERSION})`);
  const footer = size >= FILE_HEADER_BYTES + FOOTER_BYTES ? await readAt(file, path, size - FOOTER_BYTES, FOOTER_BYTES, 'the footer') : undefined;
  if (footer === undefined || footer.toString('latin1', 12, 16) !== END_MAGIC) {
    throw fail(`truncated or unfinished: no index footer at the end (${size} bytes; was the writer closed?)`);
  }
  const indexOffset = Number(footer.readBigUInt64LE(0));
  const indexBytes = size - FOOTER_BYTES - indexOffset;
  if (indexOffset < FILE_HEADER_BYTES || indexBytes < INDEX_HEADER_BYTES) throw fail(`corrupt footer: index offset ${indexOffset} in a file of ${size} bytes`);
  const index = await readAt(file, path, indexOffset, indexBytes, 'the index');
  if (crc32(index) !== footer.readUInt32LE(8)) throw fail('corrupt index: CRC32 mismatch');
  const count = index.readUInt32LE(4);
  if (index.toString('latin1', 0, 4) !== INDEX_MAGIC || indexBytes !== INDEX_HEADER_BYTES + count * INDEX_ENTRY_BYTES) {
    throw fail(`corrupt index: ${indexBytes} bytes do not hold ${count} chunk entries`);
  }
  const entries = Array.from({ length: count }, (_, k) => {
    const at = INDEX_HEADER_BYTES + k * INDEX_ENTRY_BYTES;
    return { offset: Number(index.readBigUInt64LE(at)), records: index.readUInt32LE(at + 8) };
  });
  entries.push({ offset: indexOffset, records: 0 }); // the end of the last chunk
  entries.forEach((e, k) => {
    const previous = k === 0 ? FILE_HEADER_BYTES : entries[k - 1]!.offset + CHUNK_HEADER_BYTES;
    if (e.offset < previous) throw fail(`corrupt index: chunk ${k} at offset ${e.offset} overlaps what comes before it`);
  });
  return entries;
}

function chunkFileOf(file: FileHandle, path: string, entries: { offset: number; records: number }[]): ChunkFile {
  const chunkRecords = entries.slice(0, -1).map((e) => e.records);
  const packr = newPackr();
  return {
    path,
    chunkRecords,
    records: chunkRecords.reduce((a, b) => a + b, 0),
    async readChunk(id: number): Promise<unknown[]> {
      if (!Number.isSafeInteger(id) || id < 0 || id >= chunkRecords.length) {
        throw new ConfigError(`chunkFile.readChunk: id must be an integer in 0..${chunkRecords.length - 1}, got ${show(id)}`);
      }
      const { offset, records } = entries[id]!;
      const bytes = await readAt(file, path, offset, entries[id + 1]!.offset - offset, `chunk ${id}`);
      return decodeChunk(bytes, records, `chunkFile: ${path}: chunk ${id}`, packr);
    },
    close: () => file.close(),
  };
}

function decodeChunk(bytes: Buffer, expected: number, where: string, packr: ReturnType<typeof newPackr>): unknown[] {
  const fail = (what: string) => new DataError(`${where}: ${what}`);
  if (bytes.toString('latin1', 0, 4) !== CHUNK_MAGIC) throw fail(`bad chunk header ${show(bytes.toString('latin1', 0, 4))}, expected "${CHUNK_MAGIC}"`);
  const [count, length, sum] = [bytes.readUInt32LE(4), bytes.readUInt32LE(8), bytes.readUInt32LE(12)];
  if (count !== expected) throw fail(`the header says ${count} records, the index ${expected}`);
  if (length !== bytes.length - CHUNK_HEADER_BYTES) throw fail(`the header says ${length} payload bytes, the index leaves ${bytes.length - CHUNK_HEADER_BYTES}`);
  const payload = bytes.subarray(CHUNK_HEADER_BYTES);
  if (crc32(payload) !== sum) throw fail('corrupt: CRC32 mismatch');
  const records = new Array<unknown>(count);
  let at = 0;
  for (let r = 0; r < count; r++) {
    const size = at + 4 <= payload.length ? payload.readUInt32LE(at) : -1;
    if (size < 0 || at + 4 + size > payload.length) throw fail(`record ${r} runs past the end of the chunk`);
    try {
      records[r] = packr.unpack(payload.subarray(at + 4, at + 4 + size));
    } catch (e) {
      throw fail(`record ${r} is not valid msgpack: ${(e as Error).message}`);
    }
    at += 4 + size;
  }
  if (at !== payload.length) throw fail(`${payload.length - at} bytes after the last record`);
  return records;
}
