import { open, rename, rm } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import {
  CHUNK_HEADER_BYTES,
  CHUNK_MAGIC,
  END_MAGIC,
  FILE_MAGIC,
  FOOTER_BYTES,
  INDEX_ENTRY_BYTES,
  INDEX_HEADER_BYTES,
  INDEX_MAGIC,
  newPackr,
  VERSION,
} from './chunkFormat.js';
import { ConfigError, DataError } from './errors.js';
import { openReader, type Reader } from './reader.js';
import { checkOptions, checkPositiveInt, checkReader, show } from './validate.js';

/** Options of {@link createChunkFileWriter} and {@link convertToChunkFile}. */
export interface ChunkFileOptions {
  /** Records per chunk (default 1000); chunk k holds records `k*chunkSize` onwards, as in `taskReader`. */
  chunkSize?: number;
}

/** What a finished chunk file holds. */
export interface ChunkFileInfo {
  path: string;
  chunks: number;
  records: number;
  bytes: number;
}

/** Writes records to a chunk file; see {@link createChunkFileWriter}. */
export interface ChunkFileWriter {
  /**
   * Appends one record: plain data, typed arrays, Maps, Sets, Dates, bigints (msgpack with msgpackr's
   * extensions). Functions become `undefined`, as JSON drops them; a symbol is a ConfigError.
   */
  write(record: unknown): Promise<void>;
  /** Writes the last chunk, the index and the footer, and moves the file to its name. */
  close(): Promise<ChunkFileInfo>;
  /** Gives up: the partial file is removed. */
  abort(): Promise<void>;
}

/**
 * Opens a chunk file for writing: records are msgpack-encoded, length-prefixed, grouped into chunks
 * of `chunkSize` records, each chunk with a header and a CRC32 of its bytes; an index of chunk offsets
 * at the end lets a reader seek to chunk k. The file is written as `path + ".partial"` and renamed to
 * `path` by `close()`, so a file under its final name is always complete.
 *
 * @paddle paddle.v2.dataset.common.convert (the RecordIO writer it drives)
 * @example
 * const w = await createChunkFileWriter('/data/cmudict-train.oarc', { chunkSize: 2000 });
 * for await (const s of cmudict.train()()) await w.write(s);
 * await w.close();
 */
export async function createChunkFileWriter(path: string, options?: ChunkFileOptions): Promise<ChunkFileWriter> {
  const chunkSize = checkWriterArgs('createChunkFileWriter', path, options);
  const partial = `${path}.partial`;
  const file = await open(partial, 'w').catch((e: unknown) => {
    throw new DataError(`createChunkFileWriter: cannot create ${partial}: ${(e as Error).message}`, { cause: e });
  });
  const packr = newPackr();
  const index: { offset: number; records: number }[] = [];
  let pending: Buffer[] = [];
  let offset = 0;
  let records = 0;
  let state: 'open' | 'closed' | 'failed' = 'open';

  const append = async (bytes: Buffer) => {
    await file.write(bytes, 0, bytes.length, offset);
    offset += bytes.length;
  };
  const flush = async () => {
    if (pending.length === 0) return;
    const payload = Buffer.concat(pending);
    const header = Buffer.alloc(CHUNK_HEADER_BYTES);
    header.write(CHUNK_MAGIC, 0, 'latin1');
    header.writeUInt32LE(pending.length / 2, 4);
    header.writeUInt32LE(payload.length, 8);
    header.writeUInt32LE(crc32(payload), 12);
    index.push({ offset, records: pending.length / 2 });
    pending = [];
    await append(Buffer.concat([header, payload]));
  };
  const guard = async <R>(fn: string, body: () => Promise<R>): Promise<R> => {
    if (state !== 'open') throw new DataError(`chunkFileWriter.${fn}: the writer of ${path} is already ${state}`);
    try {
      return await body();
    } catch (e) {
      state = 'failed';
      await file.close().catch(() => undefined);
      await rm(partial, { force: true });
      throw e instanceof DataError || e instanceof ConfigError
        ? e
        : new DataError(`chunkFileWriter.${fn}: writing ${partial} failed: ${(e as Error).message}`, { cause: e });
    }
  };

  const header = Buffer.alloc(8);
  header.write(FILE_MAGIC, 0, 'latin1');
  header.writeUInt32LE(VERSION, 4);
  await guard('open', () => append(header));

  return {
    write: (record) =>
      guard('write', async () => {
        let body: Buffer;
        try {
          body = packr.pack(record);
        } catch (e) {
          throw new ConfigError(`chunkFileWriter.write: record ${records} cannot be encoded: ${(e as Error).message}`);
        }
        const length = Buffer.alloc(4);
        length.writeUInt32LE(body.length);
        pending.push(length, body);
        records += 1;
        if (pending.length / 2 === chunkSize) await flush();
      }),
    close: () =>
      guard('close', async () => {
        await flush();
        await append(encodeIndex(index, offset));
        await file.close();
        await rename(partial, path);
        state = 'closed';
        return { path, chunks: index.length, records, bytes: offset };
      }),
    abort: async () => {
      if (state !== 'open') return;
      state = 'failed';
      await file.close().catch(() => undefined);
      await rm(partial, { force: true });
    },
  };
}

