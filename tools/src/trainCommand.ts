import { appendFile, mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import { batch, shuffle, type Reader } from '@oar/data';
import type { CurveClientOptions, SyncMode } from '@oar/pserver';
import { Topology } from '@oar/layers';
import {
  countSamples, generate, initBackend, Parameters, RemoteUpdater, SGD, taskBatches, type BackendName, type BatchReader, type TrainerEvent,
} from '@oar/worker';
import { loadConfig, parseConfigOptions } from './loadConfig.js';
import { plotCurves, type CurvePoint } from './plotCurves.js';
import { loadPass, newestPass, savePass, type PassMeta } from './runDir.js';
import { UsageError } from './UsageError.js';

export const DEFAULT_CONFIG = fileURLToPath(new URL('../../examples/spam/config.ts', import.meta.url));

export interface TrainOptions {
  config?: string;
  numPasses: number;
  batchSize?: number;
  saveDir?: string;
  backend?: BackendName;
  seed: number;
  resume: boolean;
  shuffleBuffer: number;
  /** Train as trainer `trainerId` of `numTrainers` with parameter servers (`oar worker`). */
  cluster?: ClusterOptions;
}

export interface ClusterOptions {
  pservers: string[];
  trainerId: number;
  numTrainers: number;
  mode: SyncMode;
  /** Samples per task the master deals (default: the batch size). */
  taskSize?: number;
  /** Seconds to wait for a pserver that answers nothing (it may be restarting) before giving up. */
  pserverTimeout?: number;
  curve?: CurveClientOptions;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** `oar train`: trains a config module on this machine, saving every pass, its metrics and a plot. */
export async function trainCommand(opts: TrainOptions, extraArgs: string[]): Promise<void> {
  const started = Date.now();
  await initBackend({ log: (line) => log(`oar: ${line}`), ...(opts.backend ? { backend: opts.backend } : {}) });
  const { config, path } = await loadConfig(opts.config ?? DEFAULT_CONFIG);
  const parsed = parseConfigOptions(config, relative(process.cwd(), path), extraArgs);
  const saveDir = opts.saveDir ?? defaultSaveDir(path);
  const cluster = opts.cluster;
  if (cluster && opts.resume) throw new UsageError('--resume: cluster training resumes from the pservers\' checkpoints, not from a pass folder (not built yet)');
  // In a cluster only trainer 0 tests, evaluates and saves; every trainer appends its batches to metrics.jsonl.
  const lead = !cluster || cluster.trainerId === 0;
  const resumeFrom = opts.resume ? await newestPass(saveDir) : undefined;
  if (opts.resume && !resumeFrom) throw new UsageError(`--resume: ${saveDir} has no pass-NNNNN folder to resume from`);
  const resumed = resumeFrom ? await loadPass(resumeFrom) : undefined;
  const batchSize = opts.batchSize ?? resumed?.meta.batchSize;
  // Resuming keeps the saved options; flags given now override them (a changed model is refused below).
  const options = resumed ? { ...resumed.meta.options, ...parsed.given } : parsed.options;
  const setup = await config.build(options, {
    batchSize: batchSize ?? 64, seed: opts.seed, ...(resumed ? { saved: resumed.state } : {}),
  });
  const size = batchSize ?? setup.batchSize ?? 64;
  const costs = Array.isArray(setup.cost) ? setup.cost : [setup.cost];
  const topology = Topology.fromOutputs([...costs, setup.output]);
  const outputName = topology.outputNames.at(-1)!;
  const parameters = resumed ? resumed.params : Parameters.create(topology, { seed: opts.seed });
  if (resumed && resumed.topology.serialize() !== topology.serialize()) {
    throw new UsageError(`--resume: the model in ${resumeFrom} differs from what ${relative(process.cwd(), path)} builds now; use another --save-dir`);
  }
  const generatorTopology = setup.generator ? Topology.fromOutputs(setup.generator) : undefined;
  if (generatorTopology) {
    const untrained = generatorTopology.parameters.filter((p) => !topology.parameters.some((q) => q.name === p.name && q.size === p.size));
    if (untrained.length) throw new UsageError(`the generator's parameters ${untrained.map((p) => p.name).join(', ')} are not trained by the cost; name them as in the training network`);
  }
  let remote: RemoteUpdater | undefined;
  const trainer = new SGD({
    cost: topology, parameters, updateEquation: setup.optimizer, seed: opts.seed,
    ...(cluster ? {
      updater: (network) => (remote = new RemoteUpdater(topology, parameters, setup.optimizer, {
        pservers: cluster.pservers, trainerId: cluster.trainerId, numTrainers: cluster.numTrainers, mode: cluster.mode,
        tables: network.tableParameters, log: (line) => log(`oar: ${line}`),
        ...(cluster.pserverTimeout ? { pserverTimeoutMs: cluster.pserverTimeout * 1000 } : {}), ...(cluster.curve ? { curve: cluster.curve } : {}),
      })),
    } : {}),
  });
  if (resumed) {
    trainer.updater.loadState?.(resumed.optimizer);
    trainer.samplesProcessed = resumed.meta.samplesProcessed;
    log(`oar: resuming from ${resumeFrom} (pass ${resumed.meta.pass})`);
  }
  await mkdir(saveDir, { recursive: true });
  const metricsFile = join(saveDir, 'metrics.jsonl');
  const plotFile = join(saveDir, 'curves.svg');
  const points: CurvePoint[] = [];
  const startPass = resumed ? resumed.meta.pass + 1 : 0;
  const progress = new Progress();
  const meta = (pass: number): PassMeta => ({
    pass, samplesProcessed: trainer.samplesProcessed, config: path, options,
    output: outputName, seed: opts.seed, batchSize: size,
  });
  const evaluate = async (pass: number) => {
    if (!setup.evaluate || !generatorTopology) return;
    const t0 = Date.now();
    const metrics = await setup.evaluate((sources, overrides) => generate({ generator: generatorTopology, parameters, input: sources, ...overrides }));
    await appendFile(metricsFile, `${JSON.stringify({ event: 'eval', pass, metrics })}\n`);
    for (const [name, value] of Object.entries(metrics)) if (value <= 1) points.push({ step: trainer.samplesProcessed, value, series: `eval ${name}`, chart: 'error' });
    log(`oar: pass ${pass} evaluation${formatMetrics(metrics)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  };
  const finishPass = async (pass: number) => {
    await evaluate(pass);
    const dir = await savePass(saveDir, meta(pass), topology, parameters, trainer.updater, setup.state, generatorTopology);
    await plotCurves(points, plotFile, `oar train ${relative(process.cwd(), path)}`);
    log(`oar: saved ${dir}; curves in ${plotFile}`);
  };
  const handler = async (event: TrainerEvent) => {
    if (event.kind === 'BeginPass') progress.start(event.pass);
    if (event.kind === 'EndIteration') {
      const who = cluster ? { trainer: cluster.trainerId } : {};
      // The task this batch completed, as the master counted it: each task of a pass appears once.
      const task = remote?.takeCompletedTask();
      const done = task ? { task: task.task, taskSamples: task.samples } : {};
      await appendFile(metricsFile, `${JSON.stringify({ pass: event.pass, batch: event.batch, cost: event.cost, ...who, ...done })}\n`);
      points.push({ step: trainer.samplesProcessed, value: event.cost, series: 'train cost (batch)', chart: 'cost' });
      progress.tick(event.batch, event.cost, event.metrics.classification_error);
    }
    if (event.kind === 'EndPass') {
      progress.stop();
      const waitShare = event.seconds > 0 ? event.dataWaitSeconds / event.seconds : 0;
      await appendFile(metricsFile, `${JSON.stringify({
        event: 'pass', pass: event.pass, cost: event.cost, metrics: event.metrics, seconds: event.seconds, dataWaitSeconds: event.dataWaitSeconds,
        ...(cluster ? { trainer: cluster.trainerId } : {}),
      })}\n`);
      log(`oar: pass ${event.pass} train cost ${event.cost.toFixed(4)}${formatMetrics(event.metrics)} (${((Date.now() - started) / 1000).toFixed(0)} s; waited on data ${(100 * waitShare).toFixed(1)} %)`);
      if (!setup.test && lead) await finishPass(event.pass);
    }
    if (event.kind === 'TestResult') {
      await appendFile(metricsFile, `${JSON.stringify({ event: 'test', pass: event.pass, cost: event.cost, metrics: event.metrics })}\n`);
      points.push({ step: trainer.samplesProcessed, value: event.cost, series: 'test cost', chart: 'cost' });
      for (const [name, value] of Object.entries(event.metrics)) points.push({ step: trainer.samplesProcessed, value, series: `test ${name}`, chart: 'error' });
      log(`oar: pass ${event.pass} test cost ${event.cost.toFixed(4)}${formatMetrics(event.metrics)}`);
      await finishPass(event.pass);
    }
  };
  const train = setup.train as Reader<unknown>;
  const trainReader = cluster
    ? await clusterBatches(remote!, train, opts, cluster, size)
    : batch(shuffle(train, opts.shuffleBuffer, { seed: opts.seed }), size) as unknown as BatchReader;
  const testReader = setup.test && lead ? (batch(setup.test as Reader<unknown>, size) as unknown as BatchReader) : undefined;
  try {
    await trainer.train({
      reader: trainReader, numPasses: opts.numPasses, eventHandler: handler, startPass,
      ...(setup.feeding ? { feeding: setup.feeding } : {}), ...(testReader ? { testReader } : {}),
    });
  } finally {
    remote?.close();
  }
  log(`oar: done in ${((Date.now() - started) / 1000).toFixed(1)} s; metrics in ${metricsFile}`);
}

/**
 * A cluster trainer's batches: tasks the master deals, chunks of the pass that every trainer shuffles alike
 * (pass p with seed + p), so a dead trainer's tasks can be dealt to another.
 */
async function clusterBatches(remote: RemoteUpdater, train: Reader<unknown>, opts: TrainOptions, cluster: ClusterOptions, size: number): Promise<BatchReader> {
  const numSamples = await countSamples(train);
  const taskSize = cluster.taskSize ?? size;
  if (numSamples === 0) throw new UsageError('the training reader yields no samples');
  log(`oar: ${numSamples} training samples, ${Math.ceil(numSamples / taskSize)} tasks of ${taskSize} per pass, dealt by the master (pserver 0)`);
  return taskBatches(remote, {
    passReader: (pass) => shuffle(train, opts.shuffleBuffer, { seed: opts.seed + pass }), numSamples, taskSize, batchSize: size,
  });
}

/** `runs/NAME`, NAME the config's folder (or file) name. */
export function defaultSaveDir(config = DEFAULT_CONFIG): string {
  return join('runs', configName(config));
}

function configName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts.at(-1) === 'config.ts' || parts.at(-1) === 'config.js' ? parts.at(-2)! : parts.at(-1)!.replace(/\.[jt]s$/, '');
}

export function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics).map(([k, v]) => `, ${k} ${v.toFixed(4)}`).join('');
}

/** A progress bar on a terminal; on a pipe, a line every 50 batches. */
class Progress {
  #bar: cliProgress.SingleBar | undefined;
  #pass = 0;
  #batchesLastPass = 0;

  start(pass: number): void {
    this.#pass = pass;
    if (!process.stderr.isTTY) return;
    this.#bar = new cliProgress.SingleBar({
      stream: process.stderr,
      format: `pass ${pass} [{bar}] {value}/{total} batches | cost {cost} | error {error}`,
      hideCursor: true,
    }, cliProgress.Presets.shades_classic);
    this.#bar.start(this.#batchesLastPass || 1, 0, { cost: '-', error: '-' });
  }

  tick(batchId: number, cost: number, error: number | undefined): void {
    if (this.#bar) {
      if (batchId + 1 > this.#bar.getTotal()) this.#bar.setTotal(batchId + 1);
      this.#bar.update(batchId + 1, { cost: cost.toFixed(4), error: error === undefined ? '-' : error.toFixed(3) });
    } else if ((batchId + 1) % 50 === 0) {
      log(`oar: pass ${this.#pass} batch ${batchId + 1} cost ${cost.toFixed(4)}${error === undefined ? '' : ` error ${error.toFixed(3)}`}`);
    }
    this.#batchesLastPass = Math.max(this.#batchesLastPass, batchId + 1);
  }

  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}
