import type { LayerName } from '../NameScope.js';
import { activeType, type Activation } from '../activation.js';
import { asLayerAttr, type LayerAttr } from '../attrs.js';
import { bool, finiteNumber, knownKeys, optionalName, positiveInt } from '../check.js';
import { asLayer, denseInput } from '../inputs.js';
import { LayerOutput } from '../LayerOutput.js';

export interface SlopeInterceptArgs {
  input: LayerOutput;
  /** Default 1. */
  slope?: number;
  /** Default 0. */
  intercept?: number;
  name?: LayerName;
  layerAttr?: LayerAttr;
}

/**
 * `y = slope · x + intercept`, elementwise; what Paddle's `x + 1`, `1 - x` and `2 * x` on layers make.
 * @paddle paddle.layer.slope_intercept (slope_intercept_layer)
 * @example
 * const shifted = layer.slopeIntercept({ input: x, slope: -1, intercept: 1 }); // 1 - x
 */
export function slopeIntercept(args: SlopeInterceptArgs): LayerOutput {
  const where = 'layer.slopeIntercept';
  knownKeys(where, args, ['input', 'slope', 'intercept', 'name', 'layerAttr']);
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  const slope = args.slope === undefined ? 1 : finiteNumber(where, 'slope', args.slope);
  const intercept = args.intercept === undefined ? 0 : finiteNumber(where, 'intercept', args.intercept);
  const name = optionalName(where, args.name);
  const drop = asLayerAttr(where, args.layerAttr)?.dropRate;
  return new LayerOutput({
    prefix: 'slope_intercept_layer', ...(name ? { name } : {}), size: input.size, seqLevel: input.seqLevel, inputs: [input],
    emit: (ctx) => ({
      type: 'slope_intercept', size: input.size, active_type: '', inputs: [{ input_layer_name: ctx.nameOf(input) }],
      slope, intercept, ...(drop ? { drop_rate: drop } : {}),
    }),
  });
}

export interface RepeatArgs {
  input: LayerOutput;
  numRepeats: number;
  /** true (default): the whole row again and again, `[x1 … xn, x1 … xn]`; false: each value in turn, `[x1, x1, … xn, xn]`. */
  asRowVector?: boolean;
  /** Default linear. */
  act?: Activation;
  name?: LayerName;
  layerAttr?: LayerAttr;
}

/**
 * Repeats every row `numRepeats` times side by side: output size is `numRepeats ×` the input size. What
 * Paddle's `x + y` makes of a size-1 layer `y` before adding it.
 * @paddle paddle.layer.repeat (repeat_layer)
 * @example
 * const wide = layer.repeat({ input: gate, numRepeats: 100 });
 */
export function repeat(args: RepeatArgs): LayerOutput {
  const where = 'layer.repeat';
  knownKeys(where, args, ['input', 'numRepeats', 'asRowVector', 'act', 'name', 'layerAttr']);
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  const repeats = positiveInt(where, 'numRepeats', args.numRepeats);
  const asRow = bool(where, 'asRowVector', args.asRowVector, true);
  const act = activeType(where, args.act, 'linear');
  const name = optionalName(where, args.name);
  const drop = asLayerAttr(where, args.layerAttr)?.dropRate;
  const size = input.size * repeats;
  return new LayerOutput({
    prefix: 'repeat_layer', ...(name ? { name } : {}), size, seqLevel: input.seqLevel, inputs: [input], activation: act,
    emit: (ctx) => ({
      type: 'featmap_expand', size, active_type: act, inputs: [{ input_layer_name: ctx.nameOf(input) }],
      num_filters: repeats, ...(asRow ? {} : { user_arg: 'as_col_vec' }), ...(drop ? { drop_rate: drop } : {}),
    }),
  });
}
