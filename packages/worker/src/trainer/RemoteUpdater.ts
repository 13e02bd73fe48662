import { createHash } from 'node:crypto';
import type { Topology } from '@oar/layers';
import {
  DEFAULT_BLOCK_SIZE, ParameterClient, planShards, type CurveClientOptions, type OptimizerConfig, type ParameterSpec, type ServerStats,
  type SyncMode,
} from '@oar/pserver';
import type { Gradients } from '../executor/Network.js';
import { ConfigError } from '../errors.js';
import type { Parameters } from '../Parameters.js';
import { parameterAttributes, type StepInfo, type Updater } from './Updater.js';

export interface RemoteUpdaterOptions {
  /** The pservers, in the same order on every trainer, e.g. `['tcp://10.0.0.1:7164', ...]`. */
  pservers: readonly string[];
  trainerId: number;
  numTrainers: number;
  /** Parameters read by rows (Network.tableParameters): spread over the pservers by row, pulled by row. */
  tables: readonly string[];
  /** Must match the pservers' mode. Default sync. */
  mode?: SyncMode;
  /** Floats per dense block. Default 65536. */
  blockSize?: number;
  /** Pull every value (tables whole) at the end of each pass, for testing and saving. Default: trainer 0 only. */
  pullAllAtPassEnd?: boolean;
  connectTimeoutMs?: number;
  /** Give up on a pserver silent this long (it may restart from its checkpoint meanwhile). Default 10 min. */
  pserverTimeoutMs?: number;
  /** Talk CURVE to the pservers: this trainer's key pair and their public key. */
  curve?: CurveClientOptions;
  log?: (line: string) => void;
}

/** A task (chunk of a pass) whose last batch this trainer's push completed, as the master counted it. */
export interface CompletedTask {
  pass: number;
  task: number;
  samples: number;
}

/**
 * The cluster half of SGD: pushes each step's gradients to the parameter servers and pulls the values the
 * next batch reads: every dense parameter, and only the rows of each table its ids touch. Trainer 0 sends
 * the initial values; the others wait for them. In sync mode a pull waits for the step every trainer
 * pushed to be applied, so M trainers train exactly like one process on the union of their batches.
 * Batches come from tasks the master deals (see `taskBatches`): the push of a task's last batch completes it.
 * A trainer dropped from the barrier (or restarted) takes up the pservers' current step at its next pull.
 * @paddle RemoteParameterUpdater (paddle/trainer/RemoteParameterUpdater.h)
 */
export class RemoteUpdater implements Updater {
  readonly client: ParameterClient;
  readonly mode: SyncMode;
  readonly modelHash: string;
  readonly #specs: ParameterSpec[];
  readonly #optimizer: OptimizerConfig;
  readonly #pullAll: boolean;
  readonly #log: (line: string) => void;
  /** Steps applied on the pservers that this trainer's values reflect. */
  #step = 0;
  #pass = 0;
  /** The task the next push completes (set by the batch reader before it yields that task's last batch). */
  #completes: { task: number; samples: number } | undefined;
  #completed: CompletedTask | undefined;

