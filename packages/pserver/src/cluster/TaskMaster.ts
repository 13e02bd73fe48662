import { ProtocolError } from '../errors.js';
import type { SyncMode } from './protocol.js';

/** What a checkpoint keeps of the master: the pass, its task count, and who holds or did which task. */
export interface TaskMasterState {
  pass: number;
  numTasks: number;
  /** `[task, trainer]` pairs. */
  done: [number, number][];
  pending: [number, number][];
}

/** A task request's answer: a chunk id, `'over'` (every task of the pass is done) or `'wait'` (others still hold tasks). */
export type TaskAnswer = number | 'over' | 'wait';

/** How a push that completes a task was counted. */
export type Completion = 'done' | 'already' | 'otherPass';

/**
 * Deals the chunks of each pass (task ids 0..numTasks−1, as `@oar/data` chunks and taskReader number them)
 * to trainers, so that every chunk is trained once per pass even when a trainer dies. Trainer i of M is
 * dealt its own chunks first (k mod M = i, lowest first: with nobody lost this is `shard(reader, i, M,
 * {chunkSize})`), then those of trainers that were dropped, and in async mode it then takes the last chunk
 * of whoever has most left. A trainer holds one task at a time; asking again returns the same one. A task
 * is done when the push carrying its last batch is taken (`complete`); a dropped trainer's task is dealt
 * again.
 * @paddle the Go master of Paddle v2 (go/master/service.go): todo, pending and done task queues
 * @example
 * const master = new TaskMaster(3, 'sync');
 * master.request(0, 0, 12, () => false); // 0
 * master.complete(0, 0, 0);              // 'done'
 */
export class TaskMaster {
  #pass = 0;
  #numTasks = 0;
  /** Undealt tasks of each class (k mod M), ascending; `#next[c]` indexes the first that may still be undealt. */
  #classes: number[][] = [];
  #next: number[] = [];
  /** Async stealing takes from the end: `#tail[c]` indexes the last that may still be undealt. */
  #tail: number[] = [];
  /** Tasks given back (their trainer was dropped), per class, dealt before the rest of the class. */
  #returned: number[][] = [];
  /** Undealt tasks per class. */
  #left: number[] = [];
  readonly #undealt = new Set<number>();
  readonly #pending = new Map<number, number>();
  readonly #holds = new Map<number, number>();
  readonly #done = new Map<number, number>();

  constructor(readonly numTrainers: number, readonly mode: SyncMode) {}

  get pass(): number {
    return this.#pass;
  }

  get numTasks(): number {
    return this.#numTasks;
  }

  get doneCount(): number {
    return this.#done.size;
  }

  /** Pass over: every task of it done (false before the first request). */
  get passOver(): boolean {
    return this.#numTasks > 0 && this.#done.size === this.#numTasks;
  }

  /** The task `trainer` holds, if any. */
  held(trainer: number): number | undefined {
    return this.#holds.get(trainer);
  }

  doneBy(task: number): number | undefined {
    return this.#done.get(task);
  }

