// Training tokens/s of a 2-layer LSTM text classifier in Oar (fused lstmemory, and the same cell as a recurrent
// group), beside tfjs-layers and PyTorch, in one run:
//   npx tsx bench/lstm.ts [--quick] [--steps N] [--warmup N] [--slow-steps N] [--systems a,b,...] [--threads N]
//                         [--tfjs-max-len N] [--no-profile] [--profile-group]
// Model: ids (vocab 5000) → embedding 128 → LSTM 256 → LSTM 256 → last step → fc 2 softmax, cross-entropy, Adam
// 1e-3, batch 64. Lengths: lognormal (median 78, mean ~100) clipped to [5, 400]; ids log-uniform (Zipf-like);
// the same seeded batches for every system (written once to a temp file), each step on its own batch.
// Systems (--systems, default all), each in its own child process (one wasm module per process):
//   oar-fused    Oar on wasm, one thread per core (--threads): networks.simpleLstm ×2 (projection + fused
//                lstmemory); per batch what `oar train` does: Feeds.fromSamples → Network.trainStep →
//                LocalUpdater.update;
//   oar-group    the same with networks.lstmemoryGroup ×2 (a recurrentGroup of lstmemoryUnit) after its own
//                projection (with the gate bias, as lstmemory's);
//   tfjs-layers  tfjs-layers 4.22 on the same backend (Oar's initBackend): tf.sequential embedding (maskZero) →
//                lstm (returnSequences) → lstm → dense softmax, each batch padded to its longest sequence,
//                model.trainOnBatch. Padded to the longest (~375 steps) a batch takes minutes and can exhaust
//                the 4 GB wasm heap, so sequences are cut to their first --tfjs-max-len ids (default 200, as
//                pad_sequences' maxlen; 0 = no cut) and its tokens/s counts the ids it kept;
//   torch-padded PyTorch (bench/lstm_torch.py under /usr/bin/python3), nn.LSTM(num_layers=2) on the padded batch,
//                output gathered at each sequence's last step (exactly the packed result: the LSTM is causal);
//   torch-packed the same on pack_padded_sequence.
// PyTorch runs with OpenBLAS's pthreads build chosen by LD_LIBRARY_PATH and checked in /proc/self/maps; padded
// with torch 1 thread + OpenBLAS 2 and torch 2 + OpenBLAS 1, packed with the better of the two (--threads 1:
// everything single-threaded, PyTorch torch 1 + OpenBLAS 1).
// tfjs-layers and torch-packed take minutes per batch here (their cost grows with length × tokens): they warm up
// on the warm-up batches cut to 32 steps and time only the first --slow-steps timed batches (default 3).
// Other processes on the machine skew the figures, the multi-threaded ones most: the run prints the load average.
// Tokens are real (unpadded) tokens. Figures: median over the timed batches of tokens/s and of ms/batch; ratios
// are to tfjs-layers and to the best PyTorch row. Then a per-kernel profile (tf.profile) of one Oar training
// step (fused; --profile-group: the group) and of its forward pass alone.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BATCH = 64;
const VOCAB = 5000;
const EMB = 128;
const HIDDEN = 256;
const LEARNING_RATE = 1e-3;

type System = 'oar-fused' | 'oar-group' | 'tfjs-layers' | 'profile';
const SYSTEMS = ['oar-fused', 'oar-group', 'tfjs-layers', 'torch-padded', 'torch-packed'];
interface Batch { lengths: number[]; ids: number[]; labels: number[] }
interface ChildSpec {
  system: System; data: string; warmup: number; steps: number; threads: number;
  /** Warm up on the warm-up batches cut to 32 steps. */
  shortWarmup: boolean;
  /** tfjs-layers: cut longer sequences to this many ids; 0 or absent: no cut. */
  maxLen?: number;
  /** profile: the recurrent-group model instead of the fused one. */
  group?: boolean;
}
interface DataFile { batches: Batch[]; short: Batch[] }
interface Result {
  name: string; steps: number; tokensPerSecond: number; overall: number; msPerBatch: number; msMin: number; msMax: number;
  firstLoss: number; lastLoss: number;
}
/** A group of kernel calls: total time, count, median and largest time of one call. */
interface KernelRow { key: string; ms: number; calls: number; medianMs: number; maxMs: number }
interface Profile {
  group: boolean; threads: number; tokens: number; maxLength: number; wallMs: number; kernelMs: number; kernels: number;
  byName: KernelRow[]; byShape: KernelRow[]; forward: { wallMs: number; kernelMs: number; kernels: number };
}

