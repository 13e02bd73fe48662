import * as zmq from 'zeromq';
import { ConfigError, ProtocolError, show } from '../errors.js';
import type { OptimizerConfig } from '../optimizer/optimizerConfig.js';
import { Outbox } from './Outbox.js';
import {
  bytesOf, decodeHeader, encodeHeader, floatsOf, PROTOCOL_VERSION, type Reply, type ServerStats, type TableRows,
} from './protocol.js';
import { localRowCount, type ShardPlan } from './shardPlan.js';

export interface ParameterClientOptions {
  /** The pservers, e.g. `['tcp://10.0.0.1:7164', 'tcp://10.0.0.2:7164']`; every trainer lists them in the same order. */
  endpoints: readonly string[];
  trainerId: number;
  numTrainers: number;
  /** How long `hello` waits for a pserver to answer (it may still be starting). Default 60 s. */
  connectTimeoutMs?: number;
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
  /** Dense gradients by parameter name, each as long as its parameter. */
  dense: ReadonlyMap<string, Float32Array>;
  /** Table gradients by parameter name: only the rows the batch touched. */
  tables: ReadonlyMap<string, TableRowValues>;
}

export interface PullArgs {
  /** Wait until every pserver has applied this many steps. */
  minStep: number;
  /** Dense parameters to fill in place (every dense parameter of the plan), or undefined to skip them. */
  dense?: ReadonlyMap<string, Float32Array>;
  /** Tables to fill in place: the rows listed, or `'all'` rows. */
  tables?: ReadonlyMap<string, { table: Float32Array; rowIds: Int32Array | 'all' }>;
}

interface Pending {
  resolve: (value: { header: Reply; frames: Buffer[] }) => void;
  reject: (error: Error) => void;
}

class Connection {
  readonly socket = new zmq.Dealer({ sendHighWaterMark: 0, receiveHighWaterMark: 0, linger: 0 });
  readonly outbox: Outbox;
  readonly pending = new Map<number, Pending>();
  readonly done: Promise<void>;

  constructor(readonly endpoint: string) {
    this.outbox = new Outbox(this.socket, (e) => this.failAll(e));
    this.socket.connect(endpoint);
    this.done = this.#receive();
  }

  async #receive(): Promise<void> {
    try {
      for await (const [head, ...frames] of this.socket) {
        let header: Reply;
        try {
          header = decodeHeader(head) as unknown as Reply;
        } catch (e) {
          this.failAll(new ProtocolError(`${this.endpoint} sent an unreadable reply: ${(e as Error).message}`));
          continue;
        }
        const waiter = this.pending.get(header.id);
        if (!waiter) continue;
        this.pending.delete(header.id);
        if (header.ok) waiter.resolve({ header, frames });
        else waiter.reject(new ProtocolError(`pserver ${this.endpoint}: ${header.error ?? 'error'}`));
      }
    } catch (e) {
      if (!this.socket.closed) this.failAll(e as Error);
    }
  }

  failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
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
  readonly #connections: Connection[];
  readonly #connectTimeoutMs: number;
  #nextId = 1;
  #plan: ShardPlan | undefined;
  /** Bytes of tensor frames sent and received. */
  readonly traffic = { tensorBytesOut: 0, tensorBytesIn: 0 };

  private constructor(options: ParameterClientOptions) {
    this.trainerId = options.trainerId;
    this.numTrainers = options.numTrainers;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 60_000;
    this.#connections = options.endpoints.map((e) => new Connection(e));
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

  /** Sends a step's gradients; resolves once every pserver has taken them. */
  async push(args: PushArgs): Promise<void> {
    const plan = this.#needPlan();
    const byServer = this.#tablesByServer(args.tables, plan);
    await Promise.all(this.#connections.map((c, s) => {
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
      return this.#request(c, { op: 'push', step: args.step, pass: args.pass, samples: args.samples, version: args.step, tables }, frames);
    }));
  }

  /** Fills the given arrays with the pservers' values once they have applied `minStep` steps; returns their steps. */
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
      return this.#request(c, { op: 'pull', minStep: args.minStep, dense: args.dense !== undefined, tables }, frames).then((reply) => ({ reply, wanted, s }));
    }));
    for (const { reply, wanted, s } of replies) {
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
    return replies.map((r) => r.reply.header.step!);
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
    for (const c of this.#connections) {
      c.failAll(new ProtocolError('ParameterClient closed'));
      c.socket.close();
    }
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

  #request(c: Connection, body: Record<string, unknown>, frames: Buffer[], timeoutMs = 0): Promise<{ header: Reply; frames: Buffer[] }> {
    const id = this.#nextId++;
    const header = encodeHeader({ v: PROTOCOL_VERSION, id, trainer: this.trainerId, ...body });
    this.traffic.tensorBytesOut += frames.reduce((n, f) => n + f.length, 0);
    return new Promise<{ header: Reply; frames: Buffer[] }>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => timer && clearTimeout(timer);
      c.pending.set(id, {
        resolve: (v) => {
          done();
          this.traffic.tensorBytesIn += v.frames.reduce((n, f) => n + f.length, 0);
          resolve(v);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          c.pending.delete(id);
          reject(new ProtocolError(`no answer from pserver ${c.endpoint} to '${String(body.op)}' within ${timeoutMs / 1000} s; is it running, and is the address right?`));
        }, timeoutMs);
      }
      c.outbox.send([header, ...frames]).catch((e: Error) => {
        c.pending.delete(id);
        done();
        reject(e);
      });
    });
  }
}
