import { Topology } from '@oar/layers';
import { generate, infer, initBackend, Parameters, Random } from '@oar/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { seq2seq } from '../examples/g2p/model.js';

// Generation with the seed's attention model (random weights, tiny sizes): the beam search network must
// agree with the training network it shares its parameters with.
const sizes = { sourceDictSize: 9, targetDictSize: 7, embeddingSize: 5, encoderSize: 4, decoderSize: 6 };
const BOS = 0;
const EOS = 1;

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: () => {} });
});

function model(seed: number) {
  const m = seq2seq(sizes);
  const training = Topology.fromOutputs([m.cost, m.output]);
  const params = Parameters.create(training, { seed });
  const random = new Random(seed);
  for (const name of params.names()) params.get(name).forEach((_, i, a) => (a[i] = 0.6 * random.normal()));
  return { m, training, params };
}

const sources = [[2, 3, 4, 5], [6], [7, 8, 2], [3, 3, 4, 5, 6, 7]].map((s) => Int32Array.from([BOS, ...s, EOS]));

describe('beam search on the seed attention model', () => {
  it('generation parameters are all trained by the training network', () => {
    const { m, training } = model(1);
    const gen = Topology.fromOutputs(m.generator({ beamSize: 3, maxLength: 6, bosId: BOS, eosId: EOS }));
    const trained = new Map(training.parameters.map((p) => [p.name, p.size]));
    for (const p of gen.parameters) expect(trained.get(p.name), p.name).toBe(p.size);
  });

  it('beamSize 1 equals greedy decoding with the training network (teacher forcing on its own outputs)', () => {
    const { m, training, params } = model(2);
    const generator = m.generator({ beamSize: 1, maxLength: 6, bosId: BOS, eosId: EOS });
    const results = generate({ generator, parameters: params, input: sources.map((s) => [s]) });
    const outputName = training.outputNames.at(-1)!;
    sources.forEach((src, k) => {
      const ids: number[] = [];
      let score = 0;
      while (ids.length < 6) {
        const trg = Int32Array.from([BOS, ...ids]);
        const [probs] = infer({ output: outputName, topology: training, parameters: params, input: [[src, trg]], feeding: { source_language_word: 0, target_language_word: 1 } });
        const last = probs!.data.subarray((trg.length - 1) * sizes.targetDictSize, trg.length * sizes.targetDictSize);
        const best = last.indexOf(Math.max(...last));
        ids.push(best);
        score += Math.log(last[best]!);
        if (best === EOS) break;
      }
      expect(results[k]![0]!.ids, `source ${k}`).toEqual(ids);
      expect(results[k]![0]!.score).toBeCloseTo(score, 4);
    });
  });

  it('a batch of sources of different lengths gives the results of one source at a time', () => {
    const { m, params } = model(3);
    const generator = m.generator({ beamSize: 4, maxLength: 7, bosId: BOS, eosId: EOS });
    const together = generate({ generator, parameters: params, input: sources.map((s) => [s]), numResults: 3 });
    sources.forEach((s, k) => {
      const [alone] = generate({ generator, parameters: params, input: [[s]], numResults: 3 });
      expect(together[k]!.map((h) => h.ids)).toEqual(alone!.map((h) => h.ids));
      together[k]!.forEach((h, i) => expect(h.score).toBeCloseTo(alone![i]!.score, 4));
    });
  });

  it('paths end at eos or at maxLength, best first, numResults per source', () => {
    const { m, params } = model(4);
    const generator = m.generator({ beamSize: 5, maxLength: 3, bosId: BOS, eosId: EOS });
    const results = generate({ generator, parameters: params, input: sources.map((s) => [s]), numResults: 4 });
    for (const list of results) {
      expect(list.length).toBe(4);
      expect(list.map((h) => h.score)).toEqual([...list.map((h) => h.score)].sort((a, b) => b - a));
      for (const h of list) expect(h.ids.at(-1) === EOS || h.ids.length === 3).toBe(true);
    }
  });
});
