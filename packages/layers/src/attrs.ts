import { bool, finiteNumber, knownKeys, optionalName } from './check.js';
import { ConfigError, show } from './errors.js';

/** Options of a parameter; any left out take Paddle's defaults for the layer that owns it. */
export interface ParamAttrArgs {
  /** A shared name: layers that give the same name share one parameter. */
  name?: string;
  initialMean?: number;
  initialStd?: number;
  /** Uniform initialisation in [initialMin, initialMax] (both needed). */
  initialMin?: number;
  initialMax?: number;
  /** Multiplier on the optimizer's learning rate. */
  learningRate?: number;
  momentum?: number;
  /** L2 decay rate of this parameter. */
  l2Rate?: number;
  gradientClippingThreshold?: number;
  /** Sparse row updates (embedding tables): only the touched rows are pulled, pushed and updated. */
  sparseUpdate?: boolean;
  /** Not trained. */
  isStatic?: boolean;
}

export interface ParamAttr extends Readonly<ParamAttrArgs> {
  readonly kind: 'paramAttr';
}

const PARAM_KEYS = [
  'name', 'initialMean', 'initialStd', 'initialMin', 'initialMax', 'learningRate', 'momentum', 'l2Rate',
  'gradientClippingThreshold', 'sparseUpdate', 'isStatic',
] as const;

/**
 * Describes a parameter: its shared name, initialisation and per-parameter training settings.
 * @paddle paddle.attr.Param (ParameterAttribute)
 * @example
 * layer.embedding({ input: words, size: 128, paramAttr: paramAttr({ name: 'emb', sparseUpdate: true }) })
 */
export function paramAttr(args: ParamAttrArgs = {}): ParamAttr {
  const where = 'paramAttr';
  knownKeys(where, args, PARAM_KEYS);
  optionalName(where, args.name);
  for (const key of ['initialMean', 'initialStd', 'initialMin', 'initialMax', 'learningRate', 'momentum', 'l2Rate', 'gradientClippingThreshold'] as const) {
    if (args[key] !== undefined) finiteNumber(where, key, args[key]);
  }
  if (args.initialStd !== undefined && args.initialStd < 0) {
    throw new ConfigError(`${where}: initialStd must be >= 0, got ${show(args.initialStd)}`);
  }
  if ((args.initialMin === undefined) !== (args.initialMax === undefined)) {
    throw new ConfigError(`${where}: initialMin and initialMax go together, got initialMin=${show(args.initialMin)}, initialMax=${show(args.initialMax)}`);
  }
  if (args.initialMin !== undefined && args.initialMax! < args.initialMin) {
    throw new ConfigError(`${where}: initialMax must be >= initialMin, got [${args.initialMin}, ${args.initialMax}]`);
  }
  if (args.initialMin !== undefined && (args.initialStd !== undefined || args.initialMean !== undefined)) {
    throw new ConfigError(`${where}: give either initialMin/initialMax (uniform) or initialMean/initialStd (normal), not both`);
  }
  bool(where, 'sparseUpdate', args.sparseUpdate, false);
  bool(where, 'isStatic', args.isStatic, false);
  return Object.freeze({ kind: 'paramAttr', ...args });
}

/** A bias argument: `false` for no bias, a ParamAttr, or undefined/true for the default bias. */
export type BiasAttr = ParamAttr | boolean | undefined;

export function asParamAttr(where: string, arg: string, value: unknown): ParamAttr | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && (value as ParamAttr).kind === 'paramAttr') return value as ParamAttr;
  throw new ConfigError(`${where}: ${arg} must be made by paramAttr({...}), got ${show(value)}`);
}

/** Returns the ParamAttr of a bias argument, or null when there is no bias. */
export function asBiasAttr(where: string, arg: string, value: unknown, defaultOn: boolean): ParamAttr | null {
  if (value === false) return null;
  if (value === true) return paramAttr();
  if (value === undefined) return defaultOn ? paramAttr() : null;
  return asParamAttr(where, arg, value)!;
}

/** Extra layer attributes. */
export interface LayerAttrArgs {
  /** Dropout rate applied to the layer's output in training. */
  dropRate?: number;
}

export interface LayerAttr extends Readonly<LayerAttrArgs> {
  readonly kind: 'layerAttr';
}

/**
 * Extra attributes of a layer (dropout on its output).
 * @paddle paddle.attr.Extra (ExtraLayerAttribute)
 * @example
 * layer.fc({ input: h, size: 128, layerAttr: layerAttr({ dropRate: 0.5 }) })
 */
export function layerAttr(args: LayerAttrArgs = {}): LayerAttr {
  knownKeys('layerAttr', args, ['dropRate']);
  if (args.dropRate !== undefined) {
    const r = finiteNumber('layerAttr', 'dropRate', args.dropRate);
    if (r < 0 || r >= 1) throw new ConfigError(`layerAttr: dropRate must be in [0, 1), got ${show(r)}`);
  }
  return Object.freeze({ kind: 'layerAttr', ...args });
}

export function asLayerAttr(where: string, value: unknown): LayerAttr | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && (value as LayerAttr).kind === 'layerAttr') return value as LayerAttr;
  throw new ConfigError(`${where}: layerAttr must be made by layerAttr({...}), got ${show(value)}`);
}

/** A layerAttr of a layer Paddle gives no dropout (its `layer_support()` lacks DROPOUT): dropRate is refused. */
export function asLayerAttrWithoutDrop(where: string, arg: string, value: unknown): LayerAttr | undefined {
  const attr = asLayerAttr(where, value);
  if (attr?.dropRate !== undefined) {
    throw new ConfigError(`${where}: ${arg}.dropRate is not supported by this layer (nor by Paddle's); add layer.dropout after it, got dropRate ${show(attr.dropRate)}`);
  }
  return attr;
}
