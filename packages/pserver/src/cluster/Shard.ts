import { ProtocolError, show } from '../errors.js';
import type { OptimizerConfig } from '../optimizer/optimizerConfig.js';
import { checkSlots, decodeOptimizerState, encodeOptimizerState, type OptimizerState } from '../optimizer/optimizerState.js';
import { moveTowards, ParameterOptimizer } from '../optimizer/parameterOptimizer.js';
import { bytesOf, floatsOf, intsOf, MAX_FRAMES, type TableRows } from './protocol.js';
import { localRowCount, planShards, type Block, type ParameterSpec } from './shardPlan.js';

/** What trainer 0's init tells a pserver, and what a checkpoint keeps to rebuild the shard. */
export interface ShardInit {
  modelHash: string;
  server: number;
  numServers: number;
  blockSize: number;
  params: ParameterSpec[];
  optimizer: OptimizerConfig;
}

interface DenseBlock extends Block {
  value: Float32Array;
  state: OptimizerState;
  optimizer: ParameterOptimizer;
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

/** A push's gradients, viewed in its frames: one per block, and the rows of each table it touched. */
export interface ShardGradients {
  blocks: Float32Array[];
  tables: { table: LocalTable; localRows: Int32Array; values: Float32Array }[];
}

/** What a pull asks of one table: every local row, or these. */
export interface TableWanted {
  table: LocalTable;
  localRows: Int32Array | undefined;
}

/**
 * A pserver's part of the model: its blocks of the dense parameters and its rows of the tables (row r of a
 * table lives on pserver r mod S, at local row ⌊r / S⌋), with their optimizer states. Checks every frame
 * against the plan before reading it; all arithmetic on the values happens here.
 */
export class Shard {
  readonly params: readonly ParameterSpec[];
  /**
   * Sync: the samples-weighted mean gradient per block of the step's pushes before the last one. It is the
   * first push's own gradient arrays (views of its frames, which the pserver owns), moved in place by later
   * pushes: no copy, and no memory held between steps.
   */
  #mean: Float32Array[] | undefined;
  /** Sync: the step's last push, not yet in #mean: folded in by the next push, or into the update (one pass). */
  #last: { blocks: Float32Array[]; a: number } | undefined;

  private constructor(
    readonly init: ShardInit,
    readonly blocks: DenseBlock[],
    readonly tables: Map<number, LocalTable>,
    /** Sync: samples in the current step's running mean. */
    public stepSamples = 0,
  ) {
    this.params = init.params;
  }

  /**
   * Builds the shard `init` describes from its frames: the values of this pserver's blocks, then of its part
   * of each table. `states` (from a checkpoint) restores the optimizer states, in the same order.
   */
  static create(init: ShardInit, values: readonly Uint8Array[], states?: readonly Uint8Array[]): Shard {
    checkInitShape(init, values.length);
    let plan;
    try {
      plan = planShards(init.params, init.numServers, init.blockSize);
    } catch (e) {
      throw new ProtocolError(`init: ${(e as Error).message}`);
    }
    const optimizers = plan.params.map((p) => {
      try {
        return new ParameterOptimizer(init.optimizer, p.attrs ?? {});
      } catch (e) {
        throw new ProtocolError(`init: parameter ${show(p.name)}: ${(e as Error).message}`);
      }
    });
    const mine = plan.blocks[init.server]!;
    const tableParams = plan.params.flatMap((p, i) => (p.table ? [i] : []));
    if (values.length !== mine.length + tableParams.length) {
      throw new ProtocolError(`init: expected ${mine.length} block frames and ${tableParams.length} table frames, got ${values.length} frames`);
    }
    const state = (k: number, optimizer: ParameterOptimizer, size: number, rows?: number): OptimizerState => {
      if (!states) return optimizer.createState(size, rows === undefined ? {} : { rows });
      const s = decodeOptimizerState(states[k]!);
      checkSlots('checkpoint', s, optimizer.slotNames, size);
      return s;
    };
    const blocks = mine.map((b, k): DenseBlock => {
      const name = plan.params[b.param]!.name;
      const value = floatsOf(values[k]!, b.length, `init block ${k} (${name}[${b.offset}..])`).slice();
      const optimizer = optimizers[b.param]!;
      return { ...b, value, optimizer, state: state(k, optimizer, b.length) };
    });
    const tables = new Map<number, LocalTable>();
    tableParams.forEach((param, k) => {
      const p = plan.params[param]!;
      const { width } = p.table!;
      const rows = localRowCount(p.table!.rows, init.server, init.numServers);
      const value = floatsOf(values[mine.length + k]!, rows * width, `init table ${p.name}`).slice();
      const optimizer = optimizers[param]!;
      tables.set(param, { param, width, rows, value, optimizer, state: state(mine.length + k, optimizer, rows * width, rows), sum: new Map() });
    });
    return new Shard(init, blocks, tables);
  }

