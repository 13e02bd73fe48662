import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError } from '../errors.js';
import type { OptimizerConfig } from './optimizerConfig.js';
import { cloneOptimizerState, decodeOptimizerState, encodeOptimizerState } from './optimizerState.js';
import { ParameterOptimizer, createOptimizer, moveTowards } from './parameterOptimizer.js';
import { expectClose, loadOptimizerFixtures } from './testing/optimizerFixtures.js';

const fixtures = loadOptimizerFixtures();
const { atol, rtol } = fixtures.tolerance;

/** Deterministic pseudo-random floats in [-1, 1) (a tiny LCG), so tests need no fixture for shape checks. */
function floats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const ALL_TYPES: OptimizerConfig[] = [
  { type: 'sgd', learningRate: 0.1, l2: 0.01, gradientClipping: 0.5 },
  { type: 'momentum', learningRate: 0.1, momentum: 0.9, l2: 0.01 },
  { type: 'adam', learningRate: 0.01, l2: 0.01, gradientClipping: 0.5 },
  { type: 'adagrad', learningRate: 0.1, momentum: 0.5 },
  { type: 'rmsprop', learningRate: 0.01, momentum: 0.5, l2: 0.01 },
  { type: 'adadelta', learningRate: 1, momentum: 0.5, l2: 0.01 },
];

describe('ParameterOptimizer.update against torch.optim / numpy (Paddle formulas)', () => {
  it('has fixtures for every optimizer type, with and without L2 and clipping', () => {
    const types = new Set(fixtures.dense.map((c) => c.config.type));
    expect([...types].sort()).toEqual(['adadelta', 'adagrad', 'adam', 'momentum', 'rmsprop', 'sgd']);
    for (const type of types) {
      const cases = fixtures.dense.filter((c) => c.config.type === type);
      expect(cases.some((c) => !c.config.l2 && !c.config.gradientClipping), `${type} plain`).toBe(true);
      expect(cases.some((c) => c.config.l2 || c.config.gradientClipping), `${type} with l2/clipping`).toBe(true);
    }
  });

  for (const c of fixtures.dense) {
    it(`${c.name} (${c.reference}), ${c.steps.length} steps`, () => {
      const opt = createOptimizer(c.config, c.attrs);
      const value = Float32Array.from(c.value);
      const state = opt.createState(value.length);
      c.steps.forEach((step, k) => {
        opt.update(value, Float32Array.from(step.grad), state, step.progress);
        expectClose(value, step.expected, atol, rtol, `${c.name} step ${k}`);
      });
      expect(state.step).toBe(c.steps.length);
    });
  }
});

describe('ParameterOptimizer.updateMean (a running mean moved by one more gradient, folded into the update)', () => {
  const configs: OptimizerConfig[] = [{ type: 'sgd', learningRate: 0.1 }, { type: 'adam', learningRate: 0.01 }, ...ALL_TYPES];
  for (const config of configs) {
    it(`${JSON.stringify(config)}: the same values, bit for bit, as moveTowards then update, over 3 steps`, () => {
      const opt = createOptimizer(config);
      const fused = { value: floats(1003, 1), state: opt.createState(1003) };
      const reference = { value: fused.value.slice(), state: opt.createState(1003) };
      for (let step = 0; step < 3; step++) {
        const mean = floats(1003, 10 + step);
        const x = floats(1003, 20 + step);
        const a = 64 / (32 + 64);
        const stored = mean.slice();
        moveTowards(stored, a, x);
        const progress = { numSamplesProcessed: 96 * step, pass: 0 };
        opt.update(reference.value, stored, reference.state, progress);
        opt.updateMean(fused.value, mean.slice(), a, x, fused.state, progress);
        expect(Array.from(fused.value), `step ${step}`).toEqual(Array.from(reference.value));
        expect(fused.state).toEqual(reference.state);
      }
    });
  }

  it('leaves the mean as it was where it folds (plain SGD, Adam); refuses arrays of other lengths', () => {
    for (const config of [{ type: 'sgd', learningRate: 0.1 }, { type: 'adam', learningRate: 0.01 }] as OptimizerConfig[]) {
      const opt = createOptimizer(config);
      const mean = floats(10, 3);
      const before = mean.slice();
      opt.updateMean(floats(10, 1), mean, 0.5, floats(10, 2), opt.createState(10));
      expect(mean).toEqual(before);
    }
    const opt = createOptimizer({ type: 'sgd', learningRate: 0.1 });
    expect(() => opt.updateMean(new Float32Array(4), new Float32Array(3), 0.5, new Float32Array(4), opt.createState(4))).toThrow(
      /updateMean: mean length 3 and x length 4 must match value length 4/,
    );
  });
});

