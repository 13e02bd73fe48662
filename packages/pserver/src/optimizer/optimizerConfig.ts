import { ConfigError, show } from '../errors.js';
import { knownKeys, nonNegative, positive, unitOpen } from './check.js';
import { LearningRateSchedule, type LearningRateScheduleOptions } from './learningRateSchedule.js';

/** Settings every optimizer takes: the learning rate and its schedule, L2 decay, gradient clipping. */
export interface OptimizerCommonConfig extends LearningRateScheduleOptions {
  /**
   * L2 weight decay rate: `l2 · w` joins the gradient in the step. Paddle's
   * `regularization=L2Regularization(rate)` (ParameterConfig `decay_rate`). Default 0.
   */
  l2?: number;
  /**
   * Elementwise gradient clipping threshold t: each gradient element is clipped to [−t, t] before the step.
   * Paddle's `gradient_clipping_threshold` (OptimizerWithGradientClipping). Default: no clipping.
   */
  gradientClipping?: number;
}

/** Plain SGD, with Paddle's momentum form when `momentum` is set. @paddle learning_method=momentum */
export interface SgdConfig extends OptimizerCommonConfig {
  type: 'sgd';
  /** Default 0. */
  momentum?: number;
}

/** SGD with momentum (Paddle's form, below). @paddle MomentumOptimizer */
export interface MomentumConfig extends OptimizerCommonConfig {
  type: 'momentum';
  momentum: number;
}

/** Adam. @paddle AdamOptimizer */
export interface AdamConfig extends OptimizerCommonConfig {
  type: 'adam';
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
}

/** AdaGrad. @paddle AdaGradOptimizer */
export interface AdagradConfig extends OptimizerCommonConfig {
  type: 'adagrad';
  /** Paddle's `ada_epsilon`, inside the square root. Default 1e-6. */
  epsilon?: number;
  /** Paddle applies the per-parameter momentum to AdaGrad's step too. Default 0. */
  momentum?: number;
}

/** RMSProp, Paddle's centred form. @paddle RMSPropOptimizer */
export interface RmspropConfig extends OptimizerCommonConfig {
  type: 'rmsprop';
  /** Paddle's `ada_rou`. Default 0.95. */
  rho?: number;
  /** Paddle's `ada_epsilon`, inside the square root. Default 1e-6. */
  epsilon?: number;
  /** Default 0. */
  momentum?: number;
}

/** AdaDelta. @paddle AdaDeltaOptimizer */
export interface AdadeltaConfig extends OptimizerCommonConfig {
  type: 'adadelta';
  /** Paddle's `ada_rou`. Default 0.95. */
  rho?: number;
  /** Paddle's `ada_epsilon`. Default 1e-6. */
  epsilon?: number;
  /** Default 0. */
  momentum?: number;
}

/** An optimizer's settings, told apart by `type`. */
export type OptimizerConfig = SgdConfig | MomentumConfig | AdamConfig | AdagradConfig | RmspropConfig | AdadeltaConfig;

/** The optimizer types. */
export type OptimizerType = OptimizerConfig['type'];

/** Optimizer types, in the order of the docs. */
export const OPTIMIZER_TYPES: readonly OptimizerType[] = ['sgd', 'momentum', 'adam', 'adagrad', 'rmsprop', 'adadelta'];

/**
 * Per-parameter settings (a `paramAttr`'s optimizer fields). Other fields of a paramAttr are ignored, so a
 * whole paramAttr may be passed.
 */
export interface ParameterAttributes {
  /** Multiplies the scheduled learning rate for this parameter; Paddle's ParamAttr `learning_rate`. Default 1. */
  learningRate?: number;
  /** This parameter's L2 decay rate, replacing the optimizer's `l2`; Paddle's `l2_rate` (`decay_rate`). */
  l2Rate?: number;
  /** This parameter's momentum, replacing the optimizer's; Paddle's ParamAttr `momentum`. Not for adam. */
  momentum?: number;
  /** This parameter's clipping threshold, replacing the optimizer's; Paddle's `gradient_clipping_threshold`. */
  gradientClipping?: number;
}

/** A validated config with every default filled in; fields a type does not use are 0. */
export interface ResolvedOptimizerConfig {
  readonly type: OptimizerType;
  readonly schedule: LearningRateSchedule;
  readonly l2: number;
  /** Clipping threshold; `Infinity` when off. */
  readonly gradientClipping: number;
  readonly momentum: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly rho: number;
}

/** The settings one parameter is updated with: the optimizer's, with its paramAttr applied. */
export interface ParameterSettings {
  readonly learningRateMultiplier: number;
  readonly l2: number;
  readonly momentum: number;
  /** `Infinity` when off. */
  readonly gradientClipping: number;
}

