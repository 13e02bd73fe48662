import { ConfigError, ShapeError, show } from '../errors.js';
import { checkProgress, type TrainingProgress } from './learningRateSchedule.js';
import {
  resolveOptimizerConfig,
  resolveParameterSettings,
  type OptimizerConfig,
  type ParameterAttributes,
  type ParameterSettings,
  type ResolvedOptimizerConfig,
} from './optimizerConfig.js';
import { checkSlots, type OptimizerState } from './optimizerState.js';
import { adadeltaStep } from './rules/adadeltaStep.js';
import { adagradStep } from './rules/adagradStep.js';
import { adamMeanStep, adamStep, adamStepSize } from './rules/adamStep.js';
import { rmspropStep } from './rules/rmspropStep.js';
import { sgdMeanStep, sgdStep } from './rules/sgdStep.js';

/** Slot that marks, per row of a sparse table, whether RMSProp has updated the row yet (0 or 1). */
const ROW_SEEN = 'rowSeen';

/**
 * The update rule of one parameter: creates its optimizer state and applies gradients to its values in place,
 * densely (`update`) or for some rows of a `[rows, width]` table (`updateRows`). The same code runs on a
 * pserver shard and in a worker's local updater.
 *
 * The learning rate of an update is `schedule(progress) × paramAttr.learningRate`. Paddle applied its schedule
 * to SGD, momentum, RMSProp and AdaDelta but not to Adam or AdaGrad; here every optimizer follows it.
 *
 * Sparse updates are lazy: rows not in `rowIds` are not visited, so their values and their optimizer state
 * (momentum, Adam's moments, AdaGrad/RMSProp/AdaDelta averages) stay as they were, and L2 decays a row only
 * when it is updated. This is torch.optim.SparseAdam's rule; Adam's bias correction uses the parameter's
 * `step`, which counts `updateRows` calls. (Paddle's sparse_momentum instead kept untouched rows moving
 * with their momentum, and its sparse regularizer caught up on the decay of skipped batches.) RMSProp's
 * special first update is tracked per row.
 *
 * @paddle ParameterOptimizer (paddle/parameter/ParameterOptimizer.h, FirstOrderOptimizer.h)
 * @example
 * const opt = new ParameterOptimizer({ type: 'momentum', learningRate: 0.01, momentum: 0.9, l2: 1e-4 });
 * const state = opt.createState(value.length);
 * opt.update(value, grad, state, { numSamplesProcessed: 0, pass: 0 });
 */
export class ParameterOptimizer {
  readonly config: ResolvedOptimizerConfig;
  /** This parameter's settings: the optimizer's with its paramAttr applied. */
  readonly settings: ParameterSettings;
  /** Slots every state of this optimizer has, each as long as the parameter. */
  readonly slotNames: readonly string[];

  /** Validates `config` and `attrs` (ConfigError on anything wrong). */
  constructor(config: OptimizerConfig, attrs?: ParameterAttributes) {
    this.config = resolveOptimizerConfig(config);
    this.settings = resolveParameterSettings(this.config, attrs);
    this.slotNames = slotNamesOf(this.config.type, this.settings.momentum !== 0);
  }

