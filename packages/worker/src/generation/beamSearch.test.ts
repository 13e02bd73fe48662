import { describe, expect, it } from 'vitest';
import { beamSearch, type Hypothesis, type StepFunction } from './beamSearch.js';

// A toy "model": log-probabilities of the next token depend on the source and the whole prefix through a
// hash, so every path has its own distribution. The step keeps its per-path state (the prefixes) and
// reorders it with `parents`, as a real model reorders its hidden states.
const V = 4;
const BOS = 0;
const EOS = 1;

function logProbsOf(source: number, prefix: number[]): number[] {
  let h = 2166136261 ^ (source * 7919);
  for (const t of prefix) h = Math.imul(h ^ (t + 13), 16777619);
  const logits = Array.from({ length: V }, (_, v) => (((Math.imul(h ^ v, 2654435761) >>> 0) % 1000) / 250));
  const max = Math.max(...logits);
  const z = Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0)) + max;
  return logits.map((l) => l - z);
}

function toyStep(sourceIds: number[]): StepFunction {
  let prefixes: number[][] = [];
  return (tokens, parents, sources) => {
    prefixes = parents === null ? Array.from(tokens, () => []) : Array.from(parents, (p, k) => [...prefixes[p]!, tokens[k]!]);
    const out = new Float32Array(tokens.length * V);
    prefixes.forEach((prefix, k) => out.set(logProbsOf(sourceIds[sources[k]!]!, prefix), k * V));
    return out;
  };
}

/** Every path: ids that end at eos, or run to maxLength; scored exactly. */
function bruteForce(source: number, maxLength: number): Hypothesis[] {
  const all: Hypothesis[] = [];
  const walk = (ids: number[], score: number) => {
    const lp = logProbsOf(source, ids);
    for (let v = 0; v < V; v++) {
      const path = { ids: [...ids, v], score: score + lp[v]! };
      if (v === EOS || path.ids.length === maxLength) all.push(path);
      else walk(path.ids, path.score);
    }
  };
  walk([], 0);
  return all.sort((a, b) => b.score - a.score);
}

const closeHyps = (got: Hypothesis[], want: Hypothesis[]) => {
  expect(got.map((h) => h.ids)).toEqual(want.map((h) => h.ids));
  got.forEach((h, i) => expect(Math.abs(h.score - want[i]!.score)).toBeLessThan(1e-4));
};

describe('beamSearch', () => {
  it('an exhaustive beam finds the same best paths and scores as brute-force enumeration', () => {
    for (const source of [0, 1, 2]) {
      const want = bruteForce(source, 4).slice(0, 5);
      const [got] = beamSearch(toyStep([source]), 1, { bosId: BOS, eosId: EOS, beamSize: V ** 4, maxLength: 4, numResults: 5 });
      closeHyps(got!, want);
    }
  });

  it('a narrow beam never returns a path scored above the true best, and ranks its results', () => {
    for (const source of [3, 4, 5, 6]) {
      const best = bruteForce(source, 5)[0]!;
      const [got] = beamSearch(toyStep([source]), 1, { bosId: BOS, eosId: EOS, beamSize: 3, maxLength: 5, numResults: 3 });
      expect(got![0]!.score).toBeLessThanOrEqual(best.score + 1e-5);
      expect(got!.map((h) => h.score)).toEqual([...got!.map((h) => h.score)].sort((a, b) => b - a));
    }
  });

  it('beamSize 1 is greedy decoding', () => {
    for (const source of [0, 7, 9]) {
      const ids: number[] = [];
      let score = 0;
      while (ids.length < 6) {
        const lp = logProbsOf(source, ids);
        const v = lp.indexOf(Math.max(...lp));
        ids.push(v);
        score += lp[v]!;
        if (v === EOS) break;
      }
      const [got] = beamSearch(toyStep([source]), 1, { bosId: BOS, eosId: EOS, beamSize: 1, maxLength: 6 });
      closeHyps(got!, [{ ids, score }]);
    }
  });

  it('a batch of sources gives the results of one source at a time', () => {
    const sources = [11, 12, 13, 14, 15];
    const opts = { bosId: BOS, eosId: EOS, beamSize: 3, maxLength: 6, numResults: 2 };
    const together = beamSearch(toyStep(sources), sources.length, opts);
    sources.forEach((s, i) => closeHyps(together[i]!, beamSearch(toyStep([s]), 1, opts)[0]!));
  });

  it('paths end at eos or at maxLength', () => {
    const [got] = beamSearch(toyStep([21]), 1, { bosId: BOS, eosId: EOS, beamSize: 4, maxLength: 3, numResults: 4 });
    for (const h of got!) expect(h.ids.at(-1) === EOS || h.ids.length === 3).toBe(true);
    for (const h of got!) expect(h.ids.slice(0, -1)).not.toContain(EOS);
  });

  it('length normalisation ranks by score / length^alpha', () => {
    // An exhaustive beam: both see every path, so they differ only in the ranking.
    const [plain] = beamSearch(toyStep([5]), 1, { bosId: BOS, eosId: EOS, beamSize: 256, maxLength: 4, numResults: 256 });
    const [norm] = beamSearch(toyStep([5]), 1, { bosId: BOS, eosId: EOS, beamSize: 256, maxLength: 4, numResults: 256, lengthPenalty: 1 });
    const key = (h: Hypothesis) => h.score / h.ids.length;
    expect(norm!.map(key)).toEqual([...norm!.map(key)].sort((a, b) => b - a));
    expect(new Set(norm!.map((h) => h.ids.join()))).toEqual(new Set(plain!.map((h) => h.ids.join())));
    expect(norm!.map((h) => h.ids.join())).not.toEqual(plain!.map((h) => h.ids.join()));
  });

  it('rejects bad options', () => {
    const step = toyStep([0]);
    expect(() => beamSearch(step, 1, { bosId: 0, eosId: 1, beamSize: 0, maxLength: 3 })).toThrow(/beamSize must be an integer >= 1, got 0/);
    expect(() => beamSearch(step, 1, { bosId: 0, eosId: 1, beamSize: 2, maxLength: 3, numResults: 3 })).toThrow(/numResults \(3\) cannot exceed beamSize \(2\)/);
  });
});
