import type { LayerName } from '../NameScope.js';
import { asBiasAttr, asLayerAttrWithoutDrop, type BiasAttr, type LayerAttr } from '../attrs.js';
import { bool, knownKeys, oneOf, optionalName, positiveInt } from '../check.js';
import type { SeqLevel } from '../config.js';
import { ConfigError, show } from '../errors.js';
import { asLayer, denseInput, sequenceInput } from '../inputs.js';
import { LayerOutput } from '../LayerOutput.js';

/** Where a sequence reduction ends: one row per sequence, or one row per sub-sequence (nested input). */
export type AggLevel = 'toNoSequence' | 'toSequence';
export const AGG_LEVELS: readonly AggLevel[] = ['toNoSequence', 'toSequence'];
export type PoolingType = 'max' | 'avg' | 'sum';

function reduction(where: string, input: unknown, aggLevel: unknown) {
  const layer = denseInput(where, 'input', sequenceInput(where, 'input', asLayer(where, 'input', input)));
  const level = oneOf(where, 'aggLevel', aggLevel ?? 'toNoSequence', AGG_LEVELS);
  if (level === 'toSequence' && layer.seqLevel !== 2) {
    throw new ConfigError(`${where}: aggLevel 'toSequence' reduces each sub-sequence and needs a nested sequence, got ${layer.describe()}`);
  }
  const outLevel: SeqLevel = level === 'toSequence' ? 1 : 0;
  return { layer, outLevel, transType: level === 'toSequence' ? ('seq' as const) : ('non-seq' as const) };
}

export interface PoolingArgs {
  input: LayerOutput;
  /** Default 'max'. */
  poolingType?: PoolingType;
  /** Default 'toNoSequence': one row per sequence. */
  aggLevel?: AggLevel;
  name?: LayerName;
  /** Default: no bias; a bias is added to every pooled row. */
  biasAttr?: BiasAttr;
  /** Paddle's pooling_layer takes no dropout. */
  layerAttr?: LayerAttr;
  /**
   * Max pooling only: the index of each column's maximum instead of its value (Paddle's
   * `MaxPooling(output_max_index=True)`): the row's number in the batch, as a float; no bias, no gradient.
   */
  outputMaxIndex?: boolean;
}

/**
 * Max, average or sum over the rows of each sequence (or of each sub-sequence with aggLevel 'toSequence'),
 * plus an optional bias.
 * @paddle paddle.layer.pooling (pooling_layer)
 * @example
 * const sentence = layer.pooling({ input: hidden, poolingType: 'max' });
 */
export function pooling(args: PoolingArgs): LayerOutput {
  const where = 'layer.pooling';
  knownKeys(where, args, ['input', 'poolingType', 'aggLevel', 'name', 'biasAttr', 'layerAttr', 'outputMaxIndex']);
  const { layer, outLevel, transType } = reduction(where, args.input, args.aggLevel);
  const kind = oneOf(where, 'poolingType', args.poolingType ?? 'max', ['max', 'avg', 'sum'] as const);
  const name = optionalName(where, args.name);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, false);
  const maxIndex = bool(where, 'outputMaxIndex', args.outputMaxIndex, false);
  if (maxIndex && (kind !== 'max' || bias)) {
    throw new ConfigError(`${where}: outputMaxIndex needs poolingType 'max' and no biasAttr (Paddle adds no bias to indices), got poolingType ${show(kind)}${bias ? ' with a bias' : ''}`);
  }
  asLayerAttrWithoutDrop(where, 'layerAttr', args.layerAttr);
  return new LayerOutput({
    prefix: 'seq_pooling', ...(name ? { name } : {}), size: layer.size, seqLevel: outLevel, inputs: [layer],
    emit: (ctx) => ({
      type: kind === 'max' ? 'max' : 'average', size: layer.size, active_type: '',
      inputs: [{ input_layer_name: ctx.nameOf(layer) }],
      ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, [1, layer.size], { std: 0 }) } : {}),
      ...(kind === 'max' ? {} : { average_strategy: kind === 'avg' ? 'average' : 'sum' }),
      ...(maxIndex ? { output_max_index: true } : {}),
      trans_type: transType,
    }),
  });
}

