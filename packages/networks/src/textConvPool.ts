import type { LayerOutput } from '@oar/layers';
import { buildSequenceConvPool, type SequenceConvPoolArgs } from './sequenceConvPool.js';

/**
 * Text convolution pooling: the same helper as `sequenceConvPool` (same arguments, same default names
 * `__sequence_conv_pooling_N__`), under Paddle's other name.
 * @paddle paddle.networks.text_conv_pool (an alias of sequence_conv_pool)
 * @example
 * const conv4 = networks.textConvPool({ input: emb, contextLen: 4, hiddenSize: 128, poolType: 'avg' });
 */
export function textConvPool(args: SequenceConvPoolArgs): LayerOutput {
  return buildSequenceConvPool('networks.textConvPool', args);
}
