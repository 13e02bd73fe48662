import { knownKeys, positiveInt } from '../check.js';
import type { DataTypeConfig, SeqLevel } from '../config.js';
import { ConfigError, show } from '../errors.js';
import { LayerOutput, type ImageShape } from '../LayerOutput.js';

/** The type of a data layer's samples. @paddle paddle.data_type.* */
export interface DataType {
  readonly kind: 'dataType';
  readonly value: 'dense' | 'integer';
  readonly dim: number;
  readonly seqLevel: SeqLevel;
}

function make(value: 'dense' | 'integer', seqLevel: SeqLevel, name: string) {
  return (dim: number): DataType => ({
    kind: 'dataType', value, seqLevel, dim: positiveInt(`dataType.${name}`, value === 'dense' ? 'dim' : 'range', dim),
  });
}

/**
 * Sample types of data layers: dense float vectors or integer ids, plain, as sequences or as nested sequences.
 * @paddle paddle.data_type.dense_vector / integer_value / dense_vector_sequence / integer_value_sequence / *_sub_sequence
 * @example
 * layer.data({ name: 'word', type: dataType.integerValueSequence(dictSize) })
 */
export const dataType = {
  denseVector: make('dense', 0, 'denseVector'),
  denseVectorSequence: make('dense', 1, 'denseVectorSequence'),
  denseVectorSubSequence: make('dense', 2, 'denseVectorSubSequence'),
  integerValue: make('integer', 0, 'integerValue'),
  integerValueSequence: make('integer', 1, 'integerValueSequence'),
  integerValueSubSequence: make('integer', 2, 'integerValueSubSequence'),
} as const;

export interface DataArgs {
  name: string;
  type: DataType;
  /** Image height and width, for image layers downstream (channels = dim / (height·width)). */
  height?: number;
  width?: number;
}

/**
 * An input of the network. Integer types hold ids in [0, range); their layer size is the range.
 * @paddle paddle.layer.data (data_layer)
 * @example
 * const pixel = layer.data({ name: 'pixel', type: dataType.denseVector(784), height: 28, width: 28 });
 */
export function data(args: DataArgs): LayerOutput {
  const where = 'layer.data';
  knownKeys(where, args, ['name', 'type', 'height', 'width']);
  if (typeof args.name !== 'string' || !/^[A-Za-z_][\w.\-]*$/.test(args.name)) {
    throw new ConfigError(`${where}: name must be a string of letters, digits, '_', '-' or '.', got ${show(args.name)}`);
  }
  const type = args.type;
  if (typeof type !== 'object' || type === null || type.kind !== 'dataType') {
    throw new ConfigError(`${where}: type must be made by dataType.* (e.g. dataType.denseVector(784)), got ${show(type)}`);
  }
  const image = imageOf(where, type, args.height, args.width);
  const config: DataTypeConfig = { value: type.value, dim: type.dim, seq_level: type.seqLevel };
  return new LayerOutput({
    prefix: 'data',
    name: args.name,
    size: type.dim,
    seqLevel: type.seqLevel,
    valueKind: type.value === 'integer' ? 'ids' : 'dense',
    ...(image ? { image } : {}),
    inputs: [],
    emit: () => ({
      type: 'data', size: type.dim, active_type: '', inputs: [], data_type: config,
      ...(image ? { height: image.height, width: image.width } : {}),
    }),
  });
}

function imageOf(where: string, type: DataType, height: unknown, width: unknown): ImageShape | undefined {
  if (height === undefined && width === undefined) return undefined;
  const h = positiveInt(where, 'height', height);
  const w = positiveInt(where, 'width', width);
  if (type.value !== 'dense' || type.dim % (h * w) !== 0) {
    throw new ConfigError(`${where}: height·width (${h}·${w}) must divide the dense dim, got ${type.value} dim ${type.dim}`);
  }
  return { channels: type.dim / (h * w), height: h, width: w };
}
