// The chunk file format shared by the writer and the reader (internal). All integers little-endian.
//
//   file header   8 bytes   "OARC", u32 version (1)
//   chunk k       16 bytes  "CHNK", u32 recordCount, u32 payloadBytes, u32 crc32(payload)
//                 payload   recordCount × (u32 byteLength, msgpack bytes)
//   index         8 bytes   "INDX", u32 chunkCount
//                 12 bytes  per chunk: u64 offset of its header, u32 recordCount
//   footer        16 bytes  u64 offset of the index, u32 crc32(index), "OEND"
//
// A reader finds the index from the footer, so it can seek to chunk k without reading the others; a
// file whose footer is missing was cut short or never closed.
import { Packr } from 'msgpackr';

export const FILE_MAGIC = 'OARC';
export const VERSION = 1;
export const CHUNK_MAGIC = 'CHNK';
export const INDEX_MAGIC = 'INDX';
export const END_MAGIC = 'OEND';
export const FILE_HEADER_BYTES = 8;
export const CHUNK_HEADER_BYTES = 16;
export const INDEX_HEADER_BYTES = 8;
export const INDEX_ENTRY_BYTES = 12;
export const FOOTER_BYTES = 16;

/** msgpack with typed arrays, Maps and Sets; no shared record structures, so every record stands alone. */
export const newPackr = (): Packr => new Packr({ moreTypes: true, useRecords: false });