describe('ParameterOptimizer.updateRows (lazy sparse rows)', () => {
  for (const c of fixtures.sparse) {
    it(`${c.name} (${c.reference}), ${c.steps.length} steps`, () => {
      const opt = createOptimizer(c.config, c.attrs);
      const value = Float32Array.from(c.value);
      const state = opt.createState(value.length, { rows: c.rows });
      c.steps.forEach((step, k) => {
        opt.updateRows(value, Float32Array.from(step.grad), Int32Array.from(step.rowIds), c.width, state, step.progress);
        expectClose(value, step.expected, atol, rtol, `${c.name} step ${k}`);
      });
    });
  }

  it('leaves untouched rows and their optimizer state bit-for-bit as they were', () => {
    for (const config of ALL_TYPES) {
      const opt = createOptimizer(config);
      const width = 4;
      const value = floats(5 * width, 1);
      const state = opt.createState(value.length, { rows: 5 });
      opt.update(value, floats(value.length, 2), state); // give every slot non-zero contents
      const before = value.slice();
      const slotsBefore = cloneOptimizerState(state);
      opt.updateRows(value, floats(2 * width, 3), [3, 1], width, state);
      for (const row of [0, 2, 4]) {
        const span = [row * width, (row + 1) * width] as const;
        expect(value.subarray(...span), `${config.type} row ${row}`).toEqual(before.subarray(...span));
        for (const name of opt.slotNames) {
          expect(state.slots[name]!.subarray(...span), `${config.type} slot ${name}`).toEqual(slotsBefore.slots[name]!.subarray(...span));
        }
      }
      for (const row of [1, 3]) {
        expect(value.subarray(row * width, (row + 1) * width)).not.toEqual(before.subarray(row * width, (row + 1) * width));
      }
    }
  });

  it('equals the dense update when every row is given, for every optimizer', () => {
    for (const config of ALL_TYPES) {
      const dense = createOptimizer(config);
      const sparse = createOptimizer(config);
      const width = 3;
      const a = floats(4 * width, 4);
      const b = a.slice();
      const sa = dense.createState(a.length);
      const sb = sparse.createState(b.length, { rows: 4 });
      for (let step = 0; step < 4; step++) {
        const grad = floats(a.length, 10 + step);
        dense.update(a, grad, sa, { numSamplesProcessed: step * 8, pass: 0 });
        // Rows in a shuffled order, the gradient packed in that order.
        const ids = [2, 0, 3, 1];
        const packed = new Float32Array(a.length);
        ids.forEach((row, k) => packed.set(grad.subarray(row * width, (row + 1) * width), k * width));
        sparse.updateRows(b, packed, ids, width, sb, { numSamplesProcessed: step * 8, pass: 0 });
      }
      expect(b, config.type).toEqual(a);
    }
  });

  it('counts a step with no rows, so Adam bias correction follows the batches', () => {
    const opt = createOptimizer({ type: 'adam', learningRate: 0.01 });
    const value = floats(6, 5);
    const state = opt.createState(6, { rows: 2 });
    opt.updateRows(value, new Float32Array(0), [], 3, state);
    expect(state.step).toBe(1);
  });

  it('makes RMSProp row flags on first sparse use when createState was not told the rows', () => {
    const opt = createOptimizer({ type: 'rmsprop', learningRate: 0.01 });
    const withRows = opt.createState(6, { rows: 2 });
    const without = opt.createState(6);
    const a = floats(6, 6);
    const b = a.slice();
    opt.updateRows(a, floats(3, 7), [1], 3, withRows);
    opt.updateRows(b, floats(3, 7), [1], 3, without);
    expect(b).toEqual(a);
    expect(without.slots.rowSeen).toEqual(Float32Array.from([0, 1]));
  });
});

describe('ParameterOptimizer behaviour', () => {
  it('does not modify the gradient, even when it clips it', () => {
    const opt = createOptimizer({ type: 'sgd', learningRate: 0.1, gradientClipping: 0.1 });
    const grad = floats(8, 8);
    const copy = grad.slice();
    opt.update(floats(8, 9), grad, opt.createState(8));
    expect(grad).toEqual(copy);
  });

  it('clips elementwise to [-t, t] (Paddle), not by norm', () => {
    const opt = createOptimizer({ type: 'sgd', learningRate: 1, gradientClipping: 0.5 });
    const value = new Float32Array(3);
    opt.update(value, Float32Array.from([2, -3, 0.25]), opt.createState(3));
    expect(value).toEqual(Float32Array.from([-0.5, 0.5, -0.25]));
  });

  it('resumes from an encoded state exactly as if never stopped', () => {
    for (const config of ALL_TYPES) {
      const opt = createOptimizer({ ...config, learningRateSchedule: 'poly', learningRateDecayA: 0.01, learningRateDecayB: 0.5 });
      const straight = floats(10, 11);
      const resumed = straight.slice();
      const s1 = opt.createState(10);
      let s2 = opt.createState(10);
      for (let k = 0; k < 6; k++) {
        const progress = { numSamplesProcessed: 16 * k, pass: 0 };
        opt.update(straight, floats(10, 20 + k), s1, progress);
        if (k === 3) {
          s2 = decodeOptimizerState(encodeOptimizerState(s2));
          opt.checkState(s2, 10);
        }
        opt.update(resumed, floats(10, 20 + k), s2, progress);
      }
      expect(resumed, config.type).toEqual(straight);
      expect(s2.step).toBe(6);
    }
  });

  it('scales the scheduled rate by paramAttr.learningRate', () => {
    const opt = new ParameterOptimizer(
      { type: 'sgd', learningRate: 0.1, learningRateSchedule: 'discexp', learningRateDecayA: 0.5, learningRateDecayB: 100 },
      { learningRate: 3 },
    );
    expect(opt.learningRate({ numSamplesProcessed: 250, pass: 0 })).toBeCloseTo(0.1 * 0.25 * 3, 15);
  });

  it('keeps only the slots it needs', () => {
    expect(createOptimizer({ type: 'sgd' }).slotNames).toEqual([]);
    expect(createOptimizer({ type: 'sgd' }, { momentum: 0.9 }).slotNames).toEqual(['momentum']);
    expect(createOptimizer({ type: 'momentum', momentum: 0.9 }, { momentum: 0 }).slotNames).toEqual([]);
    expect(createOptimizer({ type: 'adam' }).slotNames).toEqual(['momentum', 'secondMomentum']);
    expect(createOptimizer({ type: 'adagrad' }).slotNames).toEqual(['gradSquareSum']);
    expect(createOptimizer({ type: 'rmsprop', momentum: 0.5 }).slotNames).toEqual(['gradSquareMean', 'gradMean', 'momentum']);
    expect(createOptimizer({ type: 'adadelta' }).slotNames).toEqual(['gradSquareMean', 'updateSquareMean']);
  });
});

