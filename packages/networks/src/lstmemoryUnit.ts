import { layer, type Activation, type BiasAttr, type LayerAttr, type LayerOutput, type NameScope, type ParamAttr } from '@oar/layers';
import { denseLayerArg, inner } from './check.js';
import { checkOptions, helperScope, unitSize } from './recurrentArgs.js';

export interface LstmemoryUnitArgs {
  /** This step's input, projected to 4·size columns `[x_a | x_i | x_f | x_o]` (`W x_t`, done outside). */
  input: LayerOutput;
  /** Name of the unit's lstm_step layer; default `__lstm_unit_N__`. */
  name?: string;
  /** Hidden size; default input size / 4. */
  size?: number;
  /** The recurrent weight U, [size, 4·size]. */
  paramAttr?: ParamAttr;
  /** Default tanh. */
  act?: Activation;
  /** Default sigmoid. */
  gateAct?: Activation;
  /** Default tanh. */
  stateAct?: Activation;
  /** The gate biases b_{a,i,f,o} of the mixed layer; default none (as in Paddle). */
  mixedBiasAttr?: BiasAttr;
  /** The peepholes w_{ci,cf,co} of the lstm_step layer, [1, 3·size]; default present. */
  lstmBiasAttr?: BiasAttr;
  mixedLayerAttr?: LayerAttr;
  lstmLayerAttr?: LayerAttr;
  getOutputLayerAttr?: LayerAttr;
}

export const LSTM_UNIT_KEYS = [
  'input', 'name', 'size', 'paramAttr', 'act', 'gateAct', 'stateAct', 'mixedBiasAttr', 'lstmBiasAttr', 'mixedLayerAttr',
  'lstmLayerAttr', 'getOutputLayerAttr',
];
export const LSTM_UNIT_KINDS = {
  acts: ['act', 'gateAct', 'stateAct'], params: ['paramAttr'], biases: ['mixedBiasAttr', 'lstmBiasAttr'],
  layerAttrs: ['mixedLayerAttr'], noDropAttrs: ['lstmLayerAttr', 'getOutputLayerAttr'],
};

/**
 * One LSTM step inside a recurrent group, as Paddle builds it: memories `name` (h) and `${name}_state` (c),
 * a mixed layer `${name}_input_recurrent` = input + h·U (identity and full-matrix projections, bias
 * `mixedBiasAttr`), an lstm_step `name` and a get_output `${name}_state` of its cell. The maths of
 * `layer.lstmemory` one row at a time.
 * @paddle paddle.networks.lstmemory_unit (trainer_config_helpers.networks.lstmemory_unit)
 * @example
 * const step = (x: LayerOutput) => networks.lstmemoryUnit({ input: layer.mixed({ size: 4 * 64, input: layer.fullMatrixProjection({ input: x }) }) });
 */
export function lstmemoryUnit(args: LstmemoryUnitArgs): LayerOutput {
  const where = 'networks.lstmemoryUnit';
  checkOptions(where, args, LSTM_UNIT_KEYS, LSTM_UNIT_KINDS);
  return buildLstmemoryUnit(where, helperScope(where, 'lstm_unit', args.name), args);
}

/** The unit of `scope` (lstmemoryGroup gives its own scope, so the unit takes the group's name). */
export function buildLstmemoryUnit(where: string, scope: NameScope, args: Omit<LstmemoryUnitArgs, 'name'>): LayerOutput {
  const input = denseLayerArg(where, 'input', args.input);
  const size = unitSize(where, input, args.size, 4, '[x_a | x_i | x_f | x_o]');
  const outMem = layer.memory({ name: scope.sub(), size });
  const stateMem = layer.memory({ name: scope.sub('_state'), size });
  const gates = inner(where, 'input_recurrent', () => layer.mixed({
    name: scope.sub('_input_recurrent'), size: 4 * size, biasAttr: args.mixedBiasAttr, layerAttr: args.mixedLayerAttr,
    input: [layer.identityProjection({ input }), layer.fullMatrixProjection({ input: outMem, paramAttr: args.paramAttr })],
  }));
  const out = inner(where, 'lstm step', () => layer.lstmStep({
    name: scope.sub(), input: gates, state: stateMem, size, biasAttr: args.lstmBiasAttr, act: args.act,
    gateAct: args.gateAct, stateAct: args.stateAct, layerAttr: args.lstmLayerAttr,
  }));
  // Returned by nothing: the state memory finds it by its name when the group is built.
  inner(where, 'get_output', () => layer.getOutput({ name: scope.sub('_state'), input: out, argName: 'state', layerAttr: args.getOutputLayerAttr }));
  return out;
}
