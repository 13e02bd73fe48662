import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { TrainingProgress } from '../learningRateSchedule.js';
import type { OptimizerConfig, ParameterAttributes } from '../optimizerConfig.js';

/** The fixtures written by packages/pserver/fixtures/make_fixtures.py (torch.optim and numpy references). */
export interface OptimizerFixtures {
  torch: string;
  tolerance: { atol: number; rtol: number };
  schedules: Array<{ config: Omit<OptimizerConfig, 'type'>; points: Array<{ progress: TrainingProgress; learningRate: number }> }>;
  dense: DenseCase[];
  sparse: SparseCase[];
}

export interface DenseCase {
  name: string;
  reference: string;
  config: OptimizerConfig;
  attrs: ParameterAttributes;
  value: number[];
  steps: Array<{ grad: number[]; progress: TrainingProgress; expected: number[] }>;
}

export interface SparseCase extends Omit<DenseCase, 'steps'> {
  rows: number;
  width: number;
  steps: Array<{ rowIds: number[]; grad: number[]; progress: TrainingProgress; expected: number[] }>;
}

export function loadOptimizerFixtures(): OptimizerFixtures {
  const url = new URL('../../../fixtures/optimizer_fixtures.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as OptimizerFixtures;
}

/** Largest error over the bound `atol + rtol·|expected|`; fails with the worst element named. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let worst = -1;
  let worstRatio = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    const ratio = err / (atol + rtol * Math.abs(expected[i]!));
    if (!(ratio <= worstRatio)) {
      worstRatio = ratio;
      worst = i;
    }
  }
  expect(
    worstRatio <= 1,
    worst < 0 ? label : `${label}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (error/bound ${worstRatio.toFixed(2)})`,
  ).toBe(true);
}
