// Training images/s of the Fashion-MNIST conv net (examples/fashion-mnist/config.ts) in Oar, beside the same
// architecture in tfjs-layers and in PyTorch, in one run:
//   npx tsx bench/fashion-cnn.ts [--steps N] [--cpu-batch N] [--skip-cpu] [--splits]
// Net: imgConvBnPool(5×5, 32, pad 2) → imgConvBnPool(5×5, 64, pad 2) → fc 128 relu (dropout 0.3) → fc 10 softmax,
// classification cost, Adam 1e-3, batch 64 of real Fashion-MNIST training images (@oar/data's fashionMnist).
// Each configuration runs in its own child process (one wasm module per process):
//   - Oar on wasm (threads = cores) and on tfjs's pure-JS cpu backend (one short step: ~3 s per image):
//     the config's build(), then per batch what `oar train` does: Feeds.fromSamples, Network.trainStep,
//     LocalUpdater.update, the batch-norm statistics written back;
//   - tfjs-layers on the same wasm backend (Oar's kernels registered): tf.sequential of conv2d,
//     batchNormalization, maxPooling2d, dense, dropout; model.trainOnBatch;
//   - PyTorch from Debian (/usr/bin/python3, bench/fashion_cnn_torch.py) with OpenBLAS's pthreads build chosen
//     by LD_LIBRARY_PATH and checked in the child's /proc/self/maps, channels_last, torch 2 threads + OpenBLAS
//     1 (the best split here, /work/shared/probes/RESULTS.md; --splits also runs 1+2 and 2+2).
// Figures: median step time over the timed steps (after warm-up steps), each step on its own batch.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

type System = 'oar' | 'tfjs-layers';
interface ChildSpec { system: System; backend: 'wasm' | 'cpu'; threads: number; batch: number; warmup: number; steps: number }
interface Result { name: string; batch: number; steps: number; msPerStep: number; msMin: number; msMax: number; imagesPerSecond: number }

const cores = availableParallelism();
const openBlasDir = '/usr/lib/x86_64-linux-gnu/openblas-pthread';
const argValue = (flag: string, fallback: number): number => {
  const at = process.argv.indexOf(flag);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};

/** The first `count` batches of `batch` training samples, read with the config's own reader. */
async function readBatches(reader: () => AsyncIterable<unknown> | Iterable<unknown>, batch: number, count: number): Promise<unknown[][]> {
  const batches: unknown[][] = [[]];
  for await (const sample of reader()) {
    const last = batches.at(-1)!;
    if (last.length === batch) {
      if (batches.length === count) break;
      batches.push([sample]);
    } else {
      last.push(sample);
    }
  }
  return batches;
}

function summarize(name: string, batch: number, times: number[]): Result {
  const sorted = [...times].sort((a, b) => a - b);
  const msPerStep = sorted[sorted.length >> 1]!;
  return { name, batch, steps: times.length, msPerStep, msMin: sorted[0]!, msMax: sorted.at(-1)!, imagesPerSecond: (1000 * batch) / msPerStep };
}

/** Child: Oar's training step (what `oar train` does per batch), timed. */
async function oarChild(spec: ChildSpec): Promise<Result> {
  const { Topology } = await import('@oar/layers');
  const { Feeds, initBackend, LocalUpdater, Network, Parameters } = await import('@oar/worker');
  const { default: config } = await import('../examples/fashion-mnist/config.js');
  const info = await initBackend({ backend: spec.backend, threads: spec.threads, log: () => {} });
  const setup = await config.build({ learningRate: 1e-3, data: undefined }, { batchSize: spec.batch, seed: 1 });
  const costs = Array.isArray(setup.cost) ? setup.cost : [setup.cost];
  const topology = Topology.fromOutputs([...costs, setup.output]);
  const network = new Network(topology);
  const params = Parameters.create(topology, { seed: 1 });
  const updater = new LocalUpdater(params, setup.optimizer);
  const batches = await readBatches(setup.train as () => AsyncIterable<unknown>, spec.batch, spec.warmup + spec.steps);
  const times: number[] = [];
  let processed = 0;
  for (const [i, samples] of batches.entries()) {
    const t0 = performance.now();
    const feeds = Feeds.fromSamples(topology, samples);
    const step = network.trainStep(feeds, params, i + 1);
    updater.update(params, step.gradients, { numSamplesProcessed: processed, pass: 0 });
    for (const [name, value] of step.statics) params.set(name, value);
    processed += samples.length;
    if (i >= spec.warmup) times.push(performance.now() - t0);
  }
  return summarize(`Oar, ${info.name}${info.threads === undefined ? '' : ` ${info.threads}T`}`, spec.batch, times);
}