  /**
   * A zeroed state for a parameter of `size` floats; pass `rows` for a sparse table updated with `updateRows`
   * (RMSProp then keeps one flag per row).
   */
  createState(size: number, options: { rows?: number } = {}): OptimizerState {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new ConfigError(`createState: size must be a non-negative integer, got ${show(size)}`);
    }
    const slots: Record<string, Float32Array> = {};
    for (const name of this.slotNames) slots[name] = new Float32Array(size);
    const rows = options.rows;
    if (rows !== undefined) {
      if (!Number.isSafeInteger(rows) || rows <= 0 || size % rows !== 0) {
        throw new ConfigError(`createState: rows must be a positive integer dividing size ${size}, got ${show(rows)}`);
      }
      if (this.config.type === 'rmsprop') slots[ROW_SEEN] = new Float32Array(rows);
    }
    return { step: 0, slots };
  }

  /** Checks a state restored from a checkpoint against this optimizer and a parameter of `size` floats. */
  checkState(state: OptimizerState, size: number): void {
    checkSlots('checkState', state, this.slotNames, size);
    for (const name of Object.keys(state.slots)) {
      if (!this.slotNames.includes(name) && !(name === ROW_SEEN && this.config.type === 'rmsprop')) {
        const expected = this.slotNames.length > 0 ? this.slotNames.join(', ') : 'none';
        throw new ShapeError(`checkState: state has slot '${name}' that ${this.describe()} does not use (it uses ${expected})`);
      }
    }
  }

  /** The learning rate of an update at `progress`: the schedule's rate times this parameter's multiplier. */
  learningRate(progress?: TrainingProgress, where = 'learningRate'): number {
    if (progress === undefined) {
      if (this.config.schedule.name !== 'constant') {
        const name = this.config.schedule.name;
        throw new ConfigError(`${where}: progress { numSamplesProcessed, pass } is required by learningRateSchedule '${name}'`);
      }
      return this.config.schedule.learningRate * this.settings.learningRateMultiplier;
    }
    checkProgress(where, progress);
    return this.config.schedule.at(progress) * this.settings.learningRateMultiplier;
  }

  /**
   * Applies `grad` to `value` in place and advances `state` (grad is not modified).
   *
   * @paddle ParameterOptimizer::update (dense)
   * @example
   * opt.update(weights, weightGrad, state, { numSamplesProcessed: 6400, pass: 1 });
   */
  update(value: Float32Array, grad: Float32Array, state: OptimizerState, progress?: TrainingProgress): void {
    if (grad.length !== value.length) {
      throw new ShapeError(`update: grad length ${grad.length} does not match value length ${value.length}`);
    }
    this.#advance('update', value, state, progress, (lr) => this.apply(value, 0, grad, 0, value.length, state.slots, lr, state.step === 0));
  }

  /**
   * `update` with the gradient `mean + a·(x − mean)`: a running mean (a pserver's mean of a step's pushes)
   * moved by one more gradient. The same values as `moveTowards(mean, a, x)` then `update(value, mean, ...)`,
   * bit for bit; plain SGD and Adam do it in one pass without storing the mean, the other rules store it in
   * `mean` first (so `mean` may be overwritten).
   *
   * @example
   * // the mean of two trainers' gradients, g1 over 32 samples and g2 over 64
   * opt.updateMean(weights, g1, 64 / 96, g2, state, { numSamplesProcessed: 6400, pass: 1 });
   */
  updateMean(value: Float32Array, mean: Float32Array, a: number, x: Float32Array, state: OptimizerState, progress?: TrainingProgress): void {
    if (mean.length !== value.length || x.length !== value.length) {
      throw new ShapeError(`updateMean: mean length ${mean.length} and x length ${x.length} must match value length ${value.length}`);
    }
    const c = this.config;
    const { momentum: mu, l2, gradientClipping: clip } = this.settings;
    this.#advance('updateMean', value, state, progress, (lr) => {
      if ((c.type === 'sgd' || c.type === 'momentum') && mu === 0 && l2 === 0 && clip === Infinity) sgdMeanStep(value, mean, a, x, lr);
      else if (c.type === 'adam') adamMeanStep(value, mean, a, x, state.slots.momentum!, state.slots.secondMomentum!, lr, c.beta1, c.beta2, c.epsilon, l2, clip);
      else {
        moveTowards(mean, a, x);
        this.apply(value, 0, mean, 0, value.length, state.slots, lr, state.step === 0);
      }
    });
  }

  /** One dense step of `update` or `updateMean`: checks the state, runs `step` at this step's rate, advances. */
  #advance(where: string, value: Float32Array, state: OptimizerState, progress: TrainingProgress | undefined, step: (lr: number) => void): void {
    checkSlots(where, state, this.slotNames, value.length);
    step(this.stepScale(this.learningRate(progress, where), state.step));
    state.slots[ROW_SEEN]?.fill(1);
    state.step += 1;
  }

  /**
   * Applies gradients to some rows of a `[rows, width]` table in place: row `rowIds[k]` of `value` gets
   * `gradRows[k·width, (k+1)·width)`. Other rows are not visited (see the class doc). Row ids must be
   * distinct: sum the gradients of a repeated row first. Counts as one step even with no rows.
   *
   * @paddle ParameterOptimizer::update (sparseId)
   * @example
   * // embedding table of 10000 rows × 64; this batch touched rows 7 and 42
   * const state = opt.createState(table.length, { rows: 10000 });
   * opt.updateRows(table, gradRows, Int32Array.from([7, 42]), 64, state, progress);
   */
  updateRows(
    value: Float32Array,
    gradRows: Float32Array,
    rowIds: ArrayLike<number>,
    width: number,
    state: OptimizerState,
    progress?: TrainingProgress,
  ): void {
    const rows = checkRows(value, gradRows, rowIds, width);
    checkSlots('updateRows', state, this.slotNames, value.length);
    const seen = this.config.type === 'rmsprop' ? rowSeenSlot(state, rows) : undefined;
    const lr = this.stepScale(this.learningRate(progress, 'updateRows'), state.step);
    for (let k = 0; k < rowIds.length; k++) {
      const row = rowIds[k]!;
      const firstTime = seen !== undefined && seen[row] === 0;
      this.apply(value, row * width, gradRows, k * width, width, state.slots, lr, firstTime);
      if (seen !== undefined) seen[row] = 1;
    }
    state.step += 1;
  }

  /** `sgd (momentum 0.9)`, for messages. */
  describe(): string {
    const momentum = this.settings.momentum !== 0 ? ` (momentum ${this.settings.momentum})` : '';
    return `${this.config.type}${momentum}`;
  }

  /** The per-update scalar a rule takes: Adam's bias-corrected step size, else the learning rate. */
  private stepScale(lr: number, step: number): number {
    const c = this.config;
    return c.type === 'adam' ? adamStepSize(lr, c.beta1, c.beta2, step + 1) : lr;
  }

  private apply(
    value: Float32Array,
    vOff: number,
    grad: Float32Array,
    gOff: number,
    n: number,
    slots: Record<string, Float32Array>,
    lr: number,
    firstTime: boolean,
  ): void {
    const c = this.config;
    const { momentum: mu, l2, gradientClipping: clip } = this.settings;
    const mom = mu !== 0 ? slots.momentum : undefined;
    switch (c.type) {
      case 'sgd':
      case 'momentum':
        return sgdStep(value, vOff, grad, gOff, n, mom, lr, mu, l2, clip);
      case 'adam':
        return adamStep(
          value, vOff, grad, gOff, n, slots.momentum!, slots.secondMomentum!, lr, c.beta1, c.beta2, c.epsilon, l2, clip,
        );
      case 'adagrad':
        return adagradStep(value, vOff, grad, gOff, n, slots.gradSquareSum!, mom, lr, c.epsilon, mu, l2, clip);
      case 'rmsprop':
        return rmspropStep(
          value, vOff, grad, gOff, n, slots.gradSquareMean!, slots.gradMean!, mom, lr, c.rho, c.epsilon, mu, l2, clip, firstTime,
        );
      case 'adadelta':
        return adadeltaStep(
          value, vOff, grad, gOff, n, slots.gradSquareMean!, slots.updateSquareMean!, mom, lr, c.rho, c.epsilon, mu, l2, clip,
        );
    }
  }
}

