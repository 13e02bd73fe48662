import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as zmq from 'zeromq';
import { ConfigError, ProtocolError, show } from '../errors.js';
import type { OptimizerState } from '../optimizer/optimizerState.js';
import { ParameterOptimizer } from '../optimizer/parameterOptimizer.js';
import { Outbox } from './Outbox.js';
import {
  bytesOf, decodeHeader, encodeHeader, floatsOf, intsOf, parseRequest, PROTOCOL_VERSION,
  type FinishPassRequest, type HelloRequest, type InitRequest, type PullRequest, type PushRequest, type Reply,
  type Request, type ServerStats, type SyncMode,
} from './protocol.js';
import { localRowCount, planShards, type Block, type ParameterSpec } from './shardPlan.js';

export interface ParameterServerOptions {
  /** M: how many trainers take part. */
  numTrainers: number;
  /** `sync` (default): a step's gradients from all M trainers are summed, then applied once. */
  mode?: SyncMode;
  /** Async: a gradient computed on parameters more than `M × ratio` steps old is discarded. Default 1.5. */
  laggedGradDiscardRatio?: number;
  /** Where the log lines go (default: stderr). */
  log?: (line: string) => void;
}

interface DenseBlock extends Block {
  value: Float32Array;
  state: OptimizerState;
  optimizer: ParameterOptimizer;
  /** Sync: the samples-weighted mean gradient of the current step's pushes so far. */
  sum: Float32Array;
}

interface LocalTable {
  param: number;
  width: number;
  rows: number;
  value: Float32Array;
  state: OptimizerState;
  optimizer: ParameterOptimizer;
  /** Sync: local row → Σ samples·gradient row of the current step (only rows touched). */
  sum: Map<number, Float32Array>;
}

interface Shard {
  modelHash: string;
  server: number;
  numServers: number;
  params: readonly ParameterSpec[];
  blocks: DenseBlock[];
  tables: Map<number, LocalTable>;
}

type Frames = Buffer[];

/**
 * One pserver: holds its blocks of the dense parameters and its rows of the tables with their optimizer state,
 * and serves push/pull over a ZeroMQ ROUTER socket. Sync mode sums each step's gradients from all M trainers
 * (weighted by their batch sizes) and runs the optimizer once; async mode applies each push at once and
 * drops gradients that are too stale. A malformed request gets an error reply and a log line; the server goes on.
 * @paddle ParameterServer2 (paddle/pserver)
 * @example
 * const server = await ParameterServer.listen('tcp://*:7164', { numTrainers: 2 });
 * await server.closed; // until server.close()
 */
export class ParameterServer {
  readonly numTrainers: number;
  readonly mode: SyncMode;
  readonly laggedGradDiscardRatio: number;
  readonly #socket: zmq.Router;
  readonly #outbox: Outbox;
  readonly #log: (line: string) => void;
  #shard: Shard | undefined;
  #step = 0;
  #samplesProcessed = 0;
  #pass = 0;
  /** Sync: trainers that pushed the current step, and their samples. */
  readonly #pushed = new Set<number>();
  #stepSamples = 0;
  /** Trainers done with the current pass, and their parked finishPass requests. */
  readonly #finished = new Map<number, () => void>();
  /** Pulls waiting for a step (or for init). */
  #parked: { minStep: number; answer: () => void }[] = [];
  readonly #stats = { pushes: 0, discarded: 0, bytesIn: 0, bytesOut: 0, tensorBytesIn: 0, tensorBytesOut: 0, errors: 0 };
  readonly closed: Promise<void>;
  #endpoint = '';

  private constructor(socket: zmq.Router, options: ParameterServerOptions) {
    this.numTrainers = options.numTrainers;
    this.mode = options.mode ?? 'sync';
    this.laggedGradDiscardRatio = options.laggedGradDiscardRatio ?? 1.5;
    this.#socket = socket;
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.#outbox = new Outbox(socket, (e) => this.#log(`pserver: send failed: ${e.message}`));
    this.closed = this.#serve();
  }