  get floats(): number {
    return this.blocks.reduce((n, b) => n + b.length, 0) + [...this.tables.values()].reduce((n, t) => n + t.value.length, 0);
  }

  /** Checks and views a push's frames: a gradient per block, then row ids and rows per table. */
  readGradients(tableRows: readonly TableRows[], data: readonly Uint8Array[]): ShardGradients {
    const expected = this.blocks.length + 2 * tableRows.length;
    if (data.length !== expected) {
      throw new ProtocolError(`push: expected ${this.blocks.length} block frames + 2 × ${tableRows.length} table frames = ${expected}, got ${data.length}`);
    }
    // Views of the frames (owned by the pserver once received): applied at once (async), or kept as the
    // step's mean or folded into it (sync), never copied.
    const blocks = this.blocks.map((b, k) => floatsOf(data[k]!, b.length, `push block ${k} (${this.params[b.param]!.name}[${b.offset}..])`));
    const tables = tableRows.map(([param, n], k) => {
      const table = this.table(param, 'push');
      const ids = intsOf(data[this.blocks.length + 2 * k]!, n, `push table ${this.params[param]!.name} row ids`);
      const values = floatsOf(data[this.blocks.length + 2 * k + 1]!, n * table.width, `push table ${this.params[param]!.name} rows`);
      return { table, localRows: this.localRows(table, ids, 'push'), values };
    });
    return { blocks, tables };
  }

  /**
   * Sync: adds a push to the step's sums. Dense blocks keep the running samples-weighted mean: the step's
   * first push is the mean (its arrays are kept, not copied), each later one moves it by w / (samples so far)
   * towards its gradient, one pass over the floats, deferred until the next push or into the update. Table
   * rows keep Σ w·g. The push's block arrays belong to the shard from here on (they are written to).
   */
  accumulate(g: ShardGradients, w: number): void {
    if (w > 0) {
      if (this.stepSamples === 0) this.#mean = g.blocks;
      else {
        this.#foldLast();
        this.#last = { blocks: g.blocks, a: w / (this.stepSamples + w) };
      }
    }
    for (const { table, localRows, values } of g.tables) {
      for (let r = 0; r < localRows.length; r++) {
        let row = table.sum.get(localRows[r]!);
        if (!row) table.sum.set(localRows[r]!, (row = new Float32Array(table.width)));
        addScaled(row, w, values.subarray(r * table.width, (r + 1) * table.width));
      }
    }
    this.stepSamples += w;
  }

  /**
   * Sync: applies the step's weighted mean gradient (a zero gradient when no trainer had samples) with the
   * optimizer of every block and touched table row, and clears the sums for the next step. The last push
   * is folded into each block's update rather than into the mean first.
   */
  applyStep(progress: { numSamplesProcessed: number; pass: number }): void {
    const mean = this.stepSamples > 0 ? this.#mean : undefined;
    const last = mean ? this.#last : undefined;
    this.blocks.forEach((b, k) => {
      if (last) b.optimizer.updateMean(b.value, mean![k]!, last.a, last.blocks[k]!, b.state, progress);
      else b.optimizer.update(b.value, mean ? mean[k]! : new Float32Array(b.length), b.state, progress);
    });
    const tableScale = this.stepSamples > 0 ? 1 / this.stepSamples : 0;
    const tables = [...this.tables.values()].map((table) => {
      const localRows = Int32Array.from(table.sum.keys()).sort();
      const values = new Float32Array(localRows.length * table.width);
      localRows.forEach((row, k) => values.set(table.sum.get(row)!, k * table.width));
      return { table, localRows, values };
    });
    this.apply({ blocks: [], tables }, tableScale, progress);
    this.discardStep();
  }

  /** Sync: moves the mean by the deferred last push. */
  #foldLast(): void {
    const last = this.#last;
    if (!last) return;
    this.#mean!.forEach((m, k) => moveTowards(m, last.a, last.blocks[k]!));
    this.#last = undefined;
  }

  /** Sync: forgets the current step's partial sums (a restored pserver catching up with its trainers). */
  discardStep(): void {
    for (const t of this.tables.values()) t.sum.clear();
    this.#mean = undefined;
    this.#last = undefined;
    this.stepSamples = 0;
  }

  /** Runs the optimizer of every block (given in `g`) and touched table row once. */
  apply(g: ShardGradients, tableScale: number, progress: { numSamplesProcessed: number; pass: number }): void {
    g.blocks.forEach((grad, k) => this.blocks[k]!.optimizer.update(this.blocks[k]!.value, grad, this.blocks[k]!.state, progress));
    for (const { table, localRows, values } of g.tables) {
      if (tableScale !== 1) scaleInto(values, tableScale, values);
      table.optimizer.updateRows(table.value, values, localRows, table.width, table.state, progress);
    }
  }

