import type { Activation, BiasAttr, LayerAttr, LayerOutput, ParamAttr } from '@oar/layers';
import { positiveInt } from './check.js';
import { bothDirections, directionOptions, JOIN_KEYS, JOIN_KINDS, joinDirections, type JoinArgs } from './bidirectional.js';
import { checkOptions, helperScope, sequenceArg } from './recurrentArgs.js';
import { buildSimpleLstm, SIMPLE_LSTM_KINDS, SIMPLE_LSTM_OPTIONS, type SimpleLstmArgs } from './simpleLstm.js';

export interface BidirectionalLstmArgs extends JoinArgs {
  input: LayerOutput;
  /** Hidden size of each direction (the output has 2·size columns). */
  size: number;
  /** Name of the output concat; the halves are `simpleLstm`s named `${name}_fw` and `${name}_bw`. */
  name?: string;
  /** Default false: one row per sequence (the forward last and backward first rows); true: whole sequences. */
  returnSeq?: boolean;
  fwdMatParamAttr?: ParamAttr;
  fwdBiasParamAttr?: BiasAttr;
  fwdInnerParamAttr?: ParamAttr;
  fwdAct?: Activation;
  fwdGateAct?: Activation;
  fwdStateAct?: Activation;
  fwdMixedLayerAttr?: LayerAttr;
  fwdLstmCellAttr?: LayerAttr;
  bwdMatParamAttr?: ParamAttr;
  bwdBiasParamAttr?: BiasAttr;
  bwdInnerParamAttr?: ParamAttr;
  bwdAct?: Activation;
  bwdGateAct?: Activation;
  bwdStateAct?: Activation;
  bwdMixedLayerAttr?: LayerAttr;
  bwdLstmCellAttr?: LayerAttr;
}


/**
 * An LSTM over the sequence in each direction (`simpleLstm` forward as `${name}_fw`, reversed as `${name}_bw`)
 * and their concatenation `name`: whole sequences with `returnSeq`, else the forward half's last row beside
 * the backward half's first row.
 * @paddle paddle.networks.bidirectional_lstm (trainer_config_helpers.networks.bidirectional_lstm)
 * @example
 * const features = networks.bidirectionalLstm({ input: emb, size: 64 });
 */
export function bidirectionalLstm(args: BidirectionalLstmArgs): LayerOutput {
  const where = 'networks.bidirectionalLstm';
  checkOptions(where, args, ['input', 'size', 'name', ...JOIN_KEYS, ...bothDirections(SIMPLE_LSTM_OPTIONS)], {
    acts: [...JOIN_KINDS.acts, ...bothDirections(SIMPLE_LSTM_KINDS.acts)],
    params: bothDirections(SIMPLE_LSTM_KINDS.params),
    biases: bothDirections(SIMPLE_LSTM_KINDS.biases),
    layerAttrs: [...JOIN_KINDS.layerAttrs, ...bothDirections(SIMPLE_LSTM_KINDS.layerAttrs)],
    noDropAttrs: [...JOIN_KINDS.noDropAttrs, ...bothDirections(SIMPLE_LSTM_KINDS.noDropAttrs)],
    bools: JOIN_KINDS.bools,
  });
  const input = sequenceArg(where, 'input', args.input);
  const size = positiveInt(where, 'size', args.size);
  const scope = helperScope(where, 'bidirectional_lstm', args.name);
  const half = (direction: 'fwd' | 'bwd') => buildSimpleLstm(where, helperScope(where, 'lstm', scope.sub(direction === 'fwd' ? '_fw' : '_bw')), {
    input, size, reverse: direction === 'bwd', ...directionOptions<SimpleLstmArgs>(args, direction, SIMPLE_LSTM_OPTIONS),
  });
  return joinDirections(where, scope, half('fwd'), half('bwd'), args);
}
