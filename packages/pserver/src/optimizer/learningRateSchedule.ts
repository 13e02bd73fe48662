import { ConfigError, show } from '../errors.js';
import { nonNegative, positive } from './check.js';

/** Paddle's `learning_rate_schedule` names. */
export const LEARNING_RATE_SCHEDULES = [
  'constant',
  'poly',
  'caffe_poly',
  'exp',
  'discexp',
  'linear',
  'manual',
  'pass_manual',
] as const;

/** One of Paddle's `learning_rate_schedule` names. */
export type LearningRateScheduleName = (typeof LEARNING_RATE_SCHEDULES)[number];

/** Where training is when a batch starts: samples processed before it (all trainers) and the pass (epoch). */
export interface TrainingProgress {
  /** Samples processed before this batch; Paddle's `numSamplesProcessed`. */
  numSamplesProcessed: number;
  /** The pass (epoch), counted from 0. */
  pass: number;
}

/** Segments of a `manual` / `pass_manual` schedule: `[upTo, rate]`, the rate holding while the count is ≤ upTo. */
export type LearningRateSegments = ReadonlyArray<readonly [number, number]>;

/** The schedule part of an optimizer config, in Paddle's terms (`learning_rate_decay_a` ...). */
export interface LearningRateScheduleOptions {
  /** Base learning rate; Paddle's `learning_rate`. Default 1e-3, as in Paddle's `settings`. */
  learningRate?: number;
  /** Paddle's `learning_rate_schedule`. Default `'constant'`. */
  learningRateSchedule?: LearningRateScheduleName;
  /** Paddle's `learning_rate_decay_a`. */
  learningRateDecayA?: number;
  /** Paddle's `learning_rate_decay_b`. */
  learningRateDecayB?: number;
  /** Paddle's `learning_rate_args` (`'seg0:rate0,seg1:rate1,...'`) or the same as `[seg, rate]` pairs. */
  learningRateArgs?: string | LearningRateSegments;
}

const NEEDS_DECAY: readonly LearningRateScheduleName[] = ['poly', 'caffe_poly', 'exp', 'discexp', 'linear'];

/**
 * A validated learning-rate schedule: the rate for a batch from the samples processed before it and the pass.
 *
 * @paddle LearningRateScheduler (paddle/parameter/LearningRateScheduler.cpp), with n = numSamplesProcessed:
 * - `constant`: lr
 * - `poly`: lr · (1 + a·n)^(−b)
 * - `caffe_poly`: lr · (1 − n/a)^b, and 0 once n > a
 * - `exp`: lr · a^(n/b)
 * - `discexp`: lr · a^⌊n/b⌋
 * - `linear`: max(lr − a·n, b)
 * - `manual`: lr · rate_i for the first segment i with n ≤ seg_i (the last rate after the last segment)
 * - `pass_manual`: as `manual`, on the pass instead of n
 *
 * Paddle's manual schedules kept a cursor and required n never to decrease; this one is stateless and gives
 * the same rates for a non-decreasing n.
 *
 * @example
 * const s = new LearningRateSchedule({ learningRate: 0.1, learningRateSchedule: 'discexp',
 *   learningRateDecayA: 0.5, learningRateDecayB: 1000 });
 * s.at({ numSamplesProcessed: 2500, pass: 0 }); // 0.1 · 0.5² = 0.025
 */
export class LearningRateSchedule {
  readonly name: LearningRateScheduleName;
  readonly learningRate: number;
  readonly decayA: number;
  readonly decayB: number;
  /** Segment ends of a manual schedule, ascending (empty otherwise). */
  readonly segments: readonly number[];
  /** Rates of a manual schedule, one per segment (empty otherwise). */
  readonly rates: readonly number[];

  /** Validates the options; `where` prefixes error messages (the optimizer type). */
  constructor(options: LearningRateScheduleOptions, where = 'learningRateSchedule') {
    this.learningRate = positive(where, 'learningRate', options.learningRate ?? 1e-3);
    const name = options.learningRateSchedule ?? 'constant';
    if (!(LEARNING_RATE_SCHEDULES as readonly unknown[]).includes(name)) {
      const allowed = LEARNING_RATE_SCHEDULES.map((s) => `'${s}'`).join(', ');
      throw new ConfigError(`${where}: learningRateSchedule must be one of ${allowed}, got ${show(name)}`);
    }
    this.name = name;
    const { learningRateDecayA: a, learningRateDecayB: b, learningRateArgs: args } = options;
    const manual = name === 'manual' || name === 'pass_manual';
    if (!NEEDS_DECAY.includes(name) && (a !== undefined || b !== undefined)) {
      throw new ConfigError(`${where}: learningRateDecayA/B have no effect with learningRateSchedule '${name}'; remove them`);
    }
    if (!manual && args !== undefined) {
      throw new ConfigError(`${where}: learningRateArgs is only for 'manual' and 'pass_manual' schedules, not '${name}'`);
    }
    [this.decayA, this.decayB] = NEEDS_DECAY.includes(name) ? decayPair(where, name, a, b) : [0, 0];
    const segments = manual ? parseLearningRateArgs(where, args) : [];
    this.segments = segments.map(([s]) => s);
    this.rates = segments.map(([, r]) => r);
  }