function encodeIndex(index: { offset: number; records: number }[], indexOffset: number): Buffer {
  const body = Buffer.alloc(INDEX_HEADER_BYTES + index.length * INDEX_ENTRY_BYTES);
  body.write(INDEX_MAGIC, 0, 'latin1');
  body.writeUInt32LE(index.length, 4);
  index.forEach(({ offset, records }, k) => {
    const at = INDEX_HEADER_BYTES + k * INDEX_ENTRY_BYTES;
    body.writeBigUInt64LE(BigInt(offset), at);
    body.writeUInt32LE(records, at + 8);
  });
  const footer = Buffer.alloc(FOOTER_BYTES);
  footer.writeBigUInt64LE(BigInt(indexOffset), 0);
  footer.writeUInt32LE(crc32(body), 8);
  footer.write(END_MAGIC, 12, 'latin1');
  return Buffer.concat([body, footer]);
}

/**
 * Converts a reader into a chunk file once, so later passes read preprocessed records fast (and any
 * chunk directly): one record per sample, `chunkSize` records per chunk. Chunk k of the file is task k
 * of `taskReader(reader, [k], chunkSize)`.
 *
 * @paddle paddle.v2.dataset.common.convert
 * @example
 * await convertToChunkFile(cmudict.train(), '/data/g2p-train.oarc', { chunkSize: 2000 });
 * const fast = chunkFileReader('/data/g2p-train.oarc');
 */
export async function convertToChunkFile(reader: Reader<unknown>, path: string, options?: ChunkFileOptions): Promise<ChunkFileInfo> {
  checkReader('convertToChunkFile', 'reader', reader);
  checkWriterArgs('convertToChunkFile', path, options);
  const writer = await createChunkFileWriter(path, options);
  const source = openReader('convertToChunkFile', reader);
  const iterable = (
    source.sync ? { [Symbol.iterator]: () => source.iterator } : { [Symbol.asyncIterator]: () => source.iterator }
  ) as AsyncIterable<unknown>;
  try {
    for await (const sample of iterable) await writer.write(sample);
  } catch (e) {
    await writer.abort();
    throw e;
  }
  return writer.close();
}

function checkWriterArgs(fn: string, path: unknown, options: unknown): number {
  if (typeof path !== 'string' || path === '') throw new ConfigError(`${fn}: path must be a non-empty string, got ${show(path)}`);
  return checkPositiveInt(fn, 'chunkSize', checkOptions(fn, options, ['chunkSize']).chunkSize ?? 1000);
}
