import { isLayerOutput, Topology, type LayerOutput } from '@oar/layers';
import type { OptimizerConfig } from '@oar/pserver';
import { ConfigError } from '../errors.js';
import { Feeds, type Feeding } from '../executor/feeds.js';
import { Network } from '../executor/Network.js';
import type { Parameters } from '../Parameters.js';
import { Random } from '../Parameters.js';
import { MetricAccumulator, type EventHandler, type Metrics } from './events.js';
import { LocalUpdater } from './LocalUpdater.js';
import type { Updater } from './Updater.js';

/** A reader of batches: a zero-argument function returning an iterator of sample arrays. @paddle paddle.batch(reader) */
export type BatchReader = () => Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>;

export interface SGDArgs {
  /** The cost layer(s) to minimise, or their traced topology. */
  cost: LayerOutput | LayerOutput[] | Topology;
  parameters: Parameters;
  /** The update rule: `{ type: 'momentum', learningRate: 0.01, momentum: 0.9 }`, ... */
  updateEquation: OptimizerConfig;
  /** Seed of dropout masks. */
  seed?: number;
  /**
   * Where gradients go: by default a LocalUpdater (update rules in this process); a RemoteUpdater trains
   * with parameter servers. Given as a function of the traced network, since a remote updater needs it.
   */
  updater?: (network: Network) => Updater;
}

export interface TrainArgs {
  reader: BatchReader;
  numPasses?: number;
  eventHandler?: EventHandler;
  feeding?: Feeding;
  /** Number of the first pass (to continue a run). */
  startPass?: number;
  /** Tested after every pass, reported as a TestResult event. */
  testReader?: BatchReader;
}

/**
 * Trains a network on one machine: forward and backward with tfjs, updates on the host with the same
 * rules a parameter server runs.
 * @paddle paddle.trainer.SGD
 * @example
 * const trainer = new SGD({ cost, parameters, updateEquation: { type: 'adam', learningRate: 1e-3 } });
 * await trainer.train({ reader: batch(shuffle(train, 8192), 64), numPasses: 2, eventHandler: (e) => console.log(e) });
 */
export class SGD {
  readonly network: Network;
  readonly parameters: Parameters;
  readonly updater: Updater;
  readonly #random: Random;
  #samplesProcessed = 0;

  constructor(args: SGDArgs) {
    if (!args || typeof args !== 'object') throw new ConfigError(`SGD: expected an options object, got ${String(args)}`);
    const topology = args.cost instanceof Topology ? args.cost : topologyOf(args.cost);
    this.network = new Network(topology);
    if (this.network.costLayers.length === 0) {
      throw new ConfigError('SGD: cost must include a cost layer (layer.classificationCost, layer.squareErrorCost, ...)');
    }
    this.parameters = args.parameters;
    this.updater = args.updater ? args.updater(this.network) : new LocalUpdater(args.parameters, args.updateEquation);
    this.#random = new Random(args.seed ?? 1);
  }

  get topology(): Topology {
    return this.network.topology;
  }

  /** Samples trained on so far (drives learning-rate schedules). */
  get samplesProcessed(): number {
    return this.#samplesProcessed;
  }

  set samplesProcessed(n: number) {
    this.#samplesProcessed = n;
  }

  async train(args: TrainArgs): Promise<void> {
    const { reader, numPasses = 1, eventHandler = () => {}, feeding, startPass = 0 } = args;
    if (typeof reader !== 'function') throw new ConfigError(`SGD.train: reader must be a function returning batches, got ${typeof reader}`);
    if (!Number.isInteger(numPasses) || numPasses < 1) throw new ConfigError(`SGD.train: numPasses must be a positive integer, got ${numPasses}`);
    await this.updater.start?.(this.parameters);
    for (let pass = startPass; pass < startPass + numPasses; pass++) {
      await eventHandler({ kind: 'BeginPass', pass });
      const totals = new MetricAccumulator();
      let batchId = 0;
      // Time between one batch's end and the next batch's arrival is time the trainer waits on data.
      const passStart = performance.now();
      let dataWait = 0;
      let mark = passStart;
      for await (const samples of reader()) {
        dataWait += performance.now() - mark;
        await eventHandler({ kind: 'BeginIteration', pass, batch: batchId });
        const feeds = Feeds.fromSamples(this.topology, samples, feeding);
        if (this.updater.prepare) await this.updater.prepare(this.parameters, this.network.tableRowIds(feeds));
        const seed = Math.floor(this.#random.uniform() * 2 ** 31);
        const step = this.network.trainStep(feeds, this.parameters, seed);
        await this.updater.update(this.parameters, step.gradients, { numSamplesProcessed: this.#samplesProcessed, pass, samples: step.samples });
        for (const [name, value] of step.statics) this.parameters.set(name, value);
        this.#samplesProcessed += samples.length;
        totals.add(step.cost, step.samples, step.evaluators);
        const batchMetrics = new MetricAccumulator();
        batchMetrics.add(step.cost, step.samples, step.evaluators);
        await eventHandler({ kind: 'EndIteration', pass, batch: batchId, cost: step.cost, samples: samples.length, metrics: batchMetrics.metrics() });
        batchId++;
        mark = performance.now();
      }
      dataWait += performance.now() - mark;
      const seconds = (performance.now() - passStart) / 1000;
      await this.updater.finishPass?.(this.parameters, pass);
      await eventHandler({ kind: 'EndPass', pass, cost: totals.cost, metrics: totals.metrics(), seconds, dataWaitSeconds: dataWait / 1000 });
      if (args.testReader) {
        const result = await this.test({ reader: args.testReader, ...(feeding ? { feeding } : {}) });
        await eventHandler({ kind: 'TestResult', pass, ...result });
      }
    }
  }

  /** Average cost and metrics over a reader, in inference mode (no dropout, moving statistics). */
  async test(args: { reader: BatchReader; feeding?: Feeding }): Promise<{ cost: number; metrics: Metrics }> {
    const totals = new MetricAccumulator();
    for await (const samples of args.reader()) {
      const feeds = Feeds.fromSamples(this.topology, samples, args.feeding);
      const result = this.network.evaluate(feeds, this.parameters);
      totals.add(result.cost, result.samples, result.evaluators);
    }
    return { cost: totals.cost, metrics: totals.metrics() };
  }
}

function topologyOf(cost: unknown): Topology {
  const list = Array.isArray(cost) ? cost : [cost];
  list.forEach((c, i) => {
    if (!isLayerOutput(c)) throw new ConfigError(`SGD: cost[${i}] must be a layer (e.g. layer.classificationCost(...)), got ${typeof c}`);
  });
  return Topology.fromOutputs(list as LayerOutput[]);
}
