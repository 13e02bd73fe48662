import { describe, expect, it } from 'vitest';
import { createRng, shuffleInPlace } from './createRng.js';
import { ConfigError } from './errors.js';
import { fnv1a32 } from './fnv1a32.js';

const draw = (seed: number, n: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, rng);
};

describe('createRng', () => {
  it('repeats a sequence for a seed and differs between seeds', () => {
    expect(draw(7, 20)).toEqual(draw(7, 20));
    expect(draw(7, 20)).not.toEqual(draw(8, 20));
    expect(draw(-7, 20)).not.toEqual(draw(7, 20));
    expect(draw(2 ** 40, 20)).not.toEqual(draw(0, 20));
  });

  it('draws in [0, 1) with the moments of a uniform distribution', () => {
    const xs = draw(123, 20000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    // Uniform: mean 1/2, variance 1/12; the standard error of the mean is ~0.002 for 20000 draws.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.005);
    const deciles = new Array(10).fill(0);
    for (const x of xs) deciles[Math.floor(x * 10)] += 1;
    for (const count of deciles) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('rejects a seed that is not a safe integer', () => {
    expect(() => createRng(1.5)).toThrow(ConfigError);
    expect(() => createRng(1.5)).toThrow(/createRng: seed must be a safe integer, got 1.5/);
  });
});

describe('shuffleInPlace', () => {
  it('gives a permutation, every position about equally likely', () => {
    const rng = createRng(5);
    const firstPlace = new Array(5).fill(0);
    for (let t = 0; t < 5000; t++) {
      const order = shuffleInPlace([0, 1, 2, 3, 4], rng);
      expect([...order].sort()).toEqual([0, 1, 2, 3, 4]);
      firstPlace[order[0]!] += 1;
    }
    for (const count of firstPlace) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
});

describe('fnv1a32', () => {
  it('matches the published FNV-1a test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });
});