  /** Binds `endpoint` (e.g. `tcp://*:7164`) and starts serving. A port in use is a ConfigError. */
  static async listen(endpoint: string, options: ParameterServerOptions): Promise<ParameterServer> {
    if (!Number.isSafeInteger(options?.numTrainers) || options.numTrainers < 1) {
      throw new ConfigError(`ParameterServer: numTrainers must be a positive integer, got ${show(options?.numTrainers)}`);
    }
    if (options.mode !== undefined && options.mode !== 'sync' && options.mode !== 'async') {
      throw new ConfigError(`ParameterServer: mode must be 'sync' or 'async', got ${show(options.mode)}`);
    }
    const ratio = options.laggedGradDiscardRatio;
    if (ratio !== undefined && !(typeof ratio === 'number' && ratio > 0)) {
      throw new ConfigError(`ParameterServer: laggedGradDiscardRatio must be a positive number, got ${show(ratio)}`);
    }
    const socket = new zmq.Router({ sendHighWaterMark: 0, receiveHighWaterMark: 0, linger: 0 });
    try {
      await socket.bind(endpoint);
    } catch (e) {
      socket.close();
      const err = e as Error & { code?: string };
      if (err.code === 'EADDRINUSE') throw new ConfigError(`ParameterServer: ${endpoint} is in use by another process; choose another --port`);
      throw new ConfigError(`ParameterServer: cannot bind ${show(endpoint)}: ${err.message}`);
    }
    const server = new ParameterServer(socket, options);
    server.#endpoint = socket.lastEndpoint ?? endpoint;
    return server;
  }

  /** The bound endpoint, with the port the system chose for `tcp://127.0.0.1:0`-style endpoints resolved. */
  get endpoint(): string {
    return this.#endpoint;
  }

  get step(): number {
    return this.#step;
  }

  stats(): ServerStats {
    collectGarbage();
    const m = process.memoryUsage();
    return {
      initialized: this.#shard !== undefined, server: this.#shard?.server ?? -1, numTrainers: this.numTrainers, mode: this.mode,
      step: this.#step, ...this.#stats, memory: { rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers },
    };
  }

  async close(): Promise<void> {
    await this.#outbox.drain().catch(() => {});
    this.#socket.close();
    await this.closed;
  }

  async #serve(): Promise<void> {
    try {
      for await (const [identity, ...frames] of this.#socket) {
        this.#stats.bytesIn += frames.reduce((n, f) => n + f.length, 0);
        this.#handle(identity!, frames);
      }
    } catch (e) {
      if (!this.#socket.closed) this.#log(`pserver: receive loop stopped: ${(e as Error).message}`);
    }
  }

