import { ConfigError, show } from './errors.js';

/**
 * Activation names of the DSL and their Paddle `active_type` strings.
 * @paddle paddle.activation.* (TanhActivation, SigmoidActivation, SequenceSoftmaxActivation, ...)
 */
export const ACTIVATIONS = {
  linear: '',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  softmax: 'softmax',
  sequenceSoftmax: 'sequence_softmax',
  relu: 'relu',
  brelu: 'brelu',
  softrelu: 'softrelu',
  stanh: 'stanh',
  abs: 'abs',
  square: 'square',
  exp: 'exponential',
  log: 'log',
  sqrt: 'sqrt',
  reciprocal: 'reciprocal',
} as const;

export type Activation = keyof typeof ACTIVATIONS;
export type PaddleActiveType = (typeof ACTIVATIONS)[Activation];

const byPaddleName = new Map<string, Activation>(
  Object.entries(ACTIVATIONS).map(([k, v]) => [v, k as Activation]),
);

/** Validates an activation argument and returns its Paddle `active_type` string. */
export function activeType(where: string, act: unknown, fallback: Activation): PaddleActiveType {
  const name = act === undefined ? fallback : act;
  if (typeof name !== 'string' || !(name in ACTIVATIONS)) {
    throw new ConfigError(
      `${where}: act must be one of ${Object.keys(ACTIVATIONS).join(', ')}, got ${show(act)}`,
    );
  }
  return ACTIVATIONS[name as Activation];
}

/** The DSL name of a Paddle `active_type` string ('' is linear). */
export function activationOf(paddleActiveType: string): Activation | undefined {
  return byPaddleName.get(paddleActiveType);
}
