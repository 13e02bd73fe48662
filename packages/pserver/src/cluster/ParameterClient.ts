import { randomBytes } from 'node:crypto';
import { ConfigError, ProtocolError, show } from '../errors.js';
import type { OptimizerConfig } from '../optimizer/optimizerConfig.js';
import { Connection, type Response } from './Connection.js';
import type { CurveClientOptions } from './curve.js';
import { bytesOf, floatsOf, type ServerStats, type TableRows } from './protocol.js';
import { localRowCount, type ShardPlan } from './shardPlan.js';

export interface ParameterClientOptions {
  /** The pservers, e.g. `['tcp://10.0.0.1:7164', 'tcp://10.0.0.2:7164']`; every trainer lists them in the same order. */
  endpoints: readonly string[];
  trainerId: number;
  numTrainers: number;
  /** How long `hello` waits for a pserver to answer (it may still be starting). Default 60 s. */
  connectTimeoutMs?: number;
  /** Heartbeat period after `hello` (keeps this trainer in the barrier while it waits). Default 1 s; 0: none. */
  heartbeatMs?: number;
  /** Give up on a pserver that has answered nothing for this long (it may be restarting meanwhile). Default 10 min; 0: never. */
  pserverTimeoutMs?: number;
  /** Talk CURVE: this trainer's key pair and the pservers' public key. */
  curve?: CurveClientOptions;
  log?: (line: string) => void;
}

/** A table's rows: global row ids (distinct) and their values, `rowIds.length × width` floats. */
export interface TableRowValues {
  rowIds: Int32Array;
  values: Float32Array;
}

export interface PushArgs {
  /** Steps this trainer has seen applied (sync: the step these gradients belong to). */
  step: number;
  pass: number;
  /** Samples in the batch (the gradients are means over it). */
  samples: number;
  /** Dense gradients by parameter name, each as long as its parameter. Not to be changed afterwards (a resend reads them). */
  dense: ReadonlyMap<string, Float32Array>;
  /** Table gradients by parameter name: only the rows the batch touched. */
  tables: ReadonlyMap<string, TableRowValues>;
  /** The task (chunk id) whose last batch this is: the master marks it done when it takes the push. */
  task?: number;
}

/** How the pservers took a push. */
export interface PushResult {
  /** Some pserver had already moved past this step (this trainer had been dropped): not applied there. */
  stale: boolean;
  /** The master marked `task` done by this push. */
  taskDone: boolean;
}

export interface PullArgs {
  /** Wait until every pserver has applied this many steps. */
  minStep: number;
  /** Dense parameters to fill in place (every dense parameter of the plan), or undefined to skip them. */
  dense?: ReadonlyMap<string, Float32Array>;
  /** Tables to fill in place: the rows listed, or `'all'` rows. */
  tables?: ReadonlyMap<string, { table: Float32Array; rowIds: Int32Array | 'all' }>;
}

/**
 * A trainer's side of the parameter servers, with ps-lite's small surface: `push` gradients, `pull` values;
 * every call returns a promise (awaiting it is ps-lite's `wait`). Dense parameters travel as the blocks of a
 * ShardPlan, tables as rows (row r on pserver r mod S), each as its own ZeroMQ frame, straight from and into
 * the caller's Float32Arrays.
 * @paddle ParameterClient2 (paddle/pserver/ParameterClient2.h)
 * @example
 * const client = ParameterClient.connect({ endpoints: ['tcp://127.0.0.1:7164'], trainerId: 0, numTrainers: 1 });
 * await client.hello(modelHash);
 */
export class ParameterClient {
  readonly trainerId: number;
  readonly numTrainers: number;
  /** This client's pushes are numbered within its session (async pushes are applied once by (session, seq)). */
  readonly session = randomBytes(8).toString('hex');
  readonly #connections: Connection[];
  readonly #connectTimeoutMs: number;
  #nextId = 1;
  #seq = 0;
  #plan: ShardPlan | undefined;
  /** Per pserver: the last two pushes, sent again if that pserver restarts (it may have lost them). */
  readonly #recentPushes: Buffer[][][];
  /** Bytes of tensor frames sent and received. */
  readonly traffic = { tensorBytesOut: 0, tensorBytesIn: 0 };

