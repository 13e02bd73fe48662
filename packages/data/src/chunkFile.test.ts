import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunkFileReader, openChunkFile } from './chunkFileReader.js';
import { convertToChunkFile, createChunkFileWriter } from './chunkFileWriter.js';
import { cmudict } from './cmudict.js';
import { ConfigError, DataError } from './errors.js';
import { toArray, type Reader } from './reader.js';
import { shard, taskReader } from './shard.js';
import { spamAssassin } from './spamAssassin.js';
import { asyncReader, range, readerKinds, syncReader } from './testing/readers.js';

const dir = mkdtempSync(join(tmpdir(), 'oar-chunkfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;
const fresh = () => join(dir, `f${serial++}.oarc`);

const samples = range(10).map((i) => [Int32Array.from([i, i + 1]), new Float32Array([i / 2]), `w${i}`, { id: i, tags: ['a'] }]);

describe.each(readerKinds)('convertToChunkFile + chunkFileReader (%s source)', (_, make) => {
  it('round-trips samples with typed arrays, strings and objects', async () => {
    const path = fresh();
    const info = await convertToChunkFile(make(samples), path, { chunkSize: 3 });
    expect(info).toMatchObject({ path, chunks: 4, records: 10 });
    expect(info.bytes).toBe(readFileSync(path).length);
    expect(await toArray(chunkFileReader(path))).toEqual(samples);
  });

  it('deals the same chunks as shard and taskReader on the source', async () => {
    const path = fresh();
    await convertToChunkFile(make(range(23)), path, { chunkSize: 4 });
    for (let i = 0; i < 3; i++) {
      const fromFile = await toArray(chunkFileReader(path, { select: { index: i, count: 3 } }));
      expect(fromFile).toEqual(await toArray(shard(make(range(23)), i, 3, { chunkSize: 4 })));
    }
    const tasks = await toArray(chunkFileReader(path, { select: { taskIds: [5, 1, 9] } }));
    expect(tasks).toEqual(await toArray(taskReader(make(range(23)), [5, 1, 9], 4)));
    expect(tasks).toEqual([4, 5, 6, 7, 20, 21, 22]);
  });
});

describe('chunk files', () => {
  it('seek to any chunk through the index', async () => {
    const path = fresh();
    await convertToChunkFile(syncReader(range(10)), path, { chunkSize: 4 });
    const file = await openChunkFile(path);
    expect(file.chunkRecords).toEqual([4, 4, 2]);
    expect(file.records).toBe(10);
    expect(await file.readChunk(2)).toEqual([8, 9]);
    expect(await file.readChunk(0)).toEqual([0, 1, 2, 3]);
    await expect(file.readChunk(3)).rejects.toThrow(/chunkFile\.readChunk: id must be an integer in 0\.\.2, got 3/);
    await file.close();
  });

  it('hold an empty dataset', async () => {
    const path = fresh();
    expect(await convertToChunkFile(syncReader([]), path)).toMatchObject({ chunks: 0, records: 0 });
    expect(await toArray(chunkFileReader(path))).toEqual([]);
  });

  it('appear under their name only when closed; abort leaves nothing', async () => {
    const path = fresh();
    const writer = await createChunkFileWriter(path, { chunkSize: 2 });
    for (const x of range(5)) await writer.write(x);
    expect(existsSync(path)).toBe(false);
    await writer.close();
    expect(existsSync(path)).toBe(true);
    await expect(writer.write(1)).rejects.toThrow(/chunkFileWriter\.write: the writer of .* is already closed/);
    const other = fresh();
    const aborted = await createChunkFileWriter(other);
    await aborted.write(1);
    await aborted.abort();
    expect(existsSync(other) || existsSync(`${other}.partial`)).toBe(false);
  });

  it('are not left half-written when the source fails', async () => {
    const path = fresh();
    const failing: Reader<number> = async function* () {
      yield 1;
      throw new Error('source broke');
    };
    await expect(convertToChunkFile(failing, path)).rejects.toThrow('source broke');
    expect(existsSync(path) || existsSync(`${path}.partial`)).toBe(false);
  });

  it('reject records msgpack cannot hold', async () => {
    const path = fresh();
    await expect(convertToChunkFile(syncReader([1, Symbol('s')]), path)).rejects.toThrow(ConfigError);
    await expect(convertToChunkFile(syncReader([1, Symbol('s')]), path)).rejects.toThrow(/chunkFileWriter\.write: record 1 cannot be encoded/);
  });

  it('stop reading ahead and close when the consumer stops early', async () => {
    const path = fresh();
    await convertToChunkFile(asyncReader(range(50)), path, { chunkSize: 5 });
    const seen: number[] = [];
    for await (const x of chunkFileReader<number>(path)()) {
      seen.push(x);
      if (x === 7) break;
    }
    expect(seen).toEqual(range(8));
  });
});

describe('chunk files: damage', () => {
  const make = async () => {
    const path = fresh();
    await convertToChunkFile(syncReader(range(12).map((i) => ({ i, s: 'x'.repeat(i) }))), path, { chunkSize: 5 });
    return { path, bytes: readFileSync(path) };
  };
  const damaged = (bytes: Uint8Array) => {
    const path = fresh();
    writeFileSync(path, bytes);
    return path;
  };

  it('a file cut at any length is a DataError, never a hang or a partial pass', async () => {
    const { bytes } = await make();
    for (let length = 0; length < bytes.length; length++) {
      const path = damaged(bytes.subarray(0, length));
      await expect(toArray(chunkFileReader(path)), `cut at ${length}`).rejects.toThrow(DataError);
    }
    const path = damaged(bytes.subarray(0, bytes.length - 3));
    await expect(toArray(chunkFileReader(path))).rejects.toThrow(/truncated or unfinished: no index footer at the end/);
    await expect(openChunkFile(damaged(bytes.subarray(0, 5)))).rejects.toThrow(/truncated: 5 bytes, too short for a chunk file header/);
  });

  it('a flipped byte in a chunk fails its CRC32, naming the chunk', async () => {
    const { bytes } = await make();
    const copy = Uint8Array.from(bytes);
    copy[8 + 16 + 3]! ^= 0xff; // inside the payload of chunk 0
    const path = damaged(copy);
    await expect(toArray(chunkFileReader(path))).rejects.toThrow(/chunkFile: .*: chunk 0: corrupt: CRC32 mismatch/);
    const file = await openChunkFile(path);
    expect(await file.readChunk(1)).toHaveLength(5); // the other chunks are still readable
    await file.close();
  });

  it('a damaged index or header is named', async () => {
    const { bytes } = await make();
    const index = Uint8Array.from(bytes);
    index[bytes.length - 16 - 5]! ^= 0x01;
    await expect(openChunkFile(damaged(index))).rejects.toThrow(/corrupt index: CRC32 mismatch/);
    const magic = Uint8Array.from(bytes);
    magic[0] = 0x58;
    await expect(openChunkFile(damaged(magic))).rejects.toThrow(/not a chunk file: it starts with "XARC", expected "OARC"/);
    const version = Uint8Array.from(bytes);
    version[4] = 9;
    await expect(openChunkFile(damaged(version))).rejects.toThrow(/format version 9 is not supported/);
    await expect(openChunkFile(join(dir, 'none.oarc'))).rejects.toThrow(/none\.oarc: file not found; write it with convertToChunkFile/);
  });

  it('validates arguments', () => {
    expect(() => chunkFileReader('')).toThrow(/chunkFileReader: path must be a non-empty string, got ""/);
    expect(() => chunkFileReader('x', { select: { index: 2, count: 2 } })).toThrow(
      /chunkFileReader: select must be \{ index, count \} with 0 <= index < count, or \{ taskIds \}/,
    );
    expect(() => chunkFileReader('x', { select: { taskIds: [-1] } })).toThrow(/chunkFileReader: taskIds\[0\] must be a non-negative integer/);
    expect(() => chunkFileReader('x', { chunk: 1 } as never)).toThrow(/chunkFileReader: unknown option "chunk", allowed: select/);
    return expect(convertToChunkFile(syncReader([1]), fresh(), { chunkSize: 0 })).rejects.toThrow(
      /convertToChunkFile: chunkSize must be a positive integer, got 0/,
    );
  });
});

describe('chunk files of the real data', () => {
  const key = (sample: unknown) => (sample as Int32Array[]).map((a) => a.join(',')).join('|');

  it('hold the CMUdict g2p train split exactly, and deal the same shards as the raw reader', async () => {
    const path = fresh();
    const raw = cmudict.train();
    const info = await convertToChunkFile(raw, path, { chunkSize: 1000 });
    const expected = (await toArray(raw)).map(key);
    expect(info.records).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(100000);
    expect((await toArray(chunkFileReader(path))).map(key)).toEqual(expected);
    const fromFile = (await toArray(chunkFileReader(path, { select: { index: 1, count: 4 } }))).map(key);
    expect(fromFile).toEqual((await toArray(shard(raw, 1, 4, { chunkSize: 1000 }))).map(key));
  });

  it('hold SpamAssassin word ids; task chunks match taskReader', async () => {
    const dict = await spamAssassin.wordDict({ minFreq: 5 });
    const raw = spamAssassin.test({ dict });
    const path = fresh();
    await convertToChunkFile(raw, path, { chunkSize: 100 });
    const tasks = await toArray(chunkFileReader(path, { select: { taskIds: [0, 7] } }));
    expect(tasks).toEqual(await toArray(taskReader(raw, [0, 7], 100)));
    expect(tasks).toHaveLength(200);
  });
});
