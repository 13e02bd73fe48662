import type { LayerName } from '../NameScope.js';
import { activeType, type Activation } from '../activation.js';
import { asBiasAttr, asLayerAttr, type BiasAttr, type LayerAttr } from '../attrs.js';
import { inRange, knownKeys, optionalName } from '../check.js';
import type { LayerInputConfig } from '../config.js';
import { ConfigError, show } from '../errors.js';
import { asLayer, asLayers, denseInput, maxSeqLevel, sameSize, sequenceInput } from '../inputs.js';
import { LayerOutput } from '../LayerOutput.js';
import type { Projection } from '../projections.js';

export interface AddtoArgs {
  input: LayerOutput | LayerOutput[];
  /** Default linear. */
  act?: Activation;
  name?: LayerName;
  /** Default: no bias. */
  biasAttr?: BiasAttr;
  layerAttr?: LayerAttr;
}

/**
 * Elementwise sum of layers of the same size.
 * @paddle paddle.layer.addto (addto_layer)
 * @example
 * const sum = layer.addto({ input: [a, b], act: 'relu' });
 */
export function addto(args: AddtoArgs): LayerOutput {
  return addtoLayer('layer.addto', 'addto', args);
}

function addtoLayer(where: string, prefix: string, args: AddtoArgs): LayerOutput {
  knownKeys(where, args, ['input', 'act', 'name', 'biasAttr', 'layerAttr']);
  const inputs = asLayers(where, 'input', args.input).map((l, i) => denseInput(where, `input[${i}]`, l));
  const size = sameSize(where, inputs);
  const act = activeType(where, args.act, 'linear');
  const name = optionalName(where, args.name);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, false);
  const drop = asLayerAttr(where, args.layerAttr)?.dropRate;
  return new LayerOutput({
    prefix, ...(name ? { name } : {}), size, seqLevel: maxSeqLevel(inputs), inputs, activation: act,
    ...(inputs[0]!.image ? { image: inputs[0]!.image } : {}),
    emit: (ctx) => ({
      type: 'addto', size, active_type: act, inputs: inputs.map((l) => ({ input_layer_name: ctx.nameOf(l) })),
      ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, [1, size], { std: 0 }) } : {}),
      ...(drop ? { drop_rate: drop } : {}),
    }),
  });
}

/**
 * Randomly zeroes a fraction of the input's values in training (an addto layer with a drop rate).
 * @paddle paddle.layer.dropout (dropout_layer)
 * @example
 * const dropped = layer.dropout({ input: hidden, dropoutRate: 0.5 });
 */
export function dropout(args: { input: LayerOutput; dropoutRate: number; name?: LayerName }): LayerOutput {
  const where = 'layer.dropout';
  knownKeys(where, args, ['input', 'dropoutRate', 'name']);
  const rate = inRange(where, 'dropoutRate', args.dropoutRate, 0, 1, true);
  return addtoLayer(where, 'dropout', {
    input: asLayer(where, 'input', args.input), act: 'linear', biasAttr: false,
    ...(args.name !== undefined ? { name: args.name } : {}), layerAttr: { kind: 'layerAttr', dropRate: rate },
  });
}

export interface ConcatArgs {
  /** Layers (Paddle's `concat`), or projections that fix their own size (Paddle's `concat2`); not both. */
  input: LayerOutput | Projection | (LayerOutput | Projection)[];
  /** Default linear. */
  act?: Activation;
  name?: LayerName;
  /** Only with projections; default: no bias. */
  biasAttr?: BiasAttr;
  layerAttr?: LayerAttr;
}

/**
 * Concatenates the inputs' columns: output size is the sum of input sizes. Given projections instead of
 * layers, concatenates what each projection makes (Paddle's `concat2` layer), with an optional bias.
 * @paddle paddle.layer.concat (concat_layer)
 * @example
 * const both = layer.concat({ input: [forward, backward] });
 * const projected = layer.concat({ input: [layer.identityProjection({ input: a }), layer.fullMatrixProjection({ input: b, size: 4 })] });
 */
export function concat(args: ConcatArgs): LayerOutput {
  const where = 'layer.concat';
  knownKeys(where, args, ['input', 'act', 'name', 'biasAttr', 'layerAttr']);
  const items = (Array.isArray(args.input) ? args.input : [args.input]) as unknown[];
  if (items.length > 0 && items.every(isProjection)) return concatProjections(where, items as Projection[], args);
  if (args.biasAttr !== undefined && args.biasAttr !== false) {
    throw new ConfigError(`${where}: biasAttr needs projection inputs (Paddle's concat2); a concat of layers has no bias, got ${show(args.biasAttr)}`);
  }
  items.forEach((item, i) => {
    if (isProjection(item)) {
      throw new ConfigError(`${where}: input must be all layers or all projections, got a projection (${item.type}) at input[${i}] among layers`);
    }
  });
  const inputs = asLayers(where, 'input', args.input).map((l, i) => denseInput(where, `input[${i}]`, l));
  const levels = new Set(inputs.map((l) => l.seqLevel));
  if (levels.size > 1) {
    throw new ConfigError(`${where}: inputs must all be plain or all sequences of the same level, got ${inputs.map((l) => l.describe()).join(', ')}`);
  }
  const size = inputs.reduce((s, l) => s + l.size, 0);
  const act = activeType(where, args.act, 'linear');
  const name = optionalName(where, args.name);
  const drop = asLayerAttr(where, args.layerAttr)?.dropRate;
  return new LayerOutput({
    prefix: 'concat', ...(name ? { name } : {}), size, seqLevel: inputs[0]!.seqLevel, inputs, activation: act,
    emit: (ctx) => ({
      type: 'concat', size, active_type: act, inputs: inputs.map((l) => ({ input_layer_name: ctx.nameOf(l) })),
      ...(drop ? { drop_rate: drop } : {}),
    }),
  });
}

