import { ConfigError } from '../errors.js';

export interface BeamSearchOptions {
  bosId: number;
  eosId: number;
  /** Paths kept per source at every step; 1 is greedy decoding. */
  beamSize: number;
  /** Most tokens generated per path (eos included). */
  maxLength: number;
  /** Results returned per source, best first (at most beamSize). */
  numResults?: number;
  /**
   * Beyond Paddle: rank finished paths by `score / length^alpha` (0, the default, is Paddle's plain sum of
   * log-probabilities).
   */
  lengthPenalty?: number;
}

/**
 * One step of the model for every live path at once: `tokens[k]` is path k's last token, `parents[k]` the
 * index (in the previous call's paths) it continues — the model reorders its own per-path state with it
 * (null on the first call, where path k belongs to source `sources[k]`). Returns log-probabilities,
 * `[paths, vocab]` row-major.
 */
export type StepFunction = (tokens: Int32Array, parents: Int32Array | null, sources: Int32Array) => Float32Array;

export interface Hypothesis {
  /** Generated ids, without bos; ends with eos unless cut by maxLength. */
  ids: number[];
  /** Sum of log-probabilities of the ids. */
  score: number;
}

interface Live {
  source: number;
  ids: number[];
  score: number;
}

/**
 * Beam search over a batch of sources at once: every step expands each source's live paths by every token,
 * keeps the `beamSize` best candidates per source; a candidate ending in eos is finished; a source stops when
 * it has no live path, when `maxLength` is reached, or (without length penalty) when its `beamSize` best
 * finished paths all beat its best live path (log-probabilities only decrease).
 * @paddle paddle.layer.beam_search (RecurrentGradientMachine::beamSearch)
 * @example
 * const results = beamSearch(step, 2, { bosId: 0, eosId: 1, beamSize: 5, maxLength: 30, numResults: 3 });
 */
export function beamSearch(step: StepFunction, numSources: number, options: BeamSearchOptions): Hypothesis[][] {
  const { bosId, eosId, beamSize, maxLength } = checkOptions(options);
  const numResults = options.numResults ?? 1;
  const alpha = options.lengthPenalty ?? 0;
  const rank = (h: { ids: number[]; score: number }) => (alpha === 0 ? h.score : h.score / Math.pow(h.ids.length, alpha));
  const finished: Hypothesis[][] = Array.from({ length: numSources }, () => []);
  let live: Live[] = Array.from({ length: numSources }, (_, source) => ({ source, ids: [], score: 0 }));
  let tokens = new Int32Array(numSources).fill(bosId);
  let parents: Int32Array | null = null;
  for (let t = 0; t < maxLength && live.length > 0; t++) {
    const logProbs = step(tokens, parents, Int32Array.from(live, (h) => h.source));
    const vocab = logProbs.length / live.length;
    if (!Number.isInteger(vocab) || vocab < 1) throw new ConfigError(`beamSearch: the step returned ${logProbs.length} log-probabilities for ${live.length} paths`);
    const next: { parent: number; token: number; score: number }[] = [];
    let k = 0;
    while (k < live.length) {
      const source = live[k]!.source;
      let end = k;
      while (end < live.length && live[end]!.source === source) end++;
      const best = topCandidates(logProbs, live, k, end, vocab, beamSize);
      for (const c of best) {
        const path = { ids: [...live[c.parent]!.ids, c.token], score: c.score };
        if (c.token === eosId || t === maxLength - 1) finished[source]!.push(path);
        else next.push(c);
      }
      k = end;
    }
    const kept = next.filter((c) => !done(finished[live[c.parent]!.source]!, c.score, beamSize, alpha));
    parents = Int32Array.from(kept, (c) => c.parent);
    tokens = Int32Array.from(kept, (c) => c.token);
    live = kept.map((c) => ({ source: live[c.parent]!.source, ids: [...live[c.parent]!.ids, c.token], score: c.score }));
  }
  return finished.map((list) => list.sort((a, b) => rank(b) - rank(a)).slice(0, numResults));
}

/** The `beamSize` best (path, token) candidates of the live paths [from, to) of one source, best first. */
function topCandidates(logProbs: Float32Array, live: Live[], from: number, to: number, vocab: number, beamSize: number) {
  const best: { parent: number; token: number; score: number }[] = [];
  for (let p = from; p < to; p++) {
    const base = live[p]!.score;
    const row = p * vocab;
    for (let v = 0; v < vocab; v++) {
      const score = base + logProbs[row + v]!;
      if (best.length === beamSize && score <= best[best.length - 1]!.score) continue;
      let i = best.length;
      while (i > 0 && best[i - 1]!.score < score) i--;
      best.splice(i, 0, { parent: p, token: v, score });
      if (best.length > beamSize) best.pop();
    }
  }
  return best;
}

/** Without length penalty, a live path cannot beat `beamSize` finished paths that already score higher. */
function done(finished: Hypothesis[], liveScore: number, beamSize: number, alpha: number): boolean {
  if (alpha !== 0 || finished.length < beamSize) return false;
  const scores = finished.map((h) => h.score).sort((a, b) => b - a);
  return scores[beamSize - 1]! >= liveScore;
}

function checkOptions(o: BeamSearchOptions): BeamSearchOptions {
  const int = (name: keyof BeamSearchOptions, min: number) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ConfigError(`beamSearch: ${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  };
  int('bosId', 0);
  int('eosId', 0);
  int('beamSize', 1);
  int('maxLength', 1);
  if (o.numResults !== undefined) {
    int('numResults', 1);
    if (o.numResults > o.beamSize) throw new ConfigError(`beamSearch: numResults (${o.numResults}) cannot exceed beamSize (${o.beamSize})`);
  }
  if (o.lengthPenalty !== undefined && !(o.lengthPenalty >= 0)) throw new ConfigError(`beamSearch: lengthPenalty must be >= 0, got ${o.lengthPenalty}`);
  return o;
}
