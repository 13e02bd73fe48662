// Test helpers: readers over fixed arrays that record how they are used.
import type { Reader } from '../reader.js';

/** Counters of one reader: how many items were pulled and how many passes were closed. */
export interface Probe {
  pulled: number;
  closed: number;
}

/** A synchronous reader over `items`, counting pulls and closes in `probe`. */
export function syncReader<T>(items: readonly T[], probe: Probe = { pulled: 0, closed: 0 }): Reader<T> {
  return function* () {
    try {
      for (const item of items) {
        probe.pulled += 1;
        yield item;
      }
    } finally {
      probe.closed += 1;
    }
  };
}

/** An asynchronous reader over `items` (each item a tick later), counting pulls and closes in `probe`. */
export function asyncReader<T>(items: readonly T[], probe: Probe = { pulled: 0, closed: 0 }): Reader<T> {
  return async function* () {
    try {
      for (const item of items) {
        await Promise.resolve();
        probe.pulled += 1;
        yield item;
      }
    } finally {
      probe.closed += 1;
    }
  };
}

/** Both kinds, for `describe.each`. */
export const readerKinds = [
  ['sync', syncReader],
  ['async', asyncReader],
] as const;

/** True when one pass of `reader` is a synchronous iterable. */
export function isSyncReader(reader: Reader<unknown>): boolean {
  return Symbol.iterator in (reader() as object);
}

/** `[0, 1, ..., n - 1]`. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