const cores = availableParallelism();
const openBlasDir = '/usr/lib/x86_64-linux-gnu/openblas-pthread';
const argValue = (flag: string, fallback: number): number => {
  const at = process.argv.indexOf(flag);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};

/** Seeded batches: lognormal lengths (μ 4.36, σ 0.7: mean ≈ 100) clipped to [5, 400], log-uniform ids. */
function makeBatches(count: number, seed: number): Batch[] {
  let s = seed >>> 0;
  const uniform = () => { // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return Array.from({ length: count }, () => {
    const lengths = Array.from({ length: BATCH }, () => Math.min(400, Math.max(5, Math.round(Math.exp(4.36 + 0.7 * normal())))));
    const ids = lengths.flatMap((n) => Array.from({ length: n }, () => Math.floor(Math.exp(uniform() * Math.log(VOCAB + 1))) - 1));
    // A learnable label (the parity of the last id); over a few batches the loss stays near ln 2.
    let end = 0;
    const labels = lengths.map((n) => ids[(end += n) - 1]! % 2);
    return { lengths, ids, labels };
  });
}

/** A batch with every sequence cut to its first `steps` ids (a cheap warm-up for the slow systems). */
function cutBatch(b: Batch, steps: number): Batch {
  let at = 0;
  const ids = b.lengths.flatMap((n) => b.ids.slice(at, (at += n)).slice(0, steps));
  return { lengths: b.lengths.map((n) => Math.min(n, steps)), ids, labels: b.labels };
}

/** The warm-up batches (full or cut) then the timed ones, as a child sees them. */
function childBatches(spec: ChildSpec, data: DataFile): Batch[] {
  const warm = spec.shortWarmup ? data.short : data.batches;
  return [...warm.slice(0, spec.warmup), ...data.batches.slice(spec.warmup, spec.warmup + spec.steps)];
}

const progress = (spec: ChildSpec, i: number, ms: number, tokens: number) => {
  const which = i < spec.warmup ? `warm-up ${i + 1}` : `batch ${i + 1 - spec.warmup}/${spec.steps}`;
  process.stderr.write(`  ${spec.system} ${which}: ${ms.toFixed(0)} ms, ${tokens} tokens\n`);
};

function summarize(name: string, tokens: number[], times: number[], losses: number[]): Result {
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    name, steps: times.length, tokensPerSecond: median(times.map((t, i) => (1000 * tokens[i]!) / t)),
    overall: (1000 * total(tokens)) / total(times), msPerBatch: median(times), msMin: Math.min(...times), msMax: Math.max(...times),
    firstLoss: losses[0]!, lastLoss: losses.at(-1)!,
  };
}

/** Oar's network (fused lstmemory or lstmemoryGroup), its parameters and updater. */
async function oarModel(fused: boolean) {
  const { dataType, layer, Topology } = await import('@oar/layers');
  const { networks } = await import('@oar/networks');
  const { LocalUpdater, Network, Parameters } = await import('@oar/worker');
  const words = layer.data({ name: 'words', type: dataType.integerValueSequence(VOCAB) });
  const label = layer.data({ name: 'label', type: dataType.integerValue(2) });
  let h = layer.embedding({ input: words, size: EMB });
  for (let k = 0; k < 2; k++) {
    h = fused
      ? networks.simpleLstm({ input: h, size: HIDDEN })
      : networks.lstmemoryGroup({
        input: layer.mixed({ size: 4 * HIDDEN, biasAttr: true, input: layer.fullMatrixProjection({ input: h }) }),
      });
  }
  const output = layer.fc({ input: layer.lastSeq({ input: h }), size: 2, act: 'softmax' });
  const topology = Topology.fromOutputs([layer.classificationCost({ input: output, label }), output]);
  const network = new Network(topology);
  const params = Parameters.create(topology, { seed: 1 });
  const updater = new LocalUpdater(params, { type: 'adam', learningRate: LEARNING_RATE });
  return { topology, network, params, updater };
}

