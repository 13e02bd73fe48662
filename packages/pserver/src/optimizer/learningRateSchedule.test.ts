import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { LEARNING_RATE_SCHEDULES, LearningRateSchedule, parseLearningRateArgs } from './learningRateSchedule.js';
import { loadOptimizerFixtures } from './testing/optimizerFixtures.js';

const fixtures = loadOptimizerFixtures();

describe('LearningRateSchedule against Paddle formulas (LearningRateScheduler.cpp, computed in Python)', () => {
  it('has a fixture for every schedule', () => {
    const names = fixtures.schedules.map((s) => s.config.learningRateSchedule ?? 'constant');
    expect(names.sort()).toEqual([...LEARNING_RATE_SCHEDULES].sort());
  });

  for (const { config, points } of fixtures.schedules) {
    it(`${config.learningRateSchedule ?? 'constant'} at ${points.length} points`, () => {
      const schedule = new LearningRateSchedule(config);
      for (const { progress, learningRate } of points) {
        // Both sides in float64: only rounding of pow/exp differs.
        const got = schedule.at(progress);
        expect(Math.abs(got - learningRate), `n=${progress.numSamplesProcessed} pass=${progress.pass}: ${got} vs ${learningRate}`).toBeLessThanOrEqual(
          1e-12 + 1e-9 * Math.abs(learningRate),
        );
      }
    });
  }

  it('reaches zero after caffe_poly ends and the floor of linear', () => {
    const caffe = new LearningRateSchedule({ learningRate: 1, learningRateSchedule: 'caffe_poly', learningRateDecayA: 100, learningRateDecayB: 1 });
    expect(caffe.at({ numSamplesProcessed: 100, pass: 0 })).toBe(0);
    expect(caffe.at({ numSamplesProcessed: 101, pass: 0 })).toBe(0);
    const linear = new LearningRateSchedule({ learningRate: 1, learningRateSchedule: 'linear', learningRateDecayA: 0.01, learningRateDecayB: 0.25 });
    expect(linear.at({ numSamplesProcessed: 1000, pass: 0 })).toBe(0.25);
  });

  it('takes manual segments as pairs as well as Paddle strings', () => {
    const fromString = new LearningRateSchedule({ learningRateSchedule: 'manual', learningRateArgs: '10:1,20:0.5' });
    const fromPairs = new LearningRateSchedule({ learningRateSchedule: 'manual', learningRateArgs: [[10, 1], [20, 0.5]] });
    for (const n of [0, 10, 11, 20, 21, 1000]) {
      expect(fromPairs.at({ numSamplesProcessed: n, pass: 0 })).toBe(fromString.at({ numSamplesProcessed: n, pass: 0 }));
    }
    expect(parseLearningRateArgs('manual', ' 1000:1.0, 2000:0.5')).toEqual([[1000, 1], [2000, 0.5]]);
  });
});

describe('LearningRateSchedule errors', () => {
  const cases: Array<[object, RegExp]> = [
    [{ learningRate: 0 }, /^sgd: learningRate must be a positive number, got 0$/],
    [{ learningRateSchedule: 'cosine' }, /^sgd: learningRateSchedule must be one of 'constant', 'poly', .*'pass_manual', got "cosine"$/],
    [{ learningRateSchedule: 'poly', learningRateDecayA: 0.1 }, /^sgd: learningRateSchedule 'poly' needs learningRateDecayA and learningRateDecayB$/],
    [{ learningRateSchedule: 'exp', learningRateDecayA: 1.5, learningRateDecayB: 10 }, /^sgd: learningRateDecayA \(the decay factor of 'exp'\) must be in \(0, 1\], got 1.5$/],
    [{ learningRateSchedule: 'discexp', learningRateDecayA: 0.5, learningRateDecayB: 0 }, /^sgd: learningRateDecayB \(samples per decay of 'discexp'\) must be positive, got 0$/],
    [{ learningRateSchedule: 'linear', learningRateDecayA: -1, learningRateDecayB: 0 }, /^sgd: learningRateDecayA must be a non-negative number, got -1$/],
    [{ learningRateSchedule: 'caffe_poly', learningRateDecayA: 0, learningRateDecayB: 1 }, /caffe_poly'\) must be positive, got 0/],
    [{ learningRateDecayA: 0.1 }, /^sgd: learningRateDecayA\/B have no effect with learningRateSchedule 'constant'; remove them$/],
    [{ learningRateSchedule: 'poly', learningRateDecayA: 1, learningRateDecayB: 1, learningRateArgs: '1:1' }, /^sgd: learningRateArgs is only for 'manual' and 'pass_manual' schedules, not 'poly'$/],
    [{ learningRateSchedule: 'manual' }, /^sgd: learningRateArgs is required by the manual schedules/],
    [{ learningRateSchedule: 'manual', learningRateArgs: '100:1,50:0.5' }, /^sgd: learningRateArgs segments must be increasing non-negative integers, got 50 after 100$/],
    [{ learningRateSchedule: 'manual', learningRateArgs: '-5:1' }, /^sgd: learningRateArgs segments must be increasing non-negative integers, got -5$/],
    [{ learningRateSchedule: 'pass_manual', learningRateArgs: '1-1' }, /^sgd: learningRateArgs must look like 'seg0:rate0,seg1:rate1', got "1-1"$/],
    [{ learningRateSchedule: 'manual', learningRateArgs: '1:x' }, /^sgd: learningRateArgs rates must be non-negative numbers, got NaN$/],
    [{ learningRateSchedule: 'manual', learningRateArgs: [[1, 2, 3]] }, /^sgd: learningRateArgs entries must be \[segment, rate\] pairs, got \[1,2,3\]$/],
  ];
  for (const [options, message] of cases) {
    it(`rejects ${JSON.stringify(options)}`, () => {
      expect(() => new LearningRateSchedule(options as never, 'sgd')).toThrow(ConfigError);
      expect(() => new LearningRateSchedule(options as never, 'sgd')).toThrow(message);
    });
  }
});
