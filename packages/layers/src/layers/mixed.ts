import type { LayerName } from '../NameScope.js';
import { activeType, type Activation } from '../activation.js';
import { asBiasAttr, asLayerAttr, type BiasAttr, type LayerAttr, type ParamAttr } from '../attrs.js';
import { knownKeys, optionalName, positiveInt } from '../check.js';
import type { LayerInputConfig, OperatorConfig } from '../config.js';
import { ConfigError, show } from '../errors.js';
import { maxSeqLevel } from '../inputs.js';
import { LayerOutput } from '../LayerOutput.js';
import { tableProjection, type Operator, type Projection } from '../projections.js';

export interface MixedArgs {
  input: Projection | Operator | (Projection | Operator)[];
  /** Output size; may be left out when a projection fixes it (identity, dotmul, context, operators). */
  size?: number;
  /** Default linear. */
  act?: Activation;
  name?: LayerName;
  /** Default: no bias. */
  biasAttr?: BiasAttr;
  layerAttr?: LayerAttr;
}

/**
 * Sums projections and operators of its inputs, adds an optional bias, then applies `act`.
 * @paddle paddle.layer.mixed (mixed_layer)
 * @example
 * const proj = layer.mixed({ size: 3 * H, input: [layer.fullMatrixProjection({ input: x })] });
 */
export function mixed(args: MixedArgs): LayerOutput {
  return mixedLayer('layer.mixed', 'mixed', args);
}

/** Shared by mixed, embedding and the math helpers: `prefix` picks the default name. */
export function mixedLayer(where: string, prefix: string, args: MixedArgs): LayerOutput {
  knownKeys(where, args, ['input', 'size', 'act', 'name', 'biasAttr', 'layerAttr']);
  const items = (Array.isArray(args.input) ? args.input : [args.input]) as unknown[];
  if (items.length === 0) throw new ConfigError(`${where}: input must hold at least one projection or operator, got []`);
  items.forEach((item, i) => {
    const kind = (item as { kind?: string } | null)?.kind;
    if (kind !== 'projection' && kind !== 'operator') {
      throw new ConfigError(`${where}: input[${i}] must be a projection (e.g. layer.fullMatrixProjection) or an operator, got ${show(item)}`);
    }
  });
  const parts = items as (Projection | Operator)[];
  const size = mixedSize(where, parts, args.size);
  const act = activeType(where, args.act, 'linear');
  const name = optionalName(where, args.name);
  const bias = asBiasAttr(where, 'biasAttr', args.biasAttr, false);
  const drop = asLayerAttr(where, args.layerAttr)?.dropRate;
  // Paddle's order: each item in turn (an operator's first input at its place), other operator inputs after.
  const slots: { layer: LayerOutput; proj?: Projection }[] = [];
  const operators: { op: Operator; indices: number[] }[] = [];
  for (const part of parts) {
    if (part.kind === 'projection') slots.push({ layer: part.input, proj: part });
    else {
      operators.push({ op: part, indices: [slots.length] });
      slots.push({ layer: part.inputs[0]! });
    }
  }
  for (const entry of operators) {
    for (const layer of entry.op.inputs.slice(1)) {
      entry.indices.push(slots.length);
      slots.push({ layer });
    }
  }
  const inputs = slots.map((s) => s.layer);
  return new LayerOutput({
    prefix, ...(name ? { name } : {}), size, seqLevel: maxSeqLevel(inputs), inputs, activation: act,
    emit: (ctx, layerName) => {
      const inputConfigs = slots.map((slot, i): LayerInputConfig => {
        const base: LayerInputConfig = { input_layer_name: ctx.nameOf(slot.layer) };
        if (!slot.proj) return base;
        const { parameter, proj } = slot.proj.emit(ctx, i, size, layerName);
        return { ...base, ...(parameter ? { input_parameter_name: parameter } : {}), proj_conf: proj };
      });
      const operatorConfs: OperatorConfig[] = operators.map((o) => o.op.emit(o.indices));
      return {
        type: 'mixed', size, active_type: act, inputs: inputConfigs,
        ...(operatorConfs.length ? { operator_confs: operatorConfs } : {}),
        ...(bias ? { bias_parameter_name: ctx.param('wbias', bias, [1, size], { std: 0 }) } : {}),
        ...(drop ? { drop_rate: drop } : {}),
      };
    },
  });
}

function mixedSize(where: string, parts: (Projection | Operator)[], given: unknown): number {
  const fixed = parts.map((p) => p.size).find((s) => s !== undefined);
  const size = given === undefined ? fixed : positiveInt(where, 'size', given);
  if (size === undefined) {
    throw new ConfigError(`${where}: size is needed when no projection fixes it (full matrix and table projections take the mixed layer's size)`);
  }
  parts.forEach((p, i) => {
    if (p.size !== undefined && p.size !== size) {
      throw new ConfigError(`${where}: input[${i}] produces size ${p.size} but the mixed layer has size ${size}; they must match`);
    }
  });
  return size;
}

export interface EmbeddingArgs {
  input: LayerOutput;
  size: number;
  name?: LayerName;
  paramAttr?: ParamAttr;
  layerAttr?: LayerAttr;
}

/**
 * Looks up a learned vector for every integer id (a mixed layer with one table projection).
 * @paddle paddle.layer.embedding (embedding_layer)
 * @example
 * const emb = layer.embedding({ input: words, size: 128, paramAttr: paramAttr({ sparseUpdate: true }) });
 */
export function embedding(args: EmbeddingArgs): LayerOutput {
  const where = 'layer.embedding';
  knownKeys(where, args, ['input', 'size', 'name', 'paramAttr', 'layerAttr']);
  const size = positiveInt(where, 'size', args.size);
  let proj: Projection;
  try {
    proj = tableProjection({ input: args.input, size, ...(args.paramAttr ? { paramAttr: args.paramAttr } : {}) });
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(err.message.replace('layer.tableProjection', where));
    throw err;
  }
  return mixedLayer(where, 'embedding', {
    input: proj, size, ...(args.name ? { name: args.name } : {}), ...(args.layerAttr ? { layerAttr: args.layerAttr } : {}),
  });
}