const samplesOf = (b: Batch): Array<[number[], number]> => {
  let at = 0;
  return b.lengths.map((n, i) => [b.ids.slice(at, (at += n)), b.labels[i]!]);
};
const tokensOf = (b: Batch) => b.lengths.reduce((x, y) => x + y, 0);

/** Child: Oar's training step as `oar train` runs it, timed. */
async function oarChild(spec: ChildSpec, batches: Batch[]): Promise<Result> {
  const { Feeds, initBackend } = await import('@oar/worker');
  const info = await initBackend({ backend: 'wasm', threads: spec.threads, log: () => {} });
  const { topology, network, params, updater } = await oarModel(spec.system === 'oar-fused');
  const times: number[] = [];
  const losses: number[] = [];
  let processed = 0;
  for (const [i, b] of batches.entries()) {
    const t0 = performance.now();
    const feeds = Feeds.fromSamples(topology, samplesOf(b));
    const step = network.trainStep(feeds, params, i + 1);
    updater.update(params, step.gradients, { numSamplesProcessed: processed, pass: 0 });
    processed += BATCH;
    const ms = performance.now() - t0;
    progress(spec, i, ms, tokensOf(b));
    if (i >= spec.warmup) { times.push(ms); losses.push(step.cost); }
  }
  const what = spec.system === 'oar-fused' ? 'simpleLstm ×2 (fused)' : 'lstmemoryGroup ×2 (group)';
  return summarize(`Oar ${what}, ${info.name} ${info.threads}T`, batches.slice(spec.warmup).map(tokensOf), times, losses);
}

/** Child: the same model in tfjs-layers on Oar's wasm backend, padded to each batch's longest sequence. */
async function tfjsLayersChild(spec: ChildSpec, batches: Batch[]): Promise<Result> {
  const { initBackend } = await import('@oar/worker');
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = await import('@tensorflow/tfjs-layers');
  const info = await initBackend({ backend: 'wasm', threads: spec.threads, log: () => {} });
  const model = tfl.sequential({
    layers: [
      // Id 0 is the padding (ids shift by one); the mask makes the LSTMs carry their state over it.
      tfl.layers.embedding({ inputDim: VOCAB + 1, outputDim: EMB, maskZero: true, inputShape: [null] }),
      tfl.layers.lstm({ units: HIDDEN, returnSequences: true }),
      tfl.layers.lstm({ units: HIDDEN }),
      tfl.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(LEARNING_RATE), loss: 'categoricalCrossentropy' });
  const times: number[] = [];
  const losses: number[] = [];
  const kept = batches.map((b) => (spec.maxLen ? cutBatch(b, spec.maxLen) : b));
  for (const [i, b] of kept.entries()) {
    const t0 = performance.now();
    const maxLen = Math.max(...b.lengths);
    const padded = new Float32Array(BATCH * maxLen);
    let at = 0;
    b.lengths.forEach((n, r) => { for (let t = 0; t < n; t++) padded[r * maxLen + t] = b.ids[at++]! + 1; });
    const x = tf.tensor2d(padded, [BATCH, maxLen]);
    const y = tf.oneHot(tf.tensor1d(b.labels, 'int32'), 2);
    const loss = (await model.trainOnBatch(x, y)) as number;
    tf.dispose([x, y]);
    const ms = performance.now() - t0;
    progress(spec, i, ms, tokensOf(b));
    if (i >= spec.warmup) { times.push(ms); losses.push(loss); }
  }
  const padding = spec.maxLen ? `padded to longest ≤ ${spec.maxLen} (longer cut)` : 'padded to longest';
  return summarize(`tfjs-layers, ${padding}, ${info.name} ${info.threads}T`, kept.slice(spec.warmup).map(tokensOf), times, losses);
}

/** Input shapes as a key, runs of one shape collapsed (`[b,1024] ×324`) so a concat of every step stays short. */
function shapesKey(shapes: string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < shapes.length;) {
    let j = i;
    while (j < shapes.length && shapes[j] === shapes[i]) j++;
    parts.push(j - i > 2 ? `${shapes[i]} ×${j - i}` : shapes.slice(i, j).join(' '));
    i = j;
  }
  return parts.join(' ');
}