  /** The tables and rows a pull asks for, checked now so that a bad pull is answered at once even when it would wait. */
  wantedTables(tableRows: readonly TableRows[], data: readonly Uint8Array[]): TableWanted[] {
    let k = 0;
    return tableRows.map(([param, n]) => {
      const table = this.table(param, 'pull');
      const localRows = n < 0 ? undefined : this.localRows(table, intsOf(data[k++]!, n, `pull table ${this.params[param]!.name} row ids`), 'pull');
      return { table, localRows };
    });
  }

  /** A pull's reply frames: the blocks (if `dense`), then the rows of each table wanted. `copy` detaches them from the live values. */
  pullFrames(dense: boolean, wanted: readonly TableWanted[], copy: boolean): Buffer[] {
    const frames: Buffer[] = [];
    if (dense) for (const b of this.blocks) frames.push(bytesOf(copy ? b.value.slice() : b.value));
    for (const { table, localRows } of wanted) {
      if (!localRows) {
        frames.push(bytesOf(copy ? table.value.slice() : table.value));
        continue;
      }
      const out = new Float32Array(localRows.length * table.width);
      localRows.forEach((row, i) => out.set(table.value.subarray(row * table.width, (row + 1) * table.width), i * table.width));
      frames.push(bytesOf(out));
    }
    return frames;
  }

  /** Checkpoint sections: every block's and table's values, then their optimizer states, in plan order. */
  sections(): { values: Uint8Array[]; states: Uint8Array[] } {
    const parts = [...this.blocks, ...this.tables.values()];
    return { values: parts.map((p) => bytesOf(p.value)), states: parts.map((p) => encodeOptimizerState(p.state)) };
  }

  table(param: number, op: string): LocalTable {
    const table = this.tables.get(param);
    if (!table) throw new ProtocolError(`${op}: parameter ${param} is not a table of this model (${this.params.length} parameters)`);
    return table;
  }

  /** Global row ids → local rows of this pserver; every id must be in range, held here, and (push) distinct. */
  localRows(table: LocalTable, ids: Int32Array, op: string): Int32Array {
    const S = this.init.numServers;
    const server = this.init.server;
    const totalRows = this.params[table.param]!.table!.rows;
    const local = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < 0 || id >= totalRows || id % S !== server) {
        throw new ProtocolError(`${op}: row ${id} of ${this.params[table.param]!.name} is not held by pserver ${server} of ${S} (rows 0..${totalRows - 1}, row r on pserver r mod ${S})`);
      }
      local[i] = (id - server) / S;
    }
    if (op === 'push') {
      const sorted = local.slice().sort();
      for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) throw new ProtocolError(`${op}: row ${sorted[i]! * S + server} appears twice`);
    }
    return local;
  }
}

/**
 * Refuses an init whose plan would not match its frames before planning it, so that a forged size cannot make
 * the pserver allocate blocks for a parameter of 2^50 floats.
 */
function checkInitShape(init: ShardInit, frames: number): void {
  const S = init.numServers;
  if (S < 1 || S > MAX_SERVERS || init.server >= S) throw new ProtocolError(`init: server ${init.server} of ${S} must satisfy server < numServers ≤ ${MAX_SERVERS}`);
  if (init.blockSize < 1) throw new ProtocolError(`init: blockSize must be positive, got ${init.blockSize}`);
  let blocks = 0;
  let least = 0;
  init.params.forEach((p, i) => {
    if (typeof p !== 'object' || p === null || !Number.isSafeInteger(p.size) || p.size < 1) {
      throw new ProtocolError(`init: params[${i}] must be { name, size ≥ 1, table?, attrs? }, got ${show(p)}`);
    }
    if (p.table) return;
    const n = Math.ceil(p.size / init.blockSize);
    blocks += n;
    // Each parameter's blocks are dealt round-robin: every pserver holds at least ⌊n / S⌋ of them.
    least += Math.floor(n / S);
  });
  if (blocks > MAX_FRAMES || least > frames) {
    throw new ProtocolError(`init: the plan has ${blocks} blocks over ${S} pservers (at most ${MAX_FRAMES}, and at least ${least} here), but ${frames} frames came`);
  }
}

/** Most pservers a plan may spread over. */
const MAX_SERVERS = 4096;

/** y = a·x */
function scaleInto(y: Float32Array, a: number, x: Float32Array): void {
  for (let i = 0; i < y.length; i++) y[i] = a * x[i]!;
}

/** y += a·x */
function addScaled(y: Float32Array, a: number, x: Float32Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += a * x[i]!;
}