  /**
   * Trainer `trainer` asks for a task of `pass`, counting `numTasks` chunks. `dropped(t)` says whether trainer
   * t is out of the barrier now (its chunks go to the others). A request for a later pass starts that pass.
   */
  request(trainer: number, pass: number, numTasks: number, dropped: (t: number) => boolean): TaskAnswer {
    if (pass < this.#pass) return 'over';
    if (pass > this.#pass || this.#numTasks === 0) this.#startPass(pass, numTasks);
    if (numTasks !== this.#numTasks) {
      throw new ProtocolError(`task: trainer ${trainer} counts ${numTasks} tasks in pass ${pass}, the master was told ${this.#numTasks}; every trainer must read the same training data with the same --task-size`);
    }
    const held = this.#holds.get(trainer);
    if (held !== undefined) return held;
    const task = this.#take(trainer % this.numTrainers)
      ?? this.#firstOf((c) => c !== trainer && dropped(c))
      ?? (this.mode === 'async' ? this.#steal() : undefined);
    if (task === undefined) return this.#undealt.size === 0 && this.#pending.size === 0 ? 'over' : 'wait';
    this.#pending.set(task, trainer);
    this.#holds.set(trainer, task);
    return task;
  }

  /**
   * The push that carries `task`'s last batch was taken from `trainer`. Counted once: a task done already (a
   * resend, or a trainer that came back after its task was dealt again) is `'already'`.
   */
  complete(trainer: number, pass: number, task: number): Completion {
    if (pass !== this.#pass || task >= this.#numTasks) return 'otherPass';
    if (this.#done.has(task)) return 'already';
    const holder = this.#pending.get(task);
    if (holder !== undefined) {
      this.#pending.delete(task);
      this.#holds.delete(holder);
    } else {
      // Restored from a checkpoint older than the dealing: the task is undealt here, yet was trained.
      this.#takeOut(task);
    }
    if (this.#holds.get(trainer) !== undefined && holder !== trainer) {
      // After a restore the master may think this trainer still holds an older task it has since finished.
      const older = this.#holds.get(trainer)!;
      this.#pending.delete(older);
      this.#holds.delete(trainer);
      this.#done.set(older, trainer);
    }
    this.#done.set(task, trainer);
    return 'done';
  }

  /** `trainer` left the barrier: the task it held is dealt again (first to whoever asks next). Returns that task. */
  drop(trainer: number): number | undefined {
    const task = this.#holds.get(trainer);
    if (task === undefined) return undefined;
    this.#holds.delete(trainer);
    this.#pending.delete(task);
    this.#undealt.add(task);
    this.#left[task % this.numTrainers]!++;
    const returned = this.#returned[task % this.numTrainers]!;
    returned.push(task);
    returned.sort((a, b) => a - b);
    return task;
  }

  snapshot(): TaskMasterState {
    return { pass: this.#pass, numTasks: this.#numTasks, done: [...this.#done], pending: [...this.#pending] };
  }

  /** A master as a checkpoint left it. */
  static restore(numTrainers: number, mode: SyncMode, state: TaskMasterState): TaskMaster {
    const master = new TaskMaster(numTrainers, mode);
    if (state.numTasks > 0) {
      master.#startPass(state.pass, state.numTasks);
      for (const [task, trainer] of state.done) {
        master.#takeOut(task);
        master.#done.set(task, trainer);
      }
      for (const [task, trainer] of state.pending) {
        master.#takeOut(task);
        master.#pending.set(task, trainer);
        master.#holds.set(trainer, task);
      }
    }
    master.#pass = state.pass;
    return master;
  }

  #startPass(pass: number, numTasks: number): void {
    this.#pass = pass;
    this.#numTasks = numTasks;
    this.#undealt.clear();
    this.#pending.clear();
    this.#holds.clear();
    this.#done.clear();
    const M = this.numTrainers;
    this.#classes = Array.from({ length: M }, (_, c) => Array.from({ length: Math.max(0, Math.ceil((numTasks - c) / M)) }, (_, j) => c + j * M));
    this.#next = new Array<number>(M).fill(0);
    this.#tail = this.#classes.map((list) => list.length - 1);
    this.#returned = Array.from({ length: M }, () => []);
    this.#left = this.#classes.map((list) => list.length);
    for (let k = 0; k < numTasks; k++) this.#undealt.add(k);
  }

  /** Removes an undealt task; false if it was not undealt. */
  #takeOut(task: number): boolean {
    if (!this.#undealt.delete(task)) return false;
    this.#left[task % this.numTrainers]!--;
    return true;
  }

  /** The lowest undealt task of class `c` (given-back tasks first), taken out of the undealt set. */
  #take(c: number): number | undefined {
    const returned = this.#returned[c]!;
    while (returned.length) {
      const task = returned.shift()!;
      if (this.#takeOut(task)) return task;
    }
    const list = this.#classes[c]!;
    while (this.#next[c]! < list.length) {
      const task = list[this.#next[c]!++]!;
      if (this.#takeOut(task)) return task;
    }
    return undefined;
  }

  #firstOf(eligible: (c: number) => boolean): number | undefined {
    let best: { c: number; task: number } | undefined;
    for (let c = 0; c < this.numTrainers; c++) {
      if (!eligible(c)) continue;
      const task = this.#peek(c);
      if (task !== undefined && (!best || task < best.task)) best = { c, task };
    }
    return best && this.#take(best.c);
  }

  /** Async: the last undealt task of the class with most left. */
  #steal(): number | undefined {
    let best = -1;
    for (let c = 0; c < this.numTrainers; c++) if (this.#left[c]! > (best < 0 ? 0 : this.#left[best]!)) best = c;
    if (best < 0) return undefined;
    const list = this.#classes[best]!;
    while (this.#tail[best]! >= this.#next[best]!) {
      const task = list[this.#tail[best]!--]!;
      if (this.#takeOut(task)) return task;
    }
    return this.#take(best);
  }

  #peek(c: number): number | undefined {
    const returned = this.#returned[c]!.find((t) => this.#undealt.has(t));
    if (returned !== undefined) return returned;
    const list = this.#classes[c]!;
    for (let j = this.#next[c]!; j < list.length; j++) if (this.#undealt.has(list[j]!)) return list[j]!;
    return undefined;
  }
}