/** Child: tf.profile of one Oar training step (fused, or the group with `spec.group`) after warm-up, and of its forward pass. */
async function profileChild(spec: ChildSpec, batches: Batch[]): Promise<Profile> {
  const { Feeds, initBackend, tf } = await import('@oar/worker');
  await initBackend({ backend: 'wasm', threads: spec.threads, log: () => {} });
  const { topology, network, params, updater } = await oarModel(!spec.group);
  for (const [i, b] of batches.slice(0, spec.warmup).entries()) {
    const step = network.trainStep(Feeds.fromSamples(topology, samplesOf(b)), params, i + 1);
    updater.update(params, step.gradients, { numSamplesProcessed: i * BATCH, pass: 0 });
  }
  const b = batches[spec.warmup]!;
  const feeds = Feeds.fromSamples(topology, samplesOf(b));
  const run = async (f: () => void) => {
    const t0 = performance.now();
    const info = await tf.profile(f);
    return { wallMs: performance.now() - t0, kernels: info.kernels };
  };
  const train = await run(() => { network.trainStep(feeds, params, 7); });
  const forward = await run(() => { network.evaluate(feeds, params); });
  const sum = (ks: typeof train.kernels) => ks.reduce((a, k) => a + (k.kernelTimeMs as number), 0);
  // Rows of a step (2..64 running sequences) shown as b, so the steps of a loop group together.
  const shape = (s: number[]) => `[${s.map((d, i) => (i === 0 && s.length === 2 && d > 1 && d <= BATCH ? 'b' : d)).join(',')}]`;
  const group = (keyOf: (k: (typeof train.kernels)[number]) => string): KernelRow[] => {
    const times = new Map<string, number[]>();
    for (const k of train.kernels) {
      const key = keyOf(k);
      times.set(key, [...(times.get(key) ?? []), k.kernelTimeMs as number]);
    }
    const rows = [...times].map(([key, ts]): KernelRow => {
      ts.sort((x, y) => x - y);
      return { key, ms: ts.reduce((x, y) => x + y, 0), calls: ts.length, medianMs: ts[ts.length >> 1]!, maxMs: ts.at(-1)! };
    });
    return rows.sort((x, y) => y.ms - x.ms);
  };
  return {
    group: spec.group === true, threads: spec.threads, tokens: tokensOf(b), maxLength: Math.max(...b.lengths),
    wallMs: train.wallMs, kernelMs: sum(train.kernels), kernels: train.kernels.length, byName: group((k) => k.name),
    byShape: group((k) => `${k.name} ${shapesKey(k.inputShapes.map((s) => shape(s as number[])))}`).slice(0, 25),
    forward: { wallMs: forward.wallMs, kernelMs: sum(forward.kernels), kernels: forward.kernels.length },
  };
}

/** Runs a child (its progress and errors go to this stderr); undefined, with a note, when it fails. */
function runChild<T>(spec: ChildSpec, notes: string[]): T | undefined {
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, ['--conditions=@oar/source', '--import', 'tsx', self, '--child', JSON.stringify(spec)],
    { encoding: 'utf8', timeout: 3_600_000, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status === 0) return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as T;
  const why = run.error ? run.error.message : run.signal ? `signal ${run.signal}` : `exit status ${run.status}`;
  notes.push(`${spec.system}: FAILED (${why}; its error is printed above)`);
  process.stderr.write(`failed: ${spec.system} (${why})\n`);
  return undefined;
}

