import { layer, type Activation, type BiasAttr, type LayerAttr, type LayerOutput, type NameScope, type ParamAttr } from '@oar/layers';
import { denseLayerArg, inner } from './check.js';
import { checkOptions, helperScope, unitSize } from './recurrentArgs.js';

export interface GruUnitArgs {
  /** This step's input, projected to 3·size columns `[x_z | x_r | x_c]`. */
  input: LayerOutput;
  /** Hidden size; default input size / 3. */
  size?: number;
  /** Name of the unit's gru_step layer (and of its memory); default `__gru_unit_N__`. */
  name?: string;
  /** Default: a [1, 3·size] bias. */
  gruBiasAttr?: BiasAttr;
  gruParamAttr?: ParamAttr;
  /** Default tanh. */
  act?: Activation;
  /** Default sigmoid. */
  gateAct?: Activation;
  gruLayerAttr?: LayerAttr;
}

export const GRU_UNIT_KEYS = ['input', 'size', 'name', 'gruBiasAttr', 'gruParamAttr', 'act', 'gateAct', 'gruLayerAttr'];
export const GRU_UNIT_KINDS = { acts: ['act', 'gateAct'], params: ['gruParamAttr'], biases: ['gruBiasAttr'], noDropAttrs: ['gruLayerAttr'] };

/**
 * One GRU step inside a recurrent group: a memory of the unit's own output and a gru_step layer, both named
 * after the unit, so that step t reads the output of step t−1 (the maths of `layer.grumemory`).
 * @paddle paddle.networks.gru_unit (trainer_config_helpers.networks.gru_unit)
 * @example
 * const step = (x: LayerOutput) => networks.gruUnit({ input: layer.mixed({ size: 3 * 64, input: layer.fullMatrixProjection({ input: x }) }) });
 */
export function gruUnit(args: GruUnitArgs): LayerOutput {
  const where = 'networks.gruUnit';
  checkOptions(where, args, GRU_UNIT_KEYS, GRU_UNIT_KINDS);
  return buildGruUnit(where, helperScope(where, 'gru_unit', args.name), args);
}

/** The unit of `scope` (gruGroup gives its own scope, so the unit takes the group's name). */
export function buildGruUnit(where: string, scope: NameScope, args: Omit<GruUnitArgs, 'name'>): LayerOutput {
  const input = denseLayerArg(where, 'input', args.input);
  const size = unitSize(where, input, args.size, 3, '[x_z | x_r | x_c]');
  const outputMem = layer.memory({ name: scope.sub(), size });
  return inner(where, 'gru step', () => layer.gruStep({
    name: scope.sub(), input, outputMem, size, biasAttr: args.gruBiasAttr, paramAttr: args.gruParamAttr,
    act: args.act, gateAct: args.gateAct, layerAttr: args.gruLayerAttr,
  }));
}