  #handle(identity: Buffer, frames: Frames): void {
    let id = -1;
    try {
      const header = decodeHeader(frames[0]);
      if (Number.isSafeInteger(header.id)) id = header.id as number;
      const request = parseRequest(header);
      const data = frames.slice(1);
      this.#stats.tensorBytesIn += data.reduce((n, f) => n + f.length, 0);
      this.#dispatch(request, data, (reply, out = []) => this.#reply(identity, { v: PROTOCOL_VERSION, id: request.id, ok: true, ...reply }, out));
    } catch (e) {
      const error = e as Error;
      this.#stats.errors++;
      this.#log(`pserver: rejected a message: ${error.message}`);
      this.#reply(identity, { v: PROTOCOL_VERSION, id, ok: false, error: `${error.name}: ${error.message}` }, []);
    }
  }

  #reply(identity: Buffer, header: Reply, frames: Buffer[]): void {
    const head = encodeHeader(header);
    this.#stats.bytesOut += head.length + frames.reduce((n, f) => n + f.length, 0);
    this.#stats.tensorBytesOut += frames.reduce((n, f) => n + f.length, 0);
    void this.#outbox.send([identity, head, ...frames]).catch(() => {});
  }

  #dispatch(request: Request, data: Frames, answer: (reply: Partial<Reply>, frames?: Buffer[]) => void): void {
    if (request.trainer >= this.numTrainers) {
      throw new ProtocolError(`trainer id ${request.trainer} is outside 0..${this.numTrainers - 1} (this pserver serves ${this.numTrainers} trainers)`);
    }
    switch (request.op) {
      case 'hello':
        return this.#hello(request, answer);
      case 'init':
        return this.#init(request, data, answer);
      case 'push':
        return this.#push(request, data, answer);
      case 'pull':
        return this.#pull(request, data, answer);
      case 'finishPass':
        return this.#finishPass(request, answer);
      case 'stats':
        return answer({ stats: this.stats() });
    }
  }

  #hello(request: HelloRequest, answer: (reply: Partial<Reply>) => void): void {
    if (request.numTrainers !== this.numTrainers) {
      throw new ProtocolError(`this pserver was started for ${this.numTrainers} trainers, but trainer ${request.trainer} was started with --num-trainers ${request.numTrainers}`);
    }
    if (this.#shard && this.#shard.modelHash !== request.modelHash) {
      throw new ProtocolError(`trainer ${request.trainer} trains a different model (topology, optimizer or block size) from the one this pserver holds`);
    }
    answer({ stats: this.stats() });
  }

  #init(request: InitRequest, data: Frames, answer: (reply: Partial<Reply>) => void): void {
    if (request.numTrainers !== this.numTrainers) {
      throw new ProtocolError(`init: this pserver serves ${this.numTrainers} trainers, the init says ${request.numTrainers}`);
    }
    if (this.#shard) {
      if (this.#shard.modelHash !== request.modelHash) throw new ProtocolError('init: this pserver already holds a different model');
      if (this.#shard.server !== request.server) throw new ProtocolError(`init: this pserver is number ${this.#shard.server} in the pserver list, not ${request.server}`);
      return answer({ step: this.#step });
    }
    if (request.server >= request.numServers) throw new ProtocolError(`init: server ${request.server} is outside 0..${request.numServers - 1}`);
    let plan;
    try {
      plan = planShards(request.params, request.numServers, request.blockSize);
    } catch (e) {
      throw new ProtocolError(`init: ${(e as Error).message}`);
    }
    const optimizers = plan.params.map((p) => {
      try {
        return new ParameterOptimizer(request.optimizer, p.attrs ?? {});
      } catch (e) {
        throw new ProtocolError(`init: parameter ${show(p.name)}: ${(e as Error).message}`);
      }
    });
    const mine = plan.blocks[request.server]!;
    const tableParams = plan.params.flatMap((p, i) => (p.table ? [i] : []));
    if (data.length !== mine.length + tableParams.length) {
      throw new ProtocolError(`init: expected ${mine.length} block frames and ${tableParams.length} table frames, got ${data.length} frames`);
    }
    const blocks = mine.map((b, k): DenseBlock => {
      const name = plan.params[b.param]!.name;
      const value = floatsOf(data[k]!, b.length, `init block ${k} (${name}[${b.offset}..])`).slice();
      const optimizer = optimizers[b.param]!;
      return { ...b, value, optimizer, state: optimizer.createState(b.length), sum: new Float32Array(this.mode === 'sync' ? b.length : 0) };
    });
    const tables = new Map<number, LocalTable>();
    tableParams.forEach((param, k) => {
      const p = plan.params[param]!;
      const { width } = p.table!;
      const rows = localRowCount(p.table!.rows, request.server, request.numServers);
      const value = floatsOf(data[mine.length + k]!, rows * width, `init table ${p.name}`).slice();
      const optimizer = optimizers[param]!;
      tables.set(param, { param, width, rows, value, optimizer, state: optimizer.createState(rows * width, { rows }), sum: new Map() });
    });
    this.#shard = { modelHash: request.modelHash, server: request.server, numServers: request.numServers, params: plan.params, blocks, tables };
    const floats = blocks.reduce((n, b) => n + b.length, 0) + [...tables.values()].reduce((n, t) => n + t.value.length, 0);
    this.#log(`pserver: initialised by trainer ${request.trainer}: pserver ${request.server} of ${request.numServers}, ${blocks.length} blocks and ${tables.size} tables, ${floats} floats (${this.mode})`);
    answer({ step: this.#step });
    this.#release();
  }

  #push(request: PushRequest, data: Frames, answer: (reply: Partial<Reply>) => void): void {
    const shard = this.#ready('push');
    const gradients = this.#readGradients(shard, request, data);
    this.#stats.pushes++;
    if (this.mode === 'async') {
      const lag = this.#step - request.version;
      if (lag > this.numTrainers * this.laggedGradDiscardRatio) {
        this.#stats.discarded++;
        return answer({ step: this.#step });
      }
      this.#apply(shard, gradients.blocks, gradients.tables, 1, request.samples, request.pass);
      answer({ step: this.#step });
      this.#release();
      return;
    }
    if (request.step !== this.#step) {
      throw new ProtocolError(`push: trainer ${request.trainer} sent gradients of step ${request.step}, but this pserver is at step ${this.#step}`);
    }
    if (this.#pushed.has(request.trainer)) throw new ProtocolError(`push: trainer ${request.trainer} already pushed step ${request.step}`);
    if (this.#finished.has(request.trainer)) throw new ProtocolError(`push: trainer ${request.trainer} already finished pass ${this.#pass}`);
    const w = request.samples;
    // Dense blocks keep the running samples-weighted mean: the step's first push is copied, each later one
    // moves the mean by w / (samples so far) towards its gradient. One pass over the floats per push.
    if (w > 0) {
      const first = this.#stepSamples === 0;
      const a = w / (this.#stepSamples + w);
      for (let k = 0; k < gradients.blocks.length; k++) {
        if (first) shard.blocks[k]!.sum.set(gradients.blocks[k]!);
        else moveTowards(shard.blocks[k]!.sum, a, gradients.blocks[k]!);
      }
    }
    for (const { table, localRows, values } of gradients.tables) {
      for (let r = 0; r < localRows.length; r++) {
        let row = table.sum.get(localRows[r]!);
        if (!row) table.sum.set(localRows[r]!, (row = new Float32Array(table.width)));
        addScaled(row, w, values.subarray(r * table.width, (r + 1) * table.width));
      }
    }
    this.#pushed.add(request.trainer);
    this.#stepSamples += w;
    this.#pass = request.pass;
    answer({ step: this.#step });
    this.#maybeFinishStep(shard);
  }

  /** Sync: once every trainer still in the pass has pushed, applies the step's weighted mean gradient. */
  #maybeFinishStep(shard: Shard): void {
    if (this.#pushed.size === 0) return;
    for (let t = 0; t < this.numTrainers; t++) if (!this.#pushed.has(t) && !this.#finished.has(t)) return;
    const tableScale = this.#stepSamples > 0 ? 1 / this.#stepSamples : 0;
    // A step in which no trainer had samples (every one finished its pass) applies a zero gradient.
    if (this.#stepSamples === 0) for (const b of shard.blocks) b.sum.fill(0);
    const tables = [...shard.tables.values()].map((table) => {
      const localRows = Int32Array.from(table.sum.keys()).sort();
      const values = new Float32Array(localRows.length * table.width);
      localRows.forEach((row, k) => values.set(table.sum.get(row)!, k * table.width));
      table.sum.clear();
      return { table, localRows, values };
    });
    this.#apply(shard, shard.blocks.map((b) => b.sum), tables, tableScale, this.#stepSamples, this.#pass);
    this.#pushed.clear();
    this.#stepSamples = 0;
    this.#release();
  }

  #apply(
    shard: Shard, blocks: Float32Array[], tables: { table: LocalTable; localRows: Int32Array; values: Float32Array }[],
    tableScale: number, samples: number, pass: number,
  ): void {
    const progress = { numSamplesProcessed: this.#samplesProcessed, pass };
    shard.blocks.forEach((b, k) => b.optimizer.update(b.value, blocks[k]!, b.state, progress));
    for (const { table, localRows, values } of tables) {
      if (tableScale !== 1) scaleInto(values, tableScale, values);
      table.optimizer.updateRows(table.value, values, localRows, table.width, table.state, progress);
    }
    this.#samplesProcessed += samples;
    this.#step++;
  }

  /** Checks and views a push's frames: a gradient per block, then row ids and rows per table. */
  #readGradients(shard: Shard, request: PushRequest, data: Frames) {
    const expected = shard.blocks.length + 2 * request.tables.length;
    if (data.length !== expected) {
      throw new ProtocolError(`push: expected ${shard.blocks.length} block frames + 2 × ${request.tables.length} table frames = ${expected}, got ${data.length}`);
    }
    // Views of the frames: a push is summed (sync) or applied (async) before the handler returns.
    const blocks = shard.blocks.map((b, k) => floatsOf(data[k]!, b.length, `push block ${k} (${shard.params[b.param]!.name}[${b.offset}..])`));
    const tables = request.tables.map(([param, n], k) => {
      const table = this.#table(shard, param, 'push');
      const ids = intsOf(data[shard.blocks.length + 2 * k]!, n, `push table ${shard.params[param]!.name} row ids`);
      const values = floatsOf(data[shard.blocks.length + 2 * k + 1]!, n * table.width, `push table ${shard.params[param]!.name} rows`);
      return { table, localRows: this.#localRows(shard, table, ids, 'push'), values };
    });
    return { blocks, tables };
  }

  #pull(request: PullRequest, data: Frames, answer: (reply: Partial<Reply>, frames?: Buffer[]) => void): void {
    const expectedFrames = request.tables.filter(([, n]) => n >= 0).length;
    if (data.length !== expectedFrames) throw new ProtocolError(`pull: expected ${expectedFrames} row-id frames, got ${data.length}`);
    // Rows are checked now, so a bad pull is answered at once even when it would wait for a step.
    const shard = request.tables.length > 0 ? this.#ready('pull') : this.#shard;
    let k = 0;
    const wanted = request.tables.map(([param, n]) => {
      const table = this.#table(shard!, param, 'pull');
      const localRows = n < 0 ? undefined : this.#localRows(shard!, table, intsOf(data[k++]!, n, `pull table ${shard!.params[param]!.name} row ids`), 'pull');
      return { table, localRows };
    });
    const respond = () => {
      const copy = this.mode === 'async';
      const frames: Buffer[] = [];
      if (request.dense) for (const b of this.#shard!.blocks) frames.push(bytesOf(copy ? b.value.slice() : b.value));
      for (const { table, localRows } of wanted) {
        if (!localRows) {
          frames.push(bytesOf(copy ? table.value.slice() : table.value));
          continue;
        }
        const out = new Float32Array(localRows.length * table.width);
        localRows.forEach((row, i) => out.set(table.value.subarray(row * table.width, (row + 1) * table.width), i * table.width));
        frames.push(bytesOf(out));
      }
      answer({ step: this.#step }, frames);
    };
    if (this.#shard && this.#step >= request.minStep) respond();
    else this.#parked.push({ minStep: request.minStep, answer: respond });
  }

  #finishPass(request: FinishPassRequest, answer: (reply: Partial<Reply>) => void): void {
    const shard = this.#ready('finishPass');
    if (this.#finished.has(request.trainer)) throw new ProtocolError(`finishPass: trainer ${request.trainer} already finished pass ${request.pass}`);
    this.#finished.set(request.trainer, () => answer({ step: this.#step }));
    if (this.mode === 'sync') this.#maybeFinishStep(shard);
    if (this.#finished.size < this.numTrainers) return;
    const waiting = [...this.#finished.values()];
    this.#finished.clear();
    this.#log(`pserver: pass ${request.pass} done at step ${this.#step}`);
    waiting.forEach((w) => w());
  }

  #ready(op: string): Shard {
    if (!this.#shard) throw new ProtocolError(`${op}: this pserver has not been initialised yet (trainer 0 sends the initial parameters)`);
    return this.#shard;
  }

  #table(shard: Shard, param: number, op: string): LocalTable {
    const table = shard.tables.get(param);
    if (!table) throw new ProtocolError(`${op}: parameter ${param} is not a table of this model (${shard.params.length} parameters)`);
    return table;
  }

  /** Global row ids → local rows of this pserver; every id must be in range, held here, and distinct. */
  #localRows(shard: Shard, table: LocalTable, ids: Int32Array, op: string): Int32Array {
    const S = shard.numServers;
    const totalRows = shard.params[table.param]!.table!.rows;
    const local = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < 0 || id >= totalRows || id % S !== shard.server) {
        throw new ProtocolError(`${op}: row ${id} of ${shard.params[table.param]!.name} is not held by pserver ${shard.server} of ${S} (rows 0..${totalRows - 1}, row r on pserver r mod ${S})`);
      }
      local[i] = (id - shard.server) / S;
    }
    if (op === 'push') {
      const sorted = local.slice().sort();
      for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) throw new ProtocolError(`${op}: row ${sorted[i]! * S + shard.server} appears twice`);
    }
    return local;
  }

  #release(): void {
    if (!this.#shard) return;
    const ready = this.#parked.filter((p) => p.minStep <= this.#step);
    this.#parked = this.#parked.filter((p) => p.minStep > this.#step);
    ready.forEach((p) => p.answer());
  }
}

/** y = a·x */
function scaleInto(y: Float32Array, a: number, x: Float32Array): void {
  for (let i = 0; i < y.length; i++) y[i] = a * x[i]!;
}

/** y += a·x */
function addScaled(y: Float32Array, a: number, x: Float32Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += a * x[i]!;
}

/** y += a·(x − y) */
function moveTowards(y: Float32Array, a: number, x: Float32Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += a * (x[i]! - y[i]!);
}

let gc: (() => void) | undefined;

/** A full GC before memory is reported, so that stats show what is held, not what awaits collection. */
function collectGarbage(): void {
  if (!gc) {
    gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
  }
  gc();
}
