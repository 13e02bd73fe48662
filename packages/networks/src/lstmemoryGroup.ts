import { layer, type LayerOutput, type NameScope } from '@oar/layers';
import { buildLstmemoryUnit, LSTM_UNIT_KEYS, LSTM_UNIT_KINDS, type LstmemoryUnitArgs } from './lstmemoryUnit.js';
import { checkOptions, helperScope, sequenceArg, unitSize } from './recurrentArgs.js';

export interface LstmemoryGroupArgs extends LstmemoryUnitArgs {
  /** A sequence projected to 4·size columns. */
  input: LayerOutput;
  /** Name of the output; the group is `${name}_recurrent_group`; default `__lstm_group_N__`. */
  name?: string;
  reverse?: boolean;
}

/**
 * An LSTM as a recurrent group of `lstmemoryUnit` steps: the maths of `layer.lstmemory` (with the gate
 * biases in `mixedBiasAttr` and the peepholes in `lstmBiasAttr`), slower, but with h and c as step layers.
 * The input projection `W x_t` is done outside.
 * @paddle paddle.networks.lstmemory_group (trainer_config_helpers.networks.lstmemory_group)
 * @example
 * const lstm = networks.lstmemoryGroup({ input: layer.mixed({ size: 4 * 64, input: layer.fullMatrixProjection({ input: emb }) }) });
 */
export function lstmemoryGroup(args: LstmemoryGroupArgs): LayerOutput {
  const where = 'networks.lstmemoryGroup';
  checkOptions(where, args, [...LSTM_UNIT_KEYS, 'reverse'], { ...LSTM_UNIT_KINDS, bools: ['reverse'] });
  return buildLstmemoryGroup(where, helperScope(where, 'lstm_group', args.name), args);
}

function buildLstmemoryGroup(where: string, scope: NameScope, args: LstmemoryGroupArgs): LayerOutput {
  const input = sequenceArg(where, 'input', args.input);
  const size = unitSize(where, input, args.size, 4, '[x_a | x_i | x_f | x_o]');
  const { reverse, name: _name, ...unit } = args;
  return layer.recurrentGroup({
    name: scope.sub('_recurrent_group'), input, reverse: reverse ?? false,
    step: (ipt) => buildLstmemoryUnit(where, scope, { ...unit, input: ipt, size }),
  });
}
