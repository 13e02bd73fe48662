import { asLayerAttrWithoutDrop, type LayerAttr } from '../attrs.js';
import { knownKeys, optionalName } from '../check.js';
import { ConfigError, show } from '../errors.js';
import { asLayer } from '../inputs.js';
import { LayerOutput } from '../LayerOutput.js';
import type { LayerName } from '../NameScope.js';

/**
 * Reads another output of a layer that has several: `'state'` of `layer.lstmStep` is its new cell c'.
 * @paddle paddle.layer.get_output (get_output_layer)
 * @example
 * const cell = layer.getOutput({ name: 'lstm_state', input: lstmStepOutput, argName: 'state' });
 */
export function getOutput(args: { input: LayerOutput; argName: string; name?: LayerName; layerAttr?: LayerAttr }): LayerOutput {
  const where = 'layer.getOutput';
  knownKeys(where, args, ['input', 'argName', 'name', 'layerAttr']);
  const input = asLayer(where, 'input', args.input);
  if (typeof args.argName !== 'string' || !input.outputs.includes(args.argName)) {
    throw new ConfigError(`${where}: argName must name an output of ${input.describe()}, one of ${input.outputs.map((o) => `'${o}'`).join(', ')}; got ${show(args.argName)}`);
  }
  const argName = args.argName;
  asLayerAttrWithoutDrop(where, 'layerAttr', args.layerAttr);
  const name = optionalName(where, args.name);
  return new LayerOutput({
    prefix: 'get_output_layer', ...(name ? { name } : {}), size: input.size, seqLevel: input.seqLevel, inputs: [input],
    emit: (ctx) => ({
      type: 'get_output', size: input.size, active_type: '',
      inputs: [{ input_layer_name: ctx.nameOf(input), input_layer_argument: argName }],
    }),
  });
}
