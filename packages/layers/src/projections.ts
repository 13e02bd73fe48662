import { asParamAttr, type ParamAttr } from './attrs.js';
import { finiteNumber, integer, knownKeys, nonNegativeInt, positiveInt } from './check.js';
import type { OperatorConfig, ProjectionConfig } from './config.js';
import { ConfigError, show } from './errors.js';
import { asLayer, denseInput, idsInput, sequenceInput } from './inputs.js';
import type { EmitContext, LayerOutput } from './LayerOutput.js';

/** One input of a mixed layer: a layer and how it is projected to the mixed layer's size. */
export interface Projection {
  readonly kind: 'projection';
  readonly type: ProjectionConfig['type'];
  readonly input: LayerOutput;
  /** Output size if the projection fixes it (identity, dotmul, context), else undefined (taken from the mixed layer). */
  readonly size: number | undefined;
  /** Writes `proj_conf` (and the parameter, if any) for a mixed layer of `outSize`, as input number `index`. */
  emit(ctx: EmitContext, index: number, outSize: number, layerName: string): { parameter?: string; proj: ProjectionConfig };
}

/** An operator of a mixed layer: combines several inputs without parameters. */
export interface Operator {
  readonly kind: 'operator';
  readonly inputs: readonly LayerOutput[];
  readonly size: number;
  emit(indices: number[]): OperatorConfig;
}

interface ProjArgs {
  input: LayerOutput;
  size?: number;
  paramAttr?: ParamAttr;
}

function projection(
  where: string, type: ProjectionConfig['type'], input: LayerOutput, size: number | undefined,
  param: ((outSize: number) => number[]) | null, attr: ParamAttr | undefined, extra: Partial<ProjectionConfig> = {},
  defaults: { std?: number } = {},
): Projection {
  return {
    kind: 'projection', type, input, size,
    emit(ctx, index, outSize, layerName) {
      // Paddle names a projection after its layer's own name (without the `@group` of a step layer) and its
      // slot, even when its parameter is shared under another name.
      const name = `_${layerName.split('@')[0]!}.w${index}`;
      const proj: ProjectionConfig = { type, name, input_size: input.size, output_size: outSize, ...extra };
      if (!param) return { proj };
      return { parameter: ctx.param(`w${index}`, attr, param(outSize), defaults), proj };
    },
  };
}

function common(where: string, args: ProjArgs, extraKeys: string[] = []) {
  knownKeys(where, args, ['input', 'size', 'paramAttr', ...extraKeys]);
  const input = asLayer(where, 'input', args.input);
  const size = args.size === undefined ? undefined : positiveInt(where, 'size', args.size);
  return { input, size, attr: asParamAttr(where, 'paramAttr', args.paramAttr) };
}

/**
 * `x W` with W of shape [input size, output size].
 * @paddle paddle.layer.full_matrix_projection
 * @example
 * layer.mixed({ size: 256, input: layer.fullMatrixProjection({ input: emb }) })
 */
export function fullMatrixProjection(args: ProjArgs): Projection {
  const where = 'layer.fullMatrixProjection';
  const { input, size, attr } = common(where, args);
  denseInput(where, 'input', input);
  return projection(where, 'fc', input, size, (out) => [input.size, out], attr);
}

/**
 * `x Wᵀ` with W of shape [output size, input size] (lets two layers share one weight transposed).
 * @paddle paddle.layer.trans_full_matrix_projection
 * @example
 * layer.mixed({ size: 100, input: layer.transFullMatrixProjection({ input: h, paramAttr: paramAttr({ name: 'w' }) }) })
 */
export function transFullMatrixProjection(args: ProjArgs): Projection {
  const where = 'layer.transFullMatrixProjection';
  const { input, size, attr } = common(where, args);
  denseInput(where, 'input', input);
  return projection(where, 'trans_fc', input, size, (out) => [out, input.size], attr);
}

/**
 * Row lookup: integer id k selects row k of a [range, size] table.
 * @paddle paddle.layer.table_projection
 * @example
 * layer.mixed({ size: 128, input: layer.tableProjection({ input: wordIds }) })
 */
export function tableProjection(args: ProjArgs): Projection {
  const where = 'layer.tableProjection';
  const { input, size, attr } = common(where, args);
  idsInput(where, 'input', input);
  return projection(where, 'table', input, size, (out) => [input.size, out], attr);
}

/**
 * Copies the input (or, with `offset`, columns [offset, offset + size) of it) into the mixed layer.
 * @paddle paddle.layer.identity_projection
 * @example
 * layer.mixed({ input: [layer.identityProjection({ input: a }), layer.fullMatrixProjection({ input: b })] })
 */
