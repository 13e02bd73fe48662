import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { resolveOptimizerConfig, resolveParameterSettings, type OptimizerConfig } from './optimizerConfig.js';

describe('resolveOptimizerConfig', () => {
  it("fills in Paddle's defaults", () => {
    const adam = resolveOptimizerConfig({ type: 'adam' });
    expect([adam.beta1, adam.beta2, adam.epsilon, adam.schedule.learningRate, adam.l2]).toEqual([0.9, 0.999, 1e-8, 1e-3, 0]);
    expect(adam.gradientClipping).toBe(Infinity);
    const rmsprop = resolveOptimizerConfig({ type: 'rmsprop', learningRate: 0.01 });
    expect([rmsprop.rho, rmsprop.epsilon, rmsprop.momentum]).toEqual([0.95, 1e-6, 0]);
    expect(resolveOptimizerConfig({ type: 'adagrad' }).epsilon).toBe(1e-6);
    expect(resolveOptimizerConfig({ type: 'sgd' }).schedule.name).toBe('constant');
  });

  const bad: Array<[unknown, RegExp]> = [
    [{ type: 'adam', beta1: 1.5 }, /^adam: beta1 must be in \[0, 1\), got 1.5$/],
    [{ type: 'adam', beta2: -0.1 }, /^adam: beta2 must be in \[0, 1\), got -0.1$/],
    [{ type: 'adam', epsilon: 0 }, /^adam: epsilon must be a positive number, got 0$/],
    [{ type: 'rmsprop', rho: 1 }, /^rmsprop: rho must be in \[0, 1\), got 1$/],
    [{ type: 'adagrad', epsilon: 'small' }, /^adagrad: epsilon must be a positive number, got "small"$/],
    [{ type: 'momentum' }, /^momentum: momentum is required, a number in \[0, 1\) such as 0.9$/],
    [{ type: 'sgd', momentum: 1 }, /^sgd: momentum must be in \[0, 1\), got 1$/],
    [{ type: 'sgd', l2: -1e-4 }, /^sgd: l2 must be a non-negative number, got -0.0001$/],
    [{ type: 'sgd', gradientClipping: 0 }, /^sgd: gradientClipping must be a positive number, got 0$/],
    [{ type: 'sgd', learningRate: Number.NaN }, /^sgd: learningRate must be a positive number, got NaN$/],
    [{ type: 'adam', momentum: 0.9 }, /^adam: unknown option 'momentum'; allowed options are type, learningRate, .*beta1, beta2, epsilon$/],
    [{ type: 'sgd', learning_rate: 0.1 }, /^sgd: unknown option 'learning_rate'/],
    [{ type: 'lbfgs' }, /^optimizer: type must be one of 'sgd', 'momentum', 'adam', 'adagrad', 'rmsprop', 'adadelta', got "lbfgs"$/],
    [null, /^optimizer: type must be one of .*, got null$/],
  ];
  for (const [config, message] of bad) {
    it(`rejects ${JSON.stringify(config)}`, () => {
      expect(() => resolveOptimizerConfig(config as OptimizerConfig)).toThrow(ConfigError);
      expect(() => resolveOptimizerConfig(config as OptimizerConfig)).toThrow(message);
    });
  }
});

describe('resolveParameterSettings', () => {
  const sgd = resolveOptimizerConfig({ type: 'sgd', l2: 1e-3, momentum: 0.9, gradientClipping: 5 });

  it('takes the optimizer settings when the paramAttr says nothing', () => {
    expect(resolveParameterSettings(sgd)).toEqual({ learningRateMultiplier: 1, l2: 1e-3, momentum: 0.9, gradientClipping: 5 });
  });

  it('lets the paramAttr override l2, momentum and clipping and scale the rate; ignores its other fields', () => {
    const attrs = { learningRate: 0.5, l2Rate: 0, momentum: 0, gradientClipping: 1, initialStd: 0.01, name: 'w' };
    expect(resolveParameterSettings(sgd, attrs)).toEqual({ learningRateMultiplier: 0.5, l2: 0, momentum: 0, gradientClipping: 1 });
  });

  it('rejects bad attributes', () => {
    expect(() => resolveParameterSettings(sgd, { learningRate: -1 })).toThrow(/^paramAttr: learningRate must be a non-negative number, got -1$/);
    expect(() => resolveParameterSettings(sgd, { l2Rate: Number.POSITIVE_INFINITY })).toThrow(/^paramAttr: l2Rate must be a non-negative number, got Infinity$/);
    expect(() => resolveParameterSettings(sgd, { momentum: 2 })).toThrow(/^paramAttr: momentum must be in \[0, 1\), got 2$/);
    expect(() => resolveParameterSettings(resolveOptimizerConfig({ type: 'adam' }), { momentum: 0.9 })).toThrow(
      /^paramAttr: momentum has no meaning for adam \(it has beta1\), got momentum 0.9$/,
    );
  });
});