export interface SeqInstanceArgs {
  input: LayerOutput;
  aggLevel?: AggLevel;
  /**
   * Paddle's `stride`: one row per window of `stride` rows of a plain sequence, the output a sequence of them
   * (windows counted from the start for lastSeq, from the end for firstSeq, as Paddle). Default: whole sequences.
   */
  stride?: number;
  name?: LayerName;
  layerAttr?: LayerAttr;
}

function seqInstance(first: boolean) {
  const where = first ? 'layer.firstSeq' : 'layer.lastSeq';
  return (args: SeqInstanceArgs): LayerOutput => {
    knownKeys(where, args, ['input', 'aggLevel', 'stride', 'name', 'layerAttr']);
    const { layer, outLevel, transType } = reduction(where, args.input, args.aggLevel);
    const stride = args.stride === undefined || args.stride === -1 ? undefined : positiveInt(where, 'stride', args.stride);
    if (stride !== undefined && (transType === 'seq' || layer.seqLevel !== 1)) {
      throw new ConfigError(`${where}: stride needs a plain sequence and aggLevel 'toNoSequence' (as in Paddle), got ${layer.describe()} with aggLevel '${transType === 'seq' ? 'toSequence' : 'toNoSequence'}'`);
    }
    asLayerAttrWithoutDrop(where, 'layerAttr', args.layerAttr);
    const name = optionalName(where, args.name);
    return new LayerOutput({
      prefix: first ? 'first_seq' : 'last_seq', ...(name ? { name } : {}), size: layer.size, seqLevel: stride ? 1 : outLevel, inputs: [layer],
      emit: (ctx) => ({
        type: 'seqlastins', size: layer.size, active_type: '', inputs: [{ input_layer_name: ctx.nameOf(layer) }],
        ...(first ? { select_first: true } : {}), trans_type: transType, ...(stride ? { seq_pool_stride: stride } : {}),
      }),
    });
  };
}

/**
 * The first row of each sequence (or sub-sequence).
 * @paddle paddle.layer.first_seq
 * @example
 * const backwardFirst = layer.firstSeq({ input: srcBackward });
 */
export const firstSeq = seqInstance(true);

/**
 * The last row of each sequence (or sub-sequence).
 * @paddle paddle.layer.last_seq
 * @example
 * const last = layer.lastSeq({ input: rnn });
 */
export const lastSeq = seqInstance(false);

/**
 * Repeats each row of `input` over the rows of the matching sequence of `expandAs`.
 * `expandLevel` 'fromNoSequence': one input row per sequence; 'fromSequence': one per sub-sequence.
 * @paddle paddle.layer.expand (expand_layer)
 * @example
 * const perWord = layer.expand({ input: sentenceVector, expandAs: words });
 */
export function expand(args: {
  input: LayerOutput; expandAs: LayerOutput; expandLevel?: 'fromNoSequence' | 'fromSequence'; name?: LayerName;
}): LayerOutput {
  const where = 'layer.expand';
  knownKeys(where, args, ['input', 'expandAs', 'expandLevel', 'name']);
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  const target = sequenceInput(where, 'expandAs', asLayer(where, 'expandAs', args.expandAs));
  const level = oneOf(where, 'expandLevel', args.expandLevel ?? 'fromNoSequence', ['fromNoSequence', 'fromSequence'] as const);
  const needed = level === 'fromNoSequence' ? 0 : 1;
  if (input.seqLevel !== needed || (level === 'fromSequence' && target.seqLevel !== 2)) {
    throw new ConfigError(
      `${where}: expandLevel '${level}' needs ${needed === 0 ? 'a non-sequence input' : 'a sequence input and a nested-sequence expandAs'}, got input ${input.describe()} and expandAs ${target.describe()}`,
    );
  }
  const name = optionalName(where, args.name);
  return new LayerOutput({
    prefix: 'expand_layer', ...(name ? { name } : {}), size: input.size, seqLevel: target.seqLevel, inputs: [input, target],
    emit: (ctx) => ({
      type: 'expand', size: input.size, active_type: '',
      inputs: [{ input_layer_name: ctx.nameOf(input) }, { input_layer_name: ctx.nameOf(target) }],
      trans_type: level === 'fromNoSequence' ? 'non-seq' : 'seq',
    }),
  });
}