export function identityProjection(args: { input: LayerOutput; offset?: number; size?: number }): Projection {
  const where = 'layer.identityProjection';
  knownKeys(where, args, ['input', 'offset', 'size']);
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  if (args.offset === undefined) {
    if (args.size !== undefined && args.size !== input.size) {
      throw new ConfigError(`${where}: size must equal the input size ${input.size} without an offset, got ${show(args.size)}`);
    }
    return projection(where, 'identity', input, input.size, null, undefined);
  }
  const offset = nonNegativeInt(where, 'offset', args.offset);
  const size = args.size === undefined ? input.size - offset : positiveInt(where, 'size', args.size);
  if (size <= 0 || offset + size > input.size) {
    throw new ConfigError(`${where}: offset + size must be within the input size ${input.size}, got offset ${offset} and size ${size}`);
  }
  return projection(where, 'identity_offset', input, size, null, undefined, { offset });
}

/**
 * Elementwise product with a learned vector: `x ⊙ w`.
 * @paddle paddle.layer.dotmul_projection
 * @example
 * layer.mixed({ input: layer.dotmulProjection({ input: h }) })
 */
export function dotmulProjection(args: { input: LayerOutput; paramAttr?: ParamAttr }): Projection {
  const where = 'layer.dotmulProjection';
  const { input, attr } = common(where, args as ProjArgs);
  denseInput(where, 'input', input);
  return projection(where, 'dot_mul', input, input.size, () => [1, input.size], attr);
}

/**
 * Multiplies the input by one learned scalar.
 * @paddle paddle.layer.scaling_projection
 * @example
 * layer.mixed({ input: layer.scalingProjection({ input: h }) })
 */
export function scalingProjection(args: { input: LayerOutput; paramAttr?: ParamAttr }): Projection {
  const where = 'layer.scalingProjection';
  const { input, attr } = common(where, args as ProjArgs);
  denseInput(where, 'input', input);
  return projection(where, 'scaling', input, input.size, () => [1, 1], attr);
}

export interface ContextProjectionArgs {
  input: LayerOutput;
  contextLen: number;
  /** Offset of the window's first row; default Paddle's `-ceil((contextLen - 1) / 2)` (-1 for 3, -2 for 4). */
  contextStart?: number;
  /** `false` (default): rows outside the sequence are zeros; a paramAttr: learned padding rows. */
  paddingAttr?: ParamAttr | boolean;
}

/**
 * Concatenates, for every row of a sequence, the rows `t + contextStart … t + contextStart + contextLen − 1`
 * (zeros or learned padding outside the sequence). Output size is `contextLen · input size`.
 * @paddle paddle.layer.context_projection
 * @example
 * layer.mixed({ input: layer.contextProjection({ input: emb, contextLen: 3 }) })
 */
export function contextProjection(args: ContextProjectionArgs): Projection {
  const where = 'layer.contextProjection';
  knownKeys(where, args, ['input', 'contextLen', 'contextStart', 'paddingAttr']);
  const input = sequenceInput(where, 'input', denseInput(where, 'input', asLayer(where, 'input', args.input)));
  const len = positiveInt(where, 'contextLen', args.contextLen);
  const start = args.contextStart === undefined ? 0 - Math.ceil((len - 1) / 2) : integer(where, 'contextStart', args.contextStart);
  const trainable = args.paddingAttr !== undefined && args.paddingAttr !== false;
  const attr = typeof args.paddingAttr === 'object' ? asParamAttr(where, 'paddingAttr', args.paddingAttr) : undefined;
  if (args.paddingAttr !== undefined && typeof args.paddingAttr !== 'boolean' && !attr) {
    throw new ConfigError(`${where}: paddingAttr must be false, true or a paramAttr, got ${show(args.paddingAttr)}`);
  }
  const padRows = Math.max(0, -start) + Math.max(0, start + len - 1);
  const extra = { context_start: start, context_length: len, trainable_padding: trainable };
  if (trainable && padRows === 0) {
    throw new ConfigError(`${where}: paddingAttr asks for trainable padding, but the window [${start}, ${start + len - 1}] never leaves the sequence`);
  }
  return projection(where, 'context', input, len * input.size, trainable ? () => [padRows, input.size] : null, attr, extra, { std: 0 });
}

/**
 * Elementwise product of two layers of equal size, times `scale`.
 * @paddle paddle.layer.dotmul_operator
 * @example
 * layer.mixed({ input: layer.dotmulOperator({ a: x, b: y, scale: 0.5 }) })
 */
export function dotmulOperator(args: { a: LayerOutput; b: LayerOutput; scale?: number }): Operator {
  const where = 'layer.dotmulOperator';
  knownKeys(where, args, ['a', 'b', 'scale']);
  const a = denseInput(where, 'a', asLayer(where, 'a', args.a));
  const b = denseInput(where, 'b', asLayer(where, 'b', args.b));
  if (a.size !== b.size) throw new ConfigError(`${where}: a and b must have the same size, got ${a.describe()} and ${b.describe()}`);
  const scale = args.scale === undefined ? 1 : finiteNumber(where, 'scale', args.scale);
  return {
    kind: 'operator', inputs: [a, b], size: a.size,
    emit: (indices) => ({ type: 'dot_mul', input_indices: indices, input_sizes: [a.size, b.size], output_size: a.size, dotmul_scale: scale }),
  };
}