/**
 * The update rule of one parameter; same as `new ParameterOptimizer(config, attrs)`.
 *
 * @paddle OptimizerWithRegularizer::create
 * @example
 * const opt = createOptimizer({ type: 'adam', learningRate: 1e-3 }, { learningRate: 0.5 });
 */
export function createOptimizer(config: OptimizerConfig, attrs?: ParameterAttributes): ParameterOptimizer {
  return new ParameterOptimizer(config, attrs);
}

function slotNamesOf(type: ResolvedOptimizerConfig['type'], hasMomentum: boolean): readonly string[] {
  const momentum = hasMomentum ? ['momentum'] : [];
  switch (type) {
    case 'sgd':
    case 'momentum':
      return momentum;
    case 'adam':
      return ['momentum', 'secondMomentum'];
    case 'adagrad':
      return ['gradSquareSum', ...momentum];
    case 'rmsprop':
      return ['gradSquareMean', 'gradMean', ...momentum];
    case 'adadelta':
      return ['gradSquareMean', 'updateSquareMean', ...momentum];
  }
}

/** y += a·(x − y): moves a running mean towards x by the weight a = w / (samples so far + w). */
export function moveTowards(y: Float32Array, a: number, x: Float32Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += a * (x[i]! - y[i]!);
}

/** Validates the sparse arguments; returns the number of rows of the table. */
function checkRows(value: Float32Array, gradRows: Float32Array, rowIds: ArrayLike<number>, width: number): number {
  if (!Number.isSafeInteger(width) || width <= 0) {
    throw new ConfigError(`updateRows: width must be a positive integer, got ${show(width)}`);
  }
  if (value.length % width !== 0) {
    throw new ShapeError(`updateRows: value length ${value.length} is not a multiple of width ${width}`);
  }
  if (gradRows.length !== rowIds.length * width) {
    const expected = `rowIds.length × width = ${rowIds.length} × ${width} = ${rowIds.length * width}`;
    throw new ShapeError(`updateRows: gradRows length ${gradRows.length} does not match ${expected}`);
  }
  const rows = value.length / width;
  const seen = rowIds.length > 1 ? new Set<number>() : undefined;
  for (let k = 0; k < rowIds.length; k++) {
    const row = rowIds[k]!;
    if (!Number.isInteger(row) || row < 0 || row >= rows) {
      throw new ShapeError(`updateRows: rowIds[${k}] = ${show(row)} is not a row of the table; rows are 0 to ${rows - 1}`);
    }
    if (seen !== undefined) {
      if (seen.has(row)) {
        throw new ShapeError(`updateRows: row ${row} appears twice in rowIds; sum the gradients of a repeated row first`);
      }
      seen.add(row);
    }
  }
  return rows;
}

/** RMSProp's per-row first-update flags, made on first use when createState was not told the rows. */
function rowSeenSlot(state: OptimizerState, rows: number): Float32Array {
  let seen = state.slots[ROW_SEEN];
  if (seen === undefined) {
    // A state used densely before: its rows have all had their first update.
    seen = new Float32Array(rows).fill(state.step > 0 ? 1 : 0);
    state.slots[ROW_SEEN] = seen;
  } else if (seen.length !== rows) {
    throw new ShapeError(`updateRows: state slot '${ROW_SEEN}' has length ${seen.length}, expected ${rows} rows`);
  }
  return seen;
}
