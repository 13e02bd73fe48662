import type { LayerName } from '../NameScope.js';
import { asLayerAttr, type LayerAttr } from '../attrs.js';
import { knownKeys, optionalName } from '../check.js';
import { ConfigError } from '../errors.js';
import { asLayer, denseInput } from '../inputs.js';
import { LayerOutput } from '../LayerOutput.js';

/**
 * Transposes the batch: a batch of N rows of size S becomes S rows of size N. The layer's size stays the input's,
 * as in Paddle, so the layers after it fit only batches of exactly S samples (the worker checks).
 * @paddle paddle.layer.trans (trans_layer)
 * @example
 * const columns = layer.trans({ input: features });
 */
export function trans(args: { input: LayerOutput; name?: LayerName; layerAttr?: LayerAttr }): LayerOutput {
  const where = 'layer.trans';
  knownKeys(where, args, ['input', 'name', 'layerAttr']);
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  if (input.seqLevel !== 0) throw new ConfigError(`${where}: input must not be a sequence (the whole batch is transposed), got ${input.describe()}`);
  const name = optionalName(where, args.name);
  const drop = asLayerAttr(where, args.layerAttr)?.dropRate;
  return new LayerOutput({
    prefix: 'trans_layer', ...(name ? { name } : {}), size: input.size, seqLevel: 0, inputs: [input],
    emit: (ctx) => ({
      type: 'trans', size: input.size, active_type: '', inputs: [{ input_layer_name: ctx.nameOf(input) }],
      ...(drop ? { drop_rate: drop } : {}),
    }),
  });
}