  /** The learning rate for a batch that starts at `progress`. */
  at(progress: TrainingProgress): number {
    const n = progress.numSamplesProcessed;
    const lr = this.learningRate;
    const a = this.decayA;
    const b = this.decayB;
    switch (this.name) {
      case 'constant':
        return lr;
      case 'poly':
        return lr * Math.pow(1 + a * n, -b);
      case 'caffe_poly':
        return n > a ? 0 : lr * Math.pow(1 - n / a, b);
      case 'exp':
        return lr * Math.pow(a, n / b);
      case 'discexp':
        return lr * Math.pow(a, Math.floor(n / b));
      case 'linear':
        return Math.max(lr - a * n, b);
      case 'manual':
        return lr * this.manualRate(n);
      case 'pass_manual':
        return lr * this.manualRate(progress.pass);
    }
  }

  private manualRate(count: number): number {
    const segments = this.segments;
    for (let i = 0; i < segments.length; i++) if (count <= segments[i]!) return this.rates[i]!;
    return this.rates[this.rates.length - 1]!;
  }
}

/** Checks a training progress: both counts non-negative integers. */
export function checkProgress(where: string, progress: TrainingProgress): void {
  if (typeof progress !== 'object' || progress === null) {
    throw new ConfigError(`${where}: progress must be { numSamplesProcessed, pass }, got ${show(progress)}`);
  }
  const { numSamplesProcessed: n, pass } = progress;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new ConfigError(`${where}: progress.numSamplesProcessed must be a non-negative integer, got ${show(n)}`);
  }
  if (typeof pass !== 'number' || !Number.isSafeInteger(pass) || pass < 0) {
    throw new ConfigError(`${where}: progress.pass must be a non-negative integer, got ${show(pass)}`);
  }
}

/**
 * Parses Paddle's `learning_rate_args` for the manual schedules: `'seg0:rate0,seg1:rate1,...'`.
 *
 * @paddle ManualLRS (learning_rate_args)
 * @example
 * parseLearningRateArgs('manual', '1000:1.0,2000:0.5,3000:0.1'); // [[1000, 1], [2000, 0.5], [3000, 0.1]]
 */
export function parseLearningRateArgs(where: string, args: string | LearningRateSegments | undefined): Array<[number, number]> {
  if (args === undefined || (typeof args === 'string' && args.trim() === '')) {
    throw new ConfigError(`${where}: learningRateArgs is required by the manual schedules, e.g. '1000:1.0,2000:0.5'`);
  }
  const pairs: Array<[unknown, unknown]> = [];
  if (typeof args === 'string') {
    for (const piece of args.split(',')) {
      const parts = piece.split(':');
      if (parts.length !== 2 || parts[0]!.trim() === '' || parts[1]!.trim() === '') {
        throw new ConfigError(`${where}: learningRateArgs must look like 'seg0:rate0,seg1:rate1', got ${show(args)}`);
      }
      pairs.push([Number(parts[0]), Number(parts[1])]);
    }
  } else if (Array.isArray(args) && args.length > 0) {
    for (const pair of args) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new ConfigError(`${where}: learningRateArgs entries must be [segment, rate] pairs, got ${show(pair)}`);
      }
      pairs.push([pair[0], pair[1]]);
    }
  } else {
    throw new ConfigError(`${where}: learningRateArgs must be a 'seg:rate,...' string or [segment, rate] pairs, got ${show(args)}`);
  }
  let previous = -1;
  return pairs.map(([segment, rate], k) => {
    if (typeof segment !== 'number' || !Number.isSafeInteger(segment) || segment <= previous) {
      const after = k > 0 ? ` after ${previous}` : '';
      throw new ConfigError(`${where}: learningRateArgs segments must be increasing non-negative integers, got ${show(segment)}${after}`);
    }
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
      throw new ConfigError(`${where}: learningRateArgs rates must be non-negative numbers, got ${show(rate)}`);
    }
    previous = segment;
    return [segment, rate];
  });
}

function decayPair(where: string, name: LearningRateScheduleName, a: unknown, b: unknown): [number, number] {
  if (a === undefined || b === undefined) {
    throw new ConfigError(`${where}: learningRateSchedule '${name}' needs learningRateDecayA and learningRateDecayB`);
  }
  const da = nonNegative(where, 'learningRateDecayA', a);
  const db = nonNegative(where, 'learningRateDecayB', b);
  if ((name === 'exp' || name === 'discexp') && (da <= 0 || da > 1)) {
    throw new ConfigError(`${where}: learningRateDecayA (the decay factor of '${name}') must be in (0, 1], got ${show(a)}`);
  }
  if ((name === 'exp' || name === 'discexp') && db <= 0) {
    throw new ConfigError(`${where}: learningRateDecayB (samples per decay of '${name}') must be positive, got ${show(b)}`);
  }
  if (name === 'caffe_poly' && da <= 0) {
    throw new ConfigError(`${where}: learningRateDecayA (samples until zero of 'caffe_poly') must be positive, got ${show(a)}`);
  }
  return [da, db];
}