/** Child: the same architecture in tfjs-layers (model.trainOnBatch) on Oar's wasm backend, timed. */
async function tfjsLayersChild(spec: ChildSpec): Promise<Result> {
  const { initBackend } = await import('@oar/worker');
  const { fashionMnist } = await import('@oar/data');
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = await import('@tensorflow/tfjs-layers');
  const info = await initBackend({ backend: spec.backend, threads: spec.threads, log: () => {} });
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 5, padding: 'same' }),
      tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 5, padding: 'same' }),
      tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 128, activation: 'relu' }),
      tfl.layers.dropout({ rate: 0.3 }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const batches = await readBatches(fashionMnist.train() as () => AsyncIterable<unknown>, spec.batch, spec.warmup + spec.steps);
  const times: number[] = [];
  for (const [i, samples] of batches.entries()) {
    const pixels = new Float32Array(samples.length * 784);
    const labels = new Int32Array(samples.length);
    (samples as Array<[Float32Array, number]>).forEach(([image, label], k) => { pixels.set(image, k * 784); labels[k] = label; });
    const t0 = performance.now();
    const [x, y] = [tf.tensor4d(pixels, [samples.length, 28, 28, 1]), tf.oneHot(tf.tensor1d(labels, 'int32'), 10)];
    await model.trainOnBatch(x, y);
    tf.dispose([x, y]);
    if (i >= spec.warmup) times.push(performance.now() - t0);
  }
  return summarize(`tfjs-layers, ${info.name}${info.threads === undefined ? '' : ` ${info.threads}T`}`, spec.batch, times);
}

function runChild(spec: ChildSpec): Result {
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, ['--conditions=@oar/source', '--import', 'tsx', self, '--child', JSON.stringify(spec)],
    { encoding: 'utf8', timeout: 900_000 });
  if (run.status !== 0) throw new Error(`child ${JSON.stringify(spec)} failed: ${run.stderr || run.error}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Result;
}

function runTorch(torchThreads: number, blasThreads: number, steps: number): { info: string; result: Result } {
  const script = fileURLToPath(new URL('./fashion_cnn_torch.py', import.meta.url));
  const env = { ...process.env, LD_LIBRARY_PATH: openBlasDir, OPENBLAS_NUM_THREADS: String(blasThreads) };
  const spec = { batch: 64, torchThreads, steps, layout: 'channels_last' };
  const run = spawnSync('/usr/bin/python3', [script, JSON.stringify(spec)], { encoding: 'utf8', env, timeout: 600_000 });
  if (run.status !== 0) throw new Error(`torch failed: ${run.stderr || run.error}`);
  const [first, second] = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const libraries = (first!['libraries'] as string[]).join(', ');
  const info = `torch ${first!['torch']} (mkldnn ${first!['mkldnn']}), ${first!['blas']} (${libraries}), torch ${torchThreads} thread(s) + OpenBLAS ${blasThreads}`;
  const name = `PyTorch, torch ${torchThreads}T + OpenBLAS ${blasThreads}T, channels_last`;
  const result: Result = {
    name, batch: second!['batch'] as number, steps: second!['steps'] as number, msPerStep: second!['msPerStep'] as number,
    msMin: second!['msMin'] as number, msMax: second!['msMax'] as number, imagesPerSecond: second!['imagesPerSecond'] as number,
  };
  return { info, result };
}

async function main(): Promise<void> {
  const steps = argValue('--steps', 20);
  const cpuBatch = argValue('--cpu-batch', 8);
  const rows: Result[] = [];
  const notes: string[] = [`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${cores} cores`];
  const add = (result: Result) => { rows.push(result); process.stderr.write(`done: ${result.name}\n`); };
  add(runChild({ system: 'oar', backend: 'wasm', threads: cores, batch: 64, warmup: 3, steps }));
  add(runChild({ system: 'tfjs-layers', backend: 'wasm', threads: cores, batch: 64, warmup: 3, steps }));
  if (!process.argv.includes('--skip-cpu')) add(runChild({ system: 'oar', backend: 'cpu', threads: 1, batch: cpuBatch, warmup: 0, steps: 1 }));
  const splits = process.argv.includes('--splits') ? [[2, 1], [1, 2], [2, 2]] : [[2, 1]];
  const torchRows: Result[] = [];
  for (const [torchThreads, blasThreads] of splits) {
    const torch = runTorch(torchThreads!, blasThreads!, Math.max(steps, 30));
    notes.push(torch.info);
    torchRows.push(torch.result);
    add(torch.result);
  }
  const best = torchRows.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
  notes.push(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const header = ['system', 'batch', 'steps', 'ms/step (median)', 'min–max', 'images/s', '× PyTorch'];
  const lines = [header, ...rows.map((r) => [
    r.name, String(r.batch), String(r.steps), r.msPerStep.toFixed(1), `${r.msMin.toFixed(0)}–${r.msMax.toFixed(0)}`,
    r.imagesPerSecond.toFixed(r.imagesPerSecond < 10 ? 2 : 0), (r.imagesPerSecond / best.imagesPerSecond).toFixed(r.imagesPerSecond < 10 ? 4 : 2),
  ])];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  console.log(`Fashion-MNIST conv net, training images/s (ratio to ${best.name})`);
  for (const l of lines) console.log(l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  for (const note of notes) console.log(note);
}

const at = process.argv.indexOf('--child');
if (at >= 0) {
  const spec = JSON.parse(process.argv[at + 1]!) as ChildSpec;
  const result = spec.system === 'oar' ? await oarChild(spec) : await tfjsLayersChild(spec);
  console.log(JSON.stringify(result));
} else {
  await main();
}
