// Generation speed of the seed's attention model (examples/g2p): held-out CMUdict words per second with beam
// search at beam 1 (greedy) and beam 5, all sources of a batch searched together.
//   npm run bench:generation -- [--model runs/g2p] [--words 1000] [--batch 128] [--backend wasm]
// With --model (a save dir or pass folder written by `oar train --config examples/g2p/config.ts`), the trained
// weights are used, so paths end when the model says eos; without it, random weights (paths mostly run to maxLength).
import { parseArgs } from 'node:util';
import { cmudict } from '@oar/data';
import { Topology } from '@oar/layers';
import { generate, initBackend, Parameters, type BackendName } from '@oar/worker';
import config from '../examples/g2p/config.js';
import { loadPass, resolveModelDir } from '../tools/src/runDir.js';

const { values } = parseArgs({
  options: { model: { type: 'string' }, words: { type: 'string', default: '1000' }, batch: { type: 'string', default: '128' }, backend: { type: 'string', default: 'wasm' } },
});
const info = await initBackend({ backend: values.backend as BackendName, log: () => {} });
const pass = values.model ? await loadPass(await resolveModelDir(values.model)) : undefined;
const options = pass?.meta.options ?? Object.fromEntries(Object.entries(config.options!).map(([k, s]) => [k, s.default]));
const setup = await config.build(options as never, { batchSize: 64, seed: 1, ...(pass ? { saved: pass.state } : {}) });
const generator = pass?.generator ?? Topology.fromOutputs(setup.generator!);
const params = pass?.params ?? Parameters.create(Topology.fromOutputs([setup.cost as never, setup.output]), { seed: 1 });
const { test } = await cmudict.load({ testPercent: options.testPercent as number });
const words = [...new Set(test.map((e) => e.word))].slice(0, Number(values.words));
const sources = words.map((w) => setup.parseSource!(w));
const batch = Number(values.batch);

function run(beamSize: number): { seconds: number; tokens: number } {
  const t0 = performance.now();
  let tokens = 0;
  for (let i = 0; i < sources.length; i += batch) {
    const results = generate({ generator, parameters: params, input: sources.slice(i, i + batch), beamSize, numResults: 1 });
    for (const r of results) tokens += r[0]!.ids.length;
  }
  return { seconds: (performance.now() - t0) / 1000, tokens };
}

console.log(`generation bench: ${words.length} held-out words, batch ${batch}, backend ${info.name} (${info.threads ?? 1} threads), ${pass ? `trained model ${values.model}` : 'random weights'}`);
run(1); // warm-up
console.log('| beam | sources/s | generated tokens/s | seconds |');
console.log('| --- | --- | --- | --- |');
for (const beam of [1, 5]) {
  const { seconds, tokens } = run(beam);
  console.log(`| ${beam} | ${(words.length / seconds).toFixed(1)} | ${(tokens / seconds).toFixed(1)} | ${seconds.toFixed(1)} |`);
}