function isProjection(item: unknown): item is Projection {
  return (item as { kind?: unknown } | null)?.kind === 'projection';
}

/** Paddle's `concat2`: each projection's output in turn, every projection sized by itself. */
function concatProjections(where: string, projections: Projection[], args: ConcatArgs): LayerOutput {
  const sizes = projections.map((p, i) => {
    if (p.size === undefined) {
      throw new ConfigError(`${where}: input[${i}] (a ${p.type} projection) must fix its own size (give it size: N), got none; a concat has no size of its own`);
    }
    return p.size;
  });
  const inputs = projections.map((p) => p.input);
  const levels = new Set(inputs.map((l) => l.seqLevel));
  if (levels.size > 1) {
    throw new ConfigError(`${where}: inputs must all be plain or all sequences of the same level, got ${inputs.map((l) => l.describe()).join(', ')}`);
  }
  const size = sizes.reduce((s, n) => s + n, 0);
  const act = activeType(where, args.act, 'linear');
  const name = optionalName(where, args.name);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, false);
  const drop = asLayerAttr(where, args.layerAttr)?.dropRate;
  return new LayerOutput({
    prefix: 'concat', ...(name ? { name } : {}), size, seqLevel: inputs[0]!.seqLevel, inputs, activation: act,
    emit: (ctx, layerName) => ({
      type: 'concat2', size, active_type: act,
      inputs: projections.map((p, i): LayerInputConfig => {
        const { parameter, proj } = p.emit(ctx, i, sizes[i]!, layerName);
        return { input_layer_name: ctx.nameOf(p.input), ...(parameter ? { input_parameter_name: parameter } : {}), proj_conf: proj };
      }),
      ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, [1, size], { std: 0 }) } : {}),
      ...(drop ? { drop_rate: drop } : {}),
    }),
  });
}

/**
 * Joins two sequences end to end, sample by sample: row count is the sum, size stays.
 * @paddle paddle.layer.seq_concat (seq_concat_layer)
 * @example
 * const joined = layer.seqConcat({ a: question, b: answer });
 */
export function seqConcat(args: { a: LayerOutput; b: LayerOutput; act?: Activation; name?: LayerName; biasAttr?: BiasAttr }): LayerOutput {
  const where = 'layer.seqConcat';
  knownKeys(where, args, ['a', 'b', 'act', 'name', 'biasAttr']);
  const a = denseInput(where, 'a', sequenceInput(where, 'a', asLayer(where, 'a', args.a)));
  const b = denseInput(where, 'b', sequenceInput(where, 'b', asLayer(where, 'b', args.b)));
  if (a.seqLevel !== 1 || b.seqLevel !== 1) {
    throw new ConfigError(`${where}: a and b must be plain sequences (not nested), got ${a.describe()} and ${b.describe()}`);
  }
  const size = sameSize(where, [a, b], 'a/b');
  const act = activeType(where, args.act, 'linear');
  const name = optionalName(where, args.name);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, false);
  return new LayerOutput({
    prefix: 'seqconcat', ...(name ? { name } : {}), size, seqLevel: 1, inputs: [a, b], activation: act,
    emit: (ctx) => ({
      type: 'seqconcat', size, active_type: act, inputs: [a, b].map((l) => ({ input_layer_name: ctx.nameOf(l) })),
      ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, [1, size], { std: 0 }) } : {}),
    }),
  });
}

/**
 * Multiplies each row of `input` by the matching scalar row of `weight` (a size-1 layer).
 * @paddle paddle.layer.scaling (scaling_layer)
 * @example
 * const scaled = layer.scaling({ input: h, weight: gate });
 */
export function scaling(args: { input: LayerOutput; weight: LayerOutput; name?: LayerName }): LayerOutput {
  const where = 'layer.scaling';
  knownKeys(where, args, ['input', 'weight', 'name']);
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  const weight = denseInput(where, 'weight', asLayer(where, 'weight', args.weight));
  if (weight.size !== 1) throw new ConfigError(`${where}: weight must have size 1, got ${weight.describe()}`);
  if (weight.seqLevel !== input.seqLevel) {
    throw new ConfigError(`${where}: weight and input must have the same sequence level, got ${weight.describe()} and ${input.describe()}`);
  }
  const name = optionalName(where, args.name);
  return new LayerOutput({
    prefix: 'scaling_layer', ...(name ? { name } : {}), size: input.size, seqLevel: input.seqLevel, inputs: [weight, input],
    emit: (ctx) => ({
      type: 'scaling', size: input.size, active_type: '',
      inputs: [weight, input].map((l) => ({ input_layer_name: ctx.nameOf(l) })),
    }),
  });
}