const COMMON_KEYS = [
  'type',
  'learningRate',
  'learningRateSchedule',
  'learningRateDecayA',
  'learningRateDecayB',
  'learningRateArgs',
  'l2',
  'gradientClipping',
];

const TYPE_KEYS: Record<OptimizerType, readonly string[]> = {
  sgd: ['momentum'],
  momentum: ['momentum'],
  adam: ['beta1', 'beta2', 'epsilon'],
  adagrad: ['epsilon', 'momentum'],
  rmsprop: ['rho', 'epsilon', 'momentum'],
  adadelta: ['rho', 'epsilon', 'momentum'],
};

/**
 * Validates an optimizer config and fills in Paddle's defaults; errors name the type and the argument.
 *
 * @paddle OptimizationConfig (settings(learning_method=..., regularization=..., gradient_clipping_threshold=...))
 * @example
 * resolveOptimizerConfig({ type: 'adam', learningRate: 1e-3, beta1: 1.5 });
 * // ConfigError: adam: beta1 must be in [0, 1), got 1.5
 */
export function resolveOptimizerConfig(config: OptimizerConfig): ResolvedOptimizerConfig {
  if (typeof config !== 'object' || config === null || !OPTIMIZER_TYPES.includes(config.type)) {
    const got = typeof config === 'object' && config !== null ? (config as { type?: unknown }).type : config;
    const allowed = OPTIMIZER_TYPES.map((t) => `'${t}'`).join(', ');
    throw new ConfigError(`optimizer: type must be one of ${allowed}, got ${show(got)}`);
  }
  const type = config.type;
  knownKeys(type, config, [...COMMON_KEYS, ...TYPE_KEYS[type]]);
  const c = config as OptimizerCommonConfig & Partial<Record<'momentum' | 'beta1' | 'beta2' | 'epsilon' | 'rho', number>>;
  if (type === 'momentum' && c.momentum === undefined) {
    throw new ConfigError(`momentum: momentum is required, a number in [0, 1) such as 0.9`);
  }
  return {
    type,
    schedule: new LearningRateSchedule(c, type),
    l2: nonNegative(type, 'l2', c.l2 ?? 0),
    gradientClipping: c.gradientClipping === undefined ? Infinity : positive(type, 'gradientClipping', c.gradientClipping),
    momentum: unitOpen(type, 'momentum', c.momentum ?? 0),
    beta1: type === 'adam' ? unitOpen(type, 'beta1', c.beta1 ?? 0.9) : 0,
    beta2: type === 'adam' ? unitOpen(type, 'beta2', c.beta2 ?? 0.999) : 0,
    epsilon: type === 'sgd' || type === 'momentum' ? 0 : positive(type, 'epsilon', c.epsilon ?? (type === 'adam' ? 1e-8 : 1e-6)),
    rho: type === 'rmsprop' || type === 'adadelta' ? unitOpen(type, 'rho', c.rho ?? 0.95) : 0,
  };
}

/**
 * The settings one parameter is updated with: the optimizer's, overridden or scaled by its paramAttr.
 *
 * @paddle ParameterConfig (learning_rate, decay_rate, momentum, gradient_clipping_threshold)
 * @example
 * resolveParameterSettings(resolveOptimizerConfig({ type: 'sgd', l2: 1e-4 }), { learningRate: 2, l2Rate: 0 });
 * // { learningRateMultiplier: 2, l2: 0, momentum: 0, gradientClipping: Infinity }
 */
export function resolveParameterSettings(config: ResolvedOptimizerConfig, attrs: ParameterAttributes = {}): ParameterSettings {
  if (typeof attrs !== 'object' || attrs === null) {
    throw new ConfigError(`paramAttr: expected an object of parameter attributes, got ${show(attrs)}`);
  }
  if (config.type === 'adam' && attrs.momentum !== undefined) {
    throw new ConfigError(`paramAttr: momentum has no meaning for adam (it has beta1), got momentum ${show(attrs.momentum)}`);
  }
  const { learningRate, l2Rate, momentum, gradientClipping } = attrs;
  return {
    learningRateMultiplier: learningRate === undefined ? 1 : nonNegative('paramAttr', 'learningRate', learningRate),
    l2: l2Rate === undefined ? config.l2 : nonNegative('paramAttr', 'l2Rate', l2Rate),
    momentum: momentum === undefined ? config.momentum : unitOpen('paramAttr', 'momentum', momentum),
    gradientClipping:
      gradientClipping === undefined ? config.gradientClipping : positive('paramAttr', 'gradientClipping', gradientClipping),
  };
}