  constructor(topology: Topology, params: Parameters, optimizer: OptimizerConfig, options: RemoteUpdaterOptions) {
    this.mode = options.mode ?? 'sync';
    this.#optimizer = optimizer;
    this.#pullAll = options.pullAllAtPassEnd ?? options.trainerId === 0;
    this.#log = options.log ?? (() => {});
    const tables = new Set(options.tables);
    this.#specs = params.names().map((name) => params.config(name)).filter((p) => !p.is_static).map((p) => ({
      name: p.name,
      size: p.size,
      ...(tables.has(p.name) ? { table: { rows: p.dims[0]!, width: p.dims[1]! } } : {}),
      attrs: parameterAttributes(p),
    }));
    const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.modelHash = createHash('sha256').update(topology.serialize()).update(JSON.stringify({ optimizer, blockSize, tables: [...tables].sort() })).digest('hex');
    this.client = ParameterClient.connect({
      endpoints: options.pservers, trainerId: options.trainerId, numTrainers: options.numTrainers, log: this.#log,
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      ...(options.pserverTimeoutMs !== undefined ? { pserverTimeoutMs: options.pserverTimeoutMs } : {}),
      ...(options.curve ? { curve: options.curve } : {}),
    });
    this.client.usePlan(planShards(this.#specs, options.pservers.length, blockSize));
  }

  get step(): number {
    return this.#step;
  }

  async start(params: Parameters): Promise<void> {
    const stats: ServerStats[] = await this.client.hello(this.modelHash);
    const modes = new Set(stats.map((s) => s.mode));
    if (modes.size !== 1 || !modes.has(this.mode)) {
      throw new ConfigError(`the pservers run ${[...modes].join(' and ')} SGD, this trainer was started for ${this.mode} (--sync / --async must match)`);
    }
    if (this.client.trainerId === 0 && !stats.every((s) => s.initialized)) {
      await this.client.init(this.modelHash, this.#optimizer, (name) => params.get(name));
      this.#log(`sent the initial parameters to ${stats.length} pserver(s)`);
    } else if (!stats.every((s) => s.initialized)) {
      this.#log('waiting for trainer 0 to send the initial parameters');
    }
    // A dense pull waits for init: every trainer starts from trainer 0's values (tables included).
    const steps = await this.client.pull({ minStep: 0, dense: this.#dense(params) });
    await this.client.pull({ minStep: 0, tables: this.#tables(params, 'all') });
    this.#step = Math.min(...steps);
  }

  async prepare(params: Parameters, rows: ReadonlyMap<string, Int32Array>): Promise<void> {
    const tables = new Map([...rows].map(([name, rowIds]) => [name, { table: params.get(name), rowIds }]));
    const steps = await this.client.pull({ minStep: this.mode === 'sync' ? this.#step : 0, dense: this.#dense(params), tables });
    // Sync: the pservers are past this trainer's step only if they went on without it (dropped, idle, restarted).
    this.#step = this.mode === 'async' ? Math.min(...steps) : Math.max(this.#step, Math.min(...steps));
  }

  async update(_params: Parameters, gradients: Gradients, info: StepInfo): Promise<void> {
    this.#pass = info.pass;
    const completes = this.#completes;
    this.#completes = undefined;
    const result = await this.client.push({
      step: this.#step, pass: info.pass, samples: info.samples, dense: gradients.dense, tables: gradients.sparse,
      ...(completes ? { task: completes.task } : {}),
    });
    if (completes && result.taskDone) this.#completed = { pass: info.pass, ...completes };
    if (this.mode === 'sync') this.#step++;
  }

  /**
   * This trainer's next task of `pass` (a chunk id), or −1 when the pass is over. When the others hold what is
   * left it leaves the step barrier (sync) and waits: a task comes back if its holder is dropped.
   */
  async nextTask(pass: number, numTasks: number): Promise<number> {
    const task = await this.client.task(pass, numTasks, false);
    if (task !== -2) return task;
    if (this.mode === 'sync') await this.client.idle(pass);
    return this.client.task(pass, numTasks, true);
  }

  /** The next push completes `task` (of `samples` samples) when the master takes it. */
  completesTask(task: number, samples: number): void {
    this.#completes = { task, samples };
  }

  /** The task the last push completed, once (for the caller's log). */
  takeCompletedTask(): CompletedTask | undefined {
    const done = this.#completed;
    this.#completed = undefined;
    return done;
  }

  async finishPass(params: Parameters, pass: number): Promise<void> {
    const steps = await this.client.finishPass(pass ?? this.#pass);
    this.#step = Math.max(this.#step, Math.min(...steps));
    if (this.#pullAll) await this.client.pull({ minStep: this.#step, dense: this.#dense(params), tables: this.#tables(params, 'all') });
  }

  close(): void {
    this.client.close();
  }

  #dense(params: Parameters): Map<string, Float32Array> {
    return new Map(this.#specs.filter((p) => !p.table).map((p) => [p.name, params.get(p.name)]));
  }

  #tables(params: Parameters, rowIds: 'all'): Map<string, { table: Float32Array; rowIds: 'all' }> {
    return new Map(this.#specs.filter((p) => p.table).map((p) => [p.name, { table: params.get(p.name), rowIds }]));
  }
}
