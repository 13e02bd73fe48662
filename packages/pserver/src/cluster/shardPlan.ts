import { ConfigError, show } from '../errors.js';
import type { ParameterAttributes } from '../optimizer/optimizerConfig.js';

/** What a pserver needs to know of one parameter: its size, and its rows if it is a table updated by rows. */
export interface ParameterSpec {
  name: string;
  size: number;
  /** `[rows, width]` for a table (an embedding read by ids): spread over the pservers by row. */
  table?: { rows: number; width: number };
  /** This parameter's own learning rate, L2, momentum, clipping (from its paramAttr). */
  attrs?: ParameterAttributes;
}

/** A contiguous piece `[offset, offset + length)` of a dense parameter, held by one pserver. */
export interface Block {
  param: number;
  offset: number;
  length: number;
}

/** Which pserver holds what: dense parameters in blocks, tables by row (row r on pserver r mod S). */
export interface ShardPlan {
  numServers: number;
  blockSize: number;
  params: readonly ParameterSpec[];
  /** Blocks of each pserver, in the order they travel on the wire. */
  blocks: readonly (readonly Block[])[];
}

/** Default block size in floats (256 KiB): small enough to spread a 1M-float layer, big enough to stream. */
export const DEFAULT_BLOCK_SIZE = 65536;

/**
 * Cuts every dense parameter into blocks of `blockSize` floats and deals them round-robin over the pservers,
 * starting at a different pserver for each parameter (Paddle: `(block + hash(name)) mod S`), so that small
 * parameters spread too. Trainers and pservers compute the same plan from the same specs.
 * @paddle ParameterServer2 block ids (paddle/pserver/ParameterClient2.cpp)
 */
export function planShards(params: readonly ParameterSpec[], numServers: number, blockSize = DEFAULT_BLOCK_SIZE): ShardPlan {
  if (!Number.isSafeInteger(numServers) || numServers < 1) {
    throw new ConfigError(`planShards: numServers must be a positive integer, got ${show(numServers)}`);
  }
  if (!Number.isSafeInteger(blockSize) || blockSize < 1) {
    throw new ConfigError(`planShards: blockSize must be a positive integer, got ${show(blockSize)}`);
  }
  const seen = new Set<string>();
  params.forEach((p, i) => {
    if (typeof p?.name !== 'string' || p.name === '') throw new ConfigError(`planShards: params[${i}].name must be a non-empty string, got ${show(p?.name)}`);
    if (seen.has(p.name)) throw new ConfigError(`planShards: parameter ${show(p.name)} appears twice`);
    seen.add(p.name);
    if (!Number.isSafeInteger(p.size) || p.size < 1) throw new ConfigError(`planShards: ${show(p.name)}.size must be a positive integer, got ${show(p.size)}`);
    if (p.table && (!Number.isSafeInteger(p.table.rows) || !Number.isSafeInteger(p.table.width) || p.table.rows * p.table.width !== p.size)) {
      throw new ConfigError(`planShards: ${show(p.name)}.table ${show(p.table)} must have rows × width = size ${p.size}`);
    }
  });
  const blocks: Block[][] = Array.from({ length: numServers }, () => []);
  params.forEach((p, param) => {
    if (p.table) return;
    const start = fnv1a(p.name) % numServers;
    for (let b = 0, offset = 0; offset < p.size; b++, offset += blockSize) {
      blocks[(start + b) % numServers]!.push({ param, offset, length: Math.min(blockSize, p.size - offset) });
    }
  });
  return { numServers, blockSize, params, blocks };
}

/** Rows of a table held by pserver `server` of `numServers` (row r lives on pserver r mod S, at local row ⌊r / S⌋). */
export function localRowCount(rows: number, server: number, numServers: number): number {
  return Math.max(0, Math.ceil((rows - server) / numServers));
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
