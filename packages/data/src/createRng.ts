import { ConfigError } from './errors.js';
import { show } from './validate.js';

/** A seeded source of uniform floats in [0, 1). */
export type Rng = () => number;

/**
 * A small deterministic random number generator (sfc32, seeded through splitmix32), so that shuffles
 * are reproducible across runs and machines. Same seed, same sequence.
 *
 * @param seed a safe integer (any sign); equal seeds give equal sequences
 * @example
 * const rng = createRng(42);
 * rng(); // 0 <= x < 1, the same on every run
 */
export function createRng(seed: number): Rng {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new ConfigError(`createRng: seed must be a safe integer, got ${show(seed)}`);
  }
  const mix = splitmix32(Math.floor(seed / 2 ** 32) ^ (seed >>> 0) ^ 0x9e3779b9);
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function splitmix32(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Shuffles `items` in place (Fisher–Yates) with `rng`. */
export function shuffleInPlace<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
  return items;
}
