import type { Activation, BiasAttr, LayerAttr, LayerOutput, ParamAttr } from '@oar/layers';
import { positiveInt } from './check.js';
import { bothDirections, directionOptions, JOIN_KEYS, JOIN_KINDS, joinDirections, type JoinArgs } from './bidirectional.js';
import { checkOptions, helperScope, sequenceArg } from './recurrentArgs.js';
import { buildSimpleGru2, SIMPLE_GRU2_KINDS, SIMPLE_GRU2_OPTIONS, type SimpleGru2Args } from './simpleGru2.js';

export interface BidirectionalGruArgs extends JoinArgs {
  input: LayerOutput;
  /** Hidden size of each direction (the output has 2·size columns). */
  size: number;
  /** Name of the output concat; the halves are `simpleGru2`s named `${name}_fw` and `${name}_bw`. */
  name?: string;
  /** Default false: one row per sequence (the forward last and backward first rows); true: whole sequences. */
  returnSeq?: boolean;
  fwdMixedParamAttr?: ParamAttr;
  fwdMixedBiasAttr?: BiasAttr;
  fwdGruParamAttr?: ParamAttr;
  fwdGruBiasAttr?: BiasAttr;
  fwdAct?: Activation;
  fwdGateAct?: Activation;
  fwdMixedLayerAttr?: LayerAttr;
  fwdGruCellAttr?: LayerAttr;
  bwdMixedParamAttr?: ParamAttr;
  bwdMixedBiasAttr?: BiasAttr;
  bwdGruParamAttr?: ParamAttr;
  bwdGruBiasAttr?: BiasAttr;
  bwdAct?: Activation;
  bwdGateAct?: Activation;
  bwdMixedLayerAttr?: LayerAttr;
  bwdGruCellAttr?: LayerAttr;
}


/**
 * A GRU over the sequence in each direction (`simpleGru2` forward as `${name}_fw`, reversed as `${name}_bw`)
 * and their concatenation `name`: whole sequences with `returnSeq`, else the forward half's last row beside
 * the backward half's first row (each direction's summary of the whole sequence).
 * @paddle paddle.networks.bidirectional_gru (trainer_config_helpers.networks.bidirectional_gru)
 * @example
 * const encoded = networks.bidirectionalGru({ input: emb, size: 128, returnSeq: true });
 */
export function bidirectionalGru(args: BidirectionalGruArgs): LayerOutput {
  const where = 'networks.bidirectionalGru';
  checkOptions(where, args, ['input', 'size', 'name', ...JOIN_KEYS, ...bothDirections(SIMPLE_GRU2_OPTIONS)], {
    acts: [...JOIN_KINDS.acts, ...bothDirections(SIMPLE_GRU2_KINDS.acts)],
    params: bothDirections(SIMPLE_GRU2_KINDS.params),
    biases: bothDirections(SIMPLE_GRU2_KINDS.biases),
    layerAttrs: [...JOIN_KINDS.layerAttrs, ...bothDirections(SIMPLE_GRU2_KINDS.layerAttrs)],
    noDropAttrs: [...JOIN_KINDS.noDropAttrs, ...bothDirections(SIMPLE_GRU2_KINDS.noDropAttrs)],
    bools: JOIN_KINDS.bools,
  });
  const input = sequenceArg(where, 'input', args.input);
  const size = positiveInt(where, 'size', args.size);
  const scope = helperScope(where, 'bidirectional_gru', args.name);
  const half = (direction: 'fwd' | 'bwd') => buildSimpleGru2(where, helperScope(where, 'simple_gru2', scope.sub(direction === 'fwd' ? '_fw' : '_bw')), {
    input, size, reverse: direction === 'bwd', ...directionOptions<SimpleGru2Args>(args, direction, SIMPLE_GRU2_OPTIONS),
  });
  return joinDirections(where, scope, half('fwd'), half('bwd'), args);
}