  private constructor(options: ParameterClientOptions) {
    this.trainerId = options.trainerId;
    this.numTrainers = options.numTrainers;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 60_000;
    const log = options.log ?? (() => {});
    this.#recentPushes = options.endpoints.map(() => []);
    this.#connections = options.endpoints.map((endpoint, s) => new Connection({
      endpoint, trainerId: options.trainerId, heartbeatMs: options.heartbeatMs ?? 1000, pserverTimeoutMs: options.pserverTimeoutMs ?? 600_000,
      nextId: () => this.#nextId++, log, ...(options.curve ? { curve: options.curve } : {}),
      onRestart: () => this.#recentPushes[s]!,
    }));
  }

  static connect(options: ParameterClientOptions): ParameterClient {
    const { endpoints, trainerId, numTrainers } = options ?? ({} as ParameterClientOptions);
    if (!Array.isArray(endpoints) || endpoints.length === 0 || !endpoints.every((e) => typeof e === 'string' && /^[a-z]+:\/\/.+/.test(e))) {
      throw new ConfigError(`ParameterClient: endpoints must be a non-empty list like ['tcp://host:7164'], got ${show(endpoints)}`);
    }
    if (new Set(endpoints).size !== endpoints.length) throw new ConfigError(`ParameterClient: endpoints lists a pserver twice: ${show(endpoints)}`);
    if (!Number.isSafeInteger(numTrainers) || numTrainers < 1) throw new ConfigError(`ParameterClient: numTrainers must be a positive integer, got ${show(numTrainers)}`);
    if (!Number.isSafeInteger(trainerId) || trainerId < 0 || trainerId >= numTrainers) {
      throw new ConfigError(`ParameterClient: trainerId must be an integer in 0..${numTrainers - 1}, got ${show(trainerId)}`);
    }
    return new ParameterClient(options);
  }

  get numServers(): number {
    return this.#connections.length;
  }

  get endpoints(): string[] {
    return this.#connections.map((c) => c.endpoint);
  }

  /**
   * First contact with every pserver: checks they serve as many trainers as this one expects and hold this
   * model (or none yet). Waits up to connectTimeoutMs for pservers that are still starting.
   */
  async hello(modelHash: string): Promise<ServerStats[]> {
    const replies = await Promise.all(this.#connections.map((c) => this.#request(c, { op: 'hello', numTrainers: this.numTrainers, modelHash }, [], this.#connectTimeoutMs)));
    for (const c of this.#connections) c.startHeartbeat();
    const stats = replies.map((r) => r.header.stats!);
    const counts = new Set(stats.map((s) => s.numTrainers));
    if (counts.size > 1) {
      throw new ConfigError(`pservers disagree on the number of trainers: ${stats.map((s, i) => `${this.#connections[i]!.endpoint} expects ${s.numTrainers}`).join(', ')}`);
    }
    stats.forEach((s, i) => {
      if (s.initialized && s.server !== i) {
        throw new ConfigError(`pserver ${this.#connections[i]!.endpoint} is number ${s.server} in the list it was initialised with, but number ${i} in this trainer's list; give every trainer the same --pservers in the same order`);
      }
    });
    return stats;
  }

  /** Uses `plan` for every later push and pull (its numServers must match the endpoints). */
  usePlan(plan: ShardPlan): void {
    if (plan.numServers !== this.#connections.length) {
      throw new ConfigError(`ParameterClient: the plan is for ${plan.numServers} pservers, this client has ${this.#connections.length}`);
    }
    this.#plan = plan;
  }

  /** Trainer 0: gives every pserver its shard of the initial values (`values(name)`, whole parameters). */
  async init(modelHash: string, optimizer: OptimizerConfig, values: (name: string) => Float32Array): Promise<void> {
    const plan = this.#needPlan();
    await Promise.all(this.#connections.map((c, s) => {
      const frames = plan.blocks[s]!.map((b) => bytesOf(values(plan.params[b.param]!.name).subarray(b.offset, b.offset + b.length)));
      for (const p of plan.params) {
        if (!p.table) continue;
        const { width, rows } = p.table;
        const all = values(p.name);
        const local = new Float32Array(localRowCount(rows, s, plan.numServers) * width);
        for (let j = 0, r = s; r < rows; j++, r += plan.numServers) local.set(all.subarray(r * width, (r + 1) * width), j * width);
        frames.push(bytesOf(local));
      }
      return this.#request(c, {
        op: 'init', modelHash, numTrainers: this.numTrainers, server: s, numServers: plan.numServers, blockSize: plan.blockSize,
        params: plan.params, optimizer,
      }, frames);
    }));
  }

  /**
   * Sends a step's gradients; resolves once every pserver has taken them. A push is applied at most once
   * however often it is sent (a pserver that restarts gets this trainer's last two pushes again).
   */
  async push(args: PushArgs): Promise<PushResult> {
    const plan = this.#needPlan();
    const byServer = this.#tablesByServer(args.tables, plan);
    const seq = ++this.#seq;
    const replies = await Promise.all(this.#connections.map((c, s) => {
      const frames = plan.blocks[s]!.map((b) => {
        const name = plan.params[b.param]!.name;
        const g = args.dense.get(name);
        if (!g) throw new ConfigError(`push: no gradient for dense parameter ${show(name)}`);
        return bytesOf(g.subarray(b.offset, b.offset + b.length));
      });
      const tables: TableRows[] = [];
      for (const { param, rowIds, values } of byServer[s]!) {
        tables.push([param, rowIds.length]);
        frames.push(bytesOf(rowIds), bytesOf(values));
      }
      return this.#request(c, {
        op: 'push', step: args.step, pass: args.pass, samples: args.samples, version: args.step, tables, session: this.session, seq,
        task: s === 0 ? args.task ?? -1 : -1,
      }, frames, 0, s);
    }));
    return { stale: replies.some((r) => r.header.stale === true), taskDone: replies[0]!.header.taskDone === true };
  }

  /**
   * Asks the master (pserver 0) for this trainer's task of `pass`, given `numTasks` chunks in a pass: a chunk id,
   * −1 when every task of the pass is done, −2 when others still hold the rest (with `wait`: waits instead).
   */
  async task(pass: number, numTasks: number, wait: boolean): Promise<number> {
    const reply = await this.#request(this.#connections[0]!, { op: 'task', pass, numTasks, wait }, []);
    return reply.header.task!;
  }

  /** Sync: this trainer has no batch for now; the pservers' step barrier goes on without it until its next push. */
  async idle(pass: number): Promise<void> {
    await Promise.all(this.#connections.map((c) => this.#request(c, { op: 'idle', pass }, [])));
  }

  /**
   * Fills the given arrays with the pservers' values once they have applied `minStep` steps; returns their
   * steps. Each pserver's reply is copied in as it arrives, while the others' are still on the way.
   */
  async pull(args: PullArgs): Promise<number[]> {
    const plan = this.#needPlan();
    const index = new Map(plan.params.map((p, i) => [p.name, i]));
    const replies = await Promise.all(this.#connections.map((c, s) => {
      const tables: TableRows[] = [];
      const frames: Buffer[] = [];
      const wanted: { param: number; table: Float32Array; rowIds: Int32Array | 'all' }[] = [];
      for (const [name, { table, rowIds }] of args.tables ?? []) {
        const param = index.get(name);
        if (param === undefined || !plan.params[param]!.table) throw new ConfigError(`pull: ${show(name)} is not a table of the plan`);
        if (rowIds === 'all') {
          tables.push([param, -1]);
          wanted.push({ param, table, rowIds });
        } else {
          const mine = rowIds.filter((r) => r % plan.numServers === s);
          tables.push([param, mine.length]);
          frames.push(bytesOf(mine));
          wanted.push({ param, table, rowIds: mine });
        }
      }
      return this.#request(c, { op: 'pull', minStep: args.minStep, dense: args.dense !== undefined, tables }, frames).then((reply) => {
        this.#fill(args, plan, s, reply, wanted);
        return reply;
      });
    }));
    return replies.map((r) => r.header.step!);
  }

  /** Copies pserver s's pull reply into the caller's arrays. */
  #fill(args: PullArgs, plan: ShardPlan, s: number, reply: Response, wanted: { param: number; table: Float32Array; rowIds: Int32Array | 'all' }[]): void {
    let k = 0;
    const next = (n: number, what: string) => floatsOf(reply.frames[k++]!, n, `pull reply from ${this.#connections[s]!.endpoint}: ${what}`);
    if (args.dense) {
      for (const b of plan.blocks[s]!) {
        const p = plan.params[b.param]!;
        const target = args.dense.get(p.name);
        if (!target) throw new ConfigError(`pull: no array given for dense parameter ${show(p.name)}`);
        target.set(next(b.length, `${p.name}[${b.offset}..]`), b.offset);
      }
    }
    for (const { param, table, rowIds } of wanted) {
      const { width, rows } = plan.params[param]!.table!;
      if (rowIds === 'all') {
        const local = next(localRowCount(rows, s, plan.numServers) * width, plan.params[param]!.name);
        for (let j = 0, r = s; r < rows; j++, r += plan.numServers) table.set(local.subarray(j * width, (j + 1) * width), r * width);
      } else {
        const got = next(rowIds.length * width, plan.params[param]!.name);
        rowIds.forEach((r, j) => table.set(got.subarray(j * width, (j + 1) * width), r * width));
      }
    }
  }

  /** Tells every pserver this trainer's pass is over; resolves when every trainer has said so. */
  async finishPass(pass: number): Promise<number[]> {
    const replies = await Promise.all(this.#connections.map((c) => this.#request(c, { op: 'finishPass', pass }, [])));
    return replies.map((r) => r.header.step!);
  }

  async stats(): Promise<ServerStats[]> {
    const replies = await Promise.all(this.#connections.map((c) => this.#request(c, { op: 'stats' }, [])));
    return replies.map((r) => r.header.stats!);
  }

  close(): void {
    for (const c of this.#connections) c.close(new ProtocolError('ParameterClient closed'));
  }

  #needPlan(): ShardPlan {
    if (!this.#plan) throw new ConfigError('ParameterClient: call usePlan(plan) before pushing or pulling');
    return this.#plan;
  }

  #tablesByServer(tables: ReadonlyMap<string, TableRowValues>, plan: ShardPlan) {
    const index = new Map(plan.params.map((p, i) => [p.name, i]));
    const out: { param: number; rowIds: Int32Array; values: Float32Array }[][] = Array.from({ length: plan.numServers }, () => []);
    for (const [name, { rowIds, values }] of tables) {
      const param = index.get(name);
      const spec = param === undefined ? undefined : plan.params[param]!.table;
      if (!spec) throw new ConfigError(`push: ${show(name)} is not a table of the plan`);
      const S = plan.numServers;
      if (S === 1) {
        out[0]!.push({ param: param!, rowIds, values });
        continue;
      }
      const counts = new Array<number>(S).fill(0);
      for (const r of rowIds) counts[r % S]!++;
      const parts = counts.map((n) => ({ param: param!, rowIds: new Int32Array(n), values: new Float32Array(n * spec.width), n: 0 }));
      rowIds.forEach((r, k) => {
        const part = parts[r % S]!;
        part.rowIds[part.n] = r;
        part.values.set(values.subarray(k * spec.width, (k + 1) * spec.width), part.n * spec.width);
        part.n++;
      });
      parts.forEach((p, s) => out[s]!.push({ param: p.param, rowIds: p.rowIds, values: p.values }));
    }
    return out;
  }

  #request(c: Connection, body: Record<string, unknown>, frames: Buffer[], timeoutMs = 0, pushTo?: number): Promise<Response> {
    this.traffic.tensorBytesOut += frames.reduce((n, f) => n + f.length, 0);
    const reply = c.request(body, frames, timeoutMs);
    if (pushTo !== undefined) this.#recentPushes[pushTo] = [...this.#recentPushes[pushTo]!, c.lastMessage!].slice(-2);
    return reply.then((r) => {
      this.traffic.tensorBytesIn += r.frames.reduce((n, f) => n + f.length, 0);
      return r;
    });
  }
}
