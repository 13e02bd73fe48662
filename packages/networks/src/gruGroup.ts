import { layer, type LayerOutput, type NameScope } from '@oar/layers';
import { buildGruUnit, GRU_UNIT_KEYS, GRU_UNIT_KINDS, type GruUnitArgs } from './gruUnit.js';
import { checkOptions, helperScope, sequenceArg, unitSize } from './recurrentArgs.js';

export interface GruGroupArgs extends GruUnitArgs {
  /** A sequence projected to 3·size columns. */
  input: LayerOutput;
  /** Name of the group's output; the group is `${name}_recurrent_group`; default `__gru_group_N__`. */
  name?: string;
  reverse?: boolean;
}

export const GRU_GROUP_KEYS = [...GRU_UNIT_KEYS, 'reverse'];
export const GRU_GROUP_KINDS = { ...GRU_UNIT_KINDS, bools: ['reverse'] };

/**
 * A GRU as a recurrent group of `gruUnit` steps: the same maths as `layer.grumemory` (slower, but its
 * hidden state is a layer of the step, for attention and other step-level wiring). The input projection
 * `W x_t` is done outside. Layers: `${name}_recurrent_group`, the memory `${name}+delay1` and gru_step `name`
 * inside it, and the output `name`.
 * @paddle paddle.networks.gru_group (trainer_config_helpers.networks.gru_group)
 * @example
 * const gru = networks.gruGroup({ input: layer.mixed({ size: 3 * 64, input: layer.fullMatrixProjection({ input: emb }) }) });
 */
export function gruGroup(args: GruGroupArgs): LayerOutput {
  const where = 'networks.gruGroup';
  checkOptions(where, args, GRU_GROUP_KEYS, GRU_GROUP_KINDS);
  return buildGruGroup(where, helperScope(where, 'gru_group', args.name), args);
}

export function buildGruGroup(where: string, scope: NameScope, args: Omit<GruGroupArgs, 'name'>): LayerOutput {
  const input = sequenceArg(where, 'input', args.input);
  const size = unitSize(where, input, args.size, 3, '[x_z | x_r | x_c]');
  const { reverse, ...unit } = args;
  return layer.recurrentGroup({
    name: scope.sub('_recurrent_group'), input, reverse: reverse ?? false,
    step: (ipt) => buildGruUnit(where, scope, { ...unit, input: ipt, size }),
  });
}