function runTorch(spec: Omit<ChildSpec, 'system' | 'threads'>, mode: 'padded' | 'packed', torchThreads: number, blasThreads: number): { info: string; result: Result } {
  const script = fileURLToPath(new URL('./lstm_torch.py', import.meta.url));
  const env = { ...process.env, LD_LIBRARY_PATH: openBlasDir, OPENBLAS_NUM_THREADS: String(blasThreads) };
  const args = { ...spec, mode, torchThreads, learningRate: LEARNING_RATE, emb: EMB, hidden: HIDDEN, vocab: VOCAB };
  const run = spawnSync('/usr/bin/python3', [script, JSON.stringify(args)],
    { encoding: 'utf8', env, timeout: 3_600_000, stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`torch failed (status ${run.status}${run.error ? `, ${run.error.message}` : ''})`);
  const [first, second] = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const libraries = (first!['libraries'] as string[]).join(', ');
  if (first!['blas'] !== 'OpenBLAS') throw new Error(`torch did not load OpenBLAS: ${libraries}`);
  const info = `torch ${first!['torch']} (${mode}): ${first!['blas']} (${libraries}), torch ${first!['torchThreads']} thread(s) + OpenBLAS ${first!['openblasThreads']}`;
  const name = `PyTorch nn.LSTM ${mode}, torch ${torchThreads}T + OpenBLAS ${blasThreads}T`;
  return { info, result: { ...(second as unknown as Result), name } };
}

function printTable(rows: Result[], tfjs: Result | undefined, torch: Result | undefined): void {
  const ratio = (r: Result, to: Result | undefined) => (to === undefined ? '—' : (r.tokensPerSecond / to.tokensPerSecond).toFixed(2));
  const header = ['system', 'tokens/s', 'overall', 'ms/batch', 'min–max', 'loss first→last', '× tfjs-layers', '× PyTorch'];
  const lines = [header, ...rows.map((r) => [
    r.name, r.tokensPerSecond.toFixed(0), r.overall.toFixed(0), r.msPerBatch.toFixed(0), `${r.msMin.toFixed(0)}–${r.msMax.toFixed(0)}`,
    `${r.firstLoss.toFixed(3)}→${r.lastLoss.toFixed(3)}`, ratio(r, tfjs), ratio(r, torch),
  ])];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  for (const l of lines) console.log(l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
}

function printProfile(p: Profile): void {
  const pct = (ms: number) => `${((100 * ms) / p.kernelMs).toFixed(1)}%`;
  console.log(`\nProfile of one Oar training step (${p.group ? 'lstmemoryGroup ×2, group' : 'simpleLstm ×2, fused'}, wasm ${p.threads}T; ${p.tokens} tokens, longest ${p.maxLength}; tf.profile):`);
  console.log(`  train step: ${p.wallMs.toFixed(0)} ms wall under the profiler, ${p.kernels} kernels, ${p.kernelMs.toFixed(0)} ms in kernels, ${(p.wallMs - p.kernelMs).toFixed(0)} ms outside them`);
  console.log(`  forward alone (network.evaluate): ${p.forward.wallMs.toFixed(0)} ms wall, ${p.forward.kernels} kernels, ${p.forward.kernelMs.toFixed(0)} ms in kernels`);
  const show = (title: string, rows: KernelRow[], n: number) => {
    console.log(`  ${title}`);
    const w = Math.max(...rows.slice(0, n).map((r) => r.key.length));
    for (const r of rows.slice(0, n)) {
      const us = (ms: number) => (1000 * ms).toFixed(0).padStart(7);
      const calls = `${String(r.calls).padStart(6)} calls`;
      console.log(`    ${r.key.padEnd(w)}  ${r.ms.toFixed(1).padStart(7)} ms  ${pct(r.ms).padStart(6)}  ${calls}  µs/call: mean ${us(r.ms / r.calls)}, median ${us(r.medianMs)}, max ${us(r.maxMs)}`);
    }
  };
  show('by kernel:', p.byName, 15);
  show('by kernel and input shapes (b = rows of a step, 2–64 running sequences):', p.byShape, 25);
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const warmup = argValue('--warmup', quick ? 1 : 2);
  const steps = argValue('--steps', quick ? 2 : 10);
  const slowSteps = Math.min(steps, argValue('--slow-steps', quick ? 1 : 3));
  const at = process.argv.indexOf('--systems');
  const systems = at < 0 ? SYSTEMS : process.argv[at + 1]!.split(',').filter((x) => x !== '');
  const unknown = systems.filter((x) => !SYSTEMS.includes(x));
  if (unknown.length > 0) throw new Error(`--systems: unknown ${unknown.join(', ')}; allowed: ${SYSTEMS.join(', ')}`);
  const batches = makeBatches(warmup + steps, 20260101);
  const dir = mkdtempSync(join(tmpdir(), 'oar-bench-lstm-'));
  const data = join(dir, 'batches.json');
  writeFileSync(data, JSON.stringify({ batches, short: batches.slice(0, warmup).map((b) => cutBatch(b, 32)) } satisfies DataFile));
  const describe = (timed: Batch[]) => {
    const real = timed.reduce((a, b) => a + tokensOf(b), 0);
    const padded = timed.reduce((a, b) => a + BATCH * Math.max(...b.lengths), 0);
    return `mean length ${(real / timed.length / BATCH).toFixed(1)}, mean longest ${(padded / timed.length / BATCH).toFixed(0)}, real tokens ${((100 * real) / padded).toFixed(0)}% of the padded batch`;
  };
  const notes = [
    `${new Date().toISOString()}; load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${cores} cores`,
    `batches of ${BATCH}: ${warmup} warm-up + ${steps} timed (${describe(batches.slice(warmup))}); slow systems time the first ${slowSteps} (${describe(batches.slice(warmup, warmup + slowSteps))})`,
  ];
  const rows: Result[] = [];
  const add = (r: Result | undefined) => {
    if (r !== undefined) {
      rows.push(r);
      process.stderr.write(`done: ${r.name}: ${r.tokensPerSecond.toFixed(0)} tokens/s, ${r.msPerBatch.toFixed(0)} ms/batch\n`);
    }
    return r;
  };
  try {
    const base = { data, warmup, steps, threads: argValue('--threads', cores), shortWarmup: false };
    const slow = { ...base, steps: slowSteps, shortWarmup: true };
    if (systems.includes('oar-fused')) add(runChild<Result>({ ...base, system: 'oar-fused' }, notes));
    if (systems.includes('oar-group')) add(runChild<Result>({ ...base, system: 'oar-group' }, notes));
    const maxLen = argValue('--tfjs-max-len', 200);
    if (maxLen > 0) {
      const slowBatches = batches.slice(warmup, warmup + slowSteps);
      const kept = slowBatches.reduce((a, b) => a + tokensOf(cutBatch(b, maxLen)), 0) / slowBatches.reduce((a, b) => a + tokensOf(b), 0);
      notes.push(`tfjs-layers: sequences cut to ${maxLen} ids keep ${(100 * kept).toFixed(1)}% of the tokens of its timed batches`);
    }
    const tfjs = systems.includes('tfjs-layers') ? add(runChild<Result>({ ...slow, system: 'tfjs-layers', maxLen }, notes)) : undefined;
    const torchRows: Result[] = [];
    const torch = (spec: Omit<ChildSpec, 'system' | 'threads'>, mode: 'padded' | 'packed', split: readonly [number, number]) => {
      const { info, result } = runTorch(spec, mode, split[0], split[1]);
      notes.push(info);
      torchRows.push(add(result)!);
      return result;
    };
    let bestSplit: readonly [number, number] = [1, 2];
    if (systems.includes('torch-padded')) {
      // PyTorch's steps are short: whole cycles over the timed batches, at least 10 steps.
      const spec = { ...base, steps: steps * Math.ceil(10 / steps) };
      if (base.threads === 1) {
        bestSplit = [1, 1];
        torch(spec, 'padded', bestSplit);
      } else {
        const a = torch(spec, 'padded', [1, 2]);
        const b = torch(spec, 'padded', [2, 1]);
        if (b.tokensPerSecond > a.tokensPerSecond) bestSplit = [2, 1];
      }
    }
    if (systems.includes('torch-packed')) torch(slow, 'packed', bestSplit);
    const best = torchRows.reduce<Result | undefined>((a, b) => (a === undefined || b.tokensPerSecond > a.tokensPerSecond ? b : a), undefined);
    notes.push(`× PyTorch is to the best PyTorch row${best ? ` (${best.name})` : ''}; load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`2-layer LSTM text classifier (batch ${BATCH}, vocab ${VOCAB}, emb ${EMB}, hidden ${HIDDEN}, Adam), training tokens/s`);
    console.log('(real tokens; tokens/s and ms/batch: medians over the timed batches; overall: all tokens / all time)');
    printTable(rows, tfjs, best);
    for (const note of notes) console.log(note);
    if (!process.argv.includes('--no-profile')) {
      const profile = runChild<Profile>({ ...base, steps: 1, system: 'profile', group: process.argv.includes('--profile-group') }, notes);
      if (profile) printProfile(profile);
      else console.log(notes.at(-1));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--child');
if (at >= 0) {
  const spec = JSON.parse(process.argv[at + 1]!) as ChildSpec;
  const data = JSON.parse(readFileSync(spec.data, 'utf8')) as DataFile;
  const run = { 'oar-fused': oarChild, 'oar-group': oarChild, 'tfjs-layers': tfjsLayersChild, profile: profileChild }[spec.system];
  console.log(JSON.stringify(await run(spec, childBatches(spec, data))));
} else {
  await main();
}
