import { layer, type Activation, type BiasAttr, type LayerAttr, type LayerOutput, type NameScope, type ParamAttr } from '@oar/layers';
import { inner, positiveInt } from './check.js';
import { checkOptions, helperScope, sequenceArg } from './recurrentArgs.js';

export interface SimpleLstmArgs {
  /** A sequence of dense rows. */
  input: LayerOutput;
  /** Hidden size. */
  size: number;
  /** Name of the lstmemory layer; the projection is `lstm_transform_${name}`; default `__lstm_N__`. */
  name?: string;
  reverse?: boolean;
  /** The input projection W, [input size, 4·size]. */
  matParamAttr?: ParamAttr;
  /** The lstmemory bias, [1, 7·size]; default present. */
  biasParamAttr?: BiasAttr;
  /** The recurrent weight U. */
  innerParamAttr?: ParamAttr;
  act?: Activation;
  gateAct?: Activation;
  stateAct?: Activation;
  mixedLayerAttr?: LayerAttr;
  lstmCellAttr?: LayerAttr;
}

export const SIMPLE_LSTM_OPTIONS = [
  'matParamAttr', 'biasParamAttr', 'innerParamAttr', 'act', 'gateAct', 'stateAct', 'mixedLayerAttr', 'lstmCellAttr',
] as const;
export const SIMPLE_LSTM_KINDS = {
  acts: ['act', 'gateAct', 'stateAct'], params: ['matParamAttr', 'innerParamAttr'], biases: ['biasParamAttr'],
  layerAttrs: ['mixedLayerAttr'], noDropAttrs: ['lstmCellAttr'], bools: ['reverse'],
};

/**
 * A whole LSTM with the fused layer: the input projection `[x_a | x_i | x_f | x_o] = W x_t` (a linear mixed layer
 * `lstm_transform_${name}` of size 4·size, no bias) and a `layer.lstmemory` named `name`.
 * @paddle paddle.networks.simple_lstm (trainer_config_helpers.networks.simple_lstm)
 * @example
 * const lstm = networks.simpleLstm({ input: emb, size: 128 });
 */
export function simpleLstm(args: SimpleLstmArgs): LayerOutput {
  const where = 'networks.simpleLstm';
  checkOptions(where, args, ['input', 'size', 'name', 'reverse', ...SIMPLE_LSTM_OPTIONS], SIMPLE_LSTM_KINDS);
  return buildSimpleLstm(where, helperScope(where, 'lstm', args.name), args);
}

export function buildSimpleLstm(where: string, scope: NameScope, args: Omit<SimpleLstmArgs, 'name'>): LayerOutput {
  const input = sequenceArg(where, 'input', args.input);
  const size = positiveInt(where, 'size', args.size);
  const projected = inner(where, 'transform', () => layer.mixed({
    name: scope.sub('', 'lstm_transform_'), size: 4 * size, act: 'linear', biasAttr: false, layerAttr: args.mixedLayerAttr,
    input: layer.fullMatrixProjection({ input, paramAttr: args.matParamAttr }),
  }));
  return inner(where, 'lstmemory', () => layer.lstmemory({
    name: scope.sub(), input: projected, reverse: args.reverse, biasAttr: args.biasParamAttr, paramAttr: args.innerParamAttr,
    act: args.act, gateAct: args.gateAct, stateAct: args.stateAct, layerAttr: args.lstmCellAttr,
  }));
}