describe('ParameterOptimizer errors', () => {
  const opt = createOptimizer({ type: 'momentum', learningRate: 0.1, momentum: 0.9 });

  it('rejects a gradient of the wrong length', () => {
    expect(() => opt.update(new Float32Array(12), new Float32Array(10), opt.createState(12))).toThrow(ShapeError);
    expect(() => opt.update(new Float32Array(12), new Float32Array(10), opt.createState(12))).toThrow(
      /^update: grad length 10 does not match value length 12$/,
    );
  });

  it('rejects a state of another size or another optimizer', () => {
    expect(() => opt.update(new Float32Array(4), new Float32Array(4), opt.createState(5))).toThrow(
      /update: state slot 'momentum' has length 5, expected 4/,
    );
    const adamState = createOptimizer({ type: 'adam' }).createState(4);
    delete (adamState.slots as Record<string, unknown>).momentum;
    expect(() => opt.update(new Float32Array(4), new Float32Array(4), adamState)).toThrow(/update: state has no Float32Array slot 'momentum'/);
    expect(() => opt.checkState(createOptimizer({ type: 'adam' }).createState(4), 4)).toThrow(
      /checkState: state has slot 'secondMomentum' that momentum \(momentum 0.9\) does not use \(it uses momentum\)/,
    );
    expect(() => opt.update(new Float32Array(4), new Float32Array(4), { step: -1, slots: opt.createState(4).slots })).toThrow(
      /update: state.step must be a non-negative integer, got -1/,
    );
  });

  it('rejects bad rows', () => {
    const value = new Float32Array(12);
    const state = opt.createState(12);
    expect(() => opt.updateRows(value, new Float32Array(6), [0, 4], 3, state)).toThrow(/updateRows: rowIds\[1\] = 4 is not a row of the table; rows are 0 to 3/);
    expect(() => opt.updateRows(value, new Float32Array(6), [1, 1], 3, state)).toThrow(/updateRows: row 1 appears twice in rowIds/);
    expect(() => opt.updateRows(value, new Float32Array(6), [1.5, 2], 3, state)).toThrow(/rowIds\[0\] = 1.5 is not a row/);
    expect(() => opt.updateRows(value, new Float32Array(5), [1, 2], 3, state)).toThrow(
      /updateRows: gradRows length 5 does not match rowIds.length × width = 2 × 3 = 6/,
    );
    expect(() => opt.updateRows(value, new Float32Array(10), [1, 2], 5, state)).toThrow(/updateRows: value length 12 is not a multiple of width 5/);
    expect(() => opt.updateRows(value, new Float32Array(0), [], 0, state)).toThrow(/updateRows: width must be a positive integer, got 0/);
  });

  it('needs the training progress when the rate is scheduled', () => {
    const scheduled = createOptimizer({ type: 'sgd', learningRateSchedule: 'exp', learningRateDecayA: 0.5, learningRateDecayB: 10 });
    expect(() => scheduled.update(new Float32Array(2), new Float32Array(2), scheduled.createState(2))).toThrow(ConfigError);
    expect(() => scheduled.update(new Float32Array(2), new Float32Array(2), scheduled.createState(2))).toThrow(
      /update: progress \{ numSamplesProcessed, pass \} is required by learningRateSchedule 'exp'/,
    );
    expect(() => scheduled.update(new Float32Array(2), new Float32Array(2), scheduled.createState(2), { numSamplesProcessed: -3, pass: 0 })).toThrow(
      /update: progress.numSamplesProcessed must be a non-negative integer, got -3/,
    );
  });

  it('rejects bad createState arguments', () => {
    expect(() => opt.createState(-1)).toThrow(/createState: size must be a non-negative integer, got -1/);
    expect(() => opt.createState(12, { rows: 5 })).toThrow(/createState: rows must be a positive integer dividing size 12, got 5/);
  });
});
