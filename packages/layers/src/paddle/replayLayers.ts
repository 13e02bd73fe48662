import { activationOf, type Activation } from '../activation.js';
import { layerAttr, paramAttr, type LayerAttr, type ParamAttr, type ParamAttrArgs } from '../attrs.js';
import { ConfigError, FormatError } from '../errors.js';
import { layer } from '../layer.js';
import { dataType } from '../layers/data.js';
import type { LayerOutput } from '../LayerOutput.js';
import type { Operator, Projection } from '../projections.js';
import type { Levels } from './inferDataTypes.js';
import { baseName, bool, inputNames, layerHead, msg, msgs, need, num, str } from './protoAccess.js';
import type { ProtoMessage } from './protostr.js';

/** What a layer's rebuild needs: its config, names, resolved inputs, and reads of its parameters. */
export interface LayerCall {
  config: ProtoMessage;
  /** Full name (`rnn@__recurrent_group_0__` inside a group). */
  full: string;
  /** The name given to the DSL (the part before `@`). */
  name: string;
  type: string;
  where: string;
  inputs: LayerOutput[];
  inputConfigs: ProtoMessage[];
  /** A classification cost whose evaluator the file has. */
  evaluator: boolean;
  /** The input's parameter as a paramAttr (its name only when shared). */
  attr(input: number): ParamAttr | undefined;
  bias(): ParamAttr | false;
  act(key?: string): Activation;
  drop(): LayerAttr | undefined;
  size(): number;
  num(key: string): number | undefined;
  str(key: string): string | undefined;
  bool(key: string): boolean | undefined;
}

type Build = (c: LayerCall) => LayerOutput;

const first = (c: LayerCall) => need(c.inputs[0], `${c.where}: an input`);
const second = (c: LayerCall) => need(c.inputs[1], `${c.where}: a second input`);
const opt = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } => (value === undefined ? {} : ({ [key]: value } as { [P in K]: V }));
const seqTrans = (c: LayerCall) => c.str('trans_type') === 'seq';

/** How each Paddle layer type Oar supports is rebuilt with the layer DSL. */
const BUILDERS: Record<string, Build> = {
  fc: (c) => layer.fc({
    name: c.name, input: c.inputs, size: c.size(), act: c.act(), paramAttr: c.inputs.map((_, i) => c.attr(i)) as ParamAttr[],
    biasAttr: c.bias(), ...opt('layerAttr', c.drop()),
  }),
  mixed: (c) => layer.mixed({ name: c.name, size: c.size(), act: c.act(), biasAttr: c.bias(), input: mixedItems(c), ...opt('layerAttr', c.drop()) }),
  addto: (c) => layer.addto({ name: c.name, input: c.inputs, act: c.act(), biasAttr: c.bias(), ...opt('layerAttr', c.drop()) }),
  concat: (c) => layer.concat({ name: c.name, input: c.inputs, act: c.act(), ...opt('layerAttr', c.drop()) }),
  concat2: (c) => layer.concat({
    name: c.name, act: c.act(), biasAttr: c.bias(), ...opt('layerAttr', c.drop()),
    input: c.inputConfigs.map((input, i) => projection(c, i, need(msg(input, 'proj_conf'), `${c.where}: proj_conf of input ${i}`), true)),
  }),
  seqconcat: (c) => layer.seqConcat({ name: c.name, a: first(c), b: second(c), act: c.act(), biasAttr: c.bias() }),
  scaling: (c) => layer.scaling({ name: c.name, weight: first(c), input: second(c) }),
  slope_intercept: (c) => layer.slopeIntercept({
    name: c.name, input: first(c), slope: c.num('slope') ?? 0, intercept: c.num('intercept') ?? 0, ...opt('layerAttr', c.drop()),
  }),
  featmap_expand: (c) => {
    const arg = c.str('user_arg') ?? '';
    if (arg !== '' && arg !== 'as_col_vec') throw unsupported(c, `user_arg ${JSON.stringify(arg)}`);
    return layer.repeat({
      name: c.name, input: first(c), numRepeats: need(c.num('num_filters'), `${c.where}: num_filters`), asRowVector: arg !== 'as_col_vec',
      act: c.act(), ...opt('layerAttr', c.drop()),
    });
  },
  max: (c) => pooling(c, 'max'),
  average: (c) => {
    const strategy = c.str('average_strategy') ?? 'average';
    if (strategy !== 'average' && strategy !== 'sum') throw unsupported(c, `average_strategy ${JSON.stringify(strategy)}`);
    return pooling(c, strategy === 'sum' ? 'sum' : 'avg');
  },
  seqlastins: (c) => (c.bool('select_first') ? layer.firstSeq : layer.lastSeq)({
    name: c.name, input: first(c), aggLevel: seqTrans(c) ? 'toSequence' : 'toNoSequence', ...opt('stride', c.num('seq_pool_stride')),
  }),
  expand: (c) => layer.expand({ name: c.name, input: first(c), expandAs: second(c), expandLevel: seqTrans(c) ? 'fromSequence' : 'fromNoSequence' }),
  exconv: (c) => {
    const conv = need(msg(c.inputConfigs[0]!, 'conv_conf'), `${c.where}: conv_conf`);
    const get = (key: string) => num(conv, key, `${c.where}: conv_conf`);
    if ((get('dilation') ?? 1) !== 1 || (get('dilation_y') ?? 1) !== 1) throw unsupported(c, 'dilated convolution');
    if (bool(conv, 'caffe_mode', c.where) === false) throw unsupported(c, 'caffe_mode false');
    return layer.imgConv({
      name: c.name, input: first(c), filterSize: need(get('filter_size'), `${c.where}: filter_size`), ...opt('filterSizeY', get('filter_size_y')),
      numFilters: need(c.num('num_filters'), `${c.where}: num_filters`), ...opt('numChannels', get('channels')), ...opt('stride', get('stride')),
      ...opt('strideY', get('stride_y')), ...opt('padding', get('padding')), ...opt('paddingY', get('padding_y')), ...opt('groups', get('groups')),
      act: c.act(), ...opt('paramAttr', c.attr(0)), biasAttr: c.bias(), sharedBiases: c.bool('shared_biases') ?? false, ...opt('layerAttr', c.drop()),
    });
  },
  pool: (c) => {
    const pool = need(msg(c.inputConfigs[0]!, 'pool_conf'), `${c.where}: pool_conf`);
    const get = (key: string) => num(pool, key, `${c.where}: pool_conf`);
    const type = str(pool, 'pool_type', c.where);
    if (type !== 'max-projection' && type !== 'avg-projection') throw unsupported(c, `pool_type ${JSON.stringify(type)}`);
    return layer.imgPool({
      name: c.name, input: first(c), poolSize: need(get('size_x'), `${c.where}: size_x`), ...opt('poolSizeY', get('size_y')),
      poolType: type === 'max-projection' ? 'max' : 'avg', ...opt('numChannels', get('channels')), stride: get('stride') ?? 1,
      ...opt('strideY', get('stride_y')), padding: get('padding') ?? 0, ...opt('paddingY', get('padding_y')), ...opt('layerAttr', c.drop()),
    });
  },
  norm: (c) => {
    const norm = need(msg(c.inputConfigs[0]!, 'norm_conf'), `${c.where}: norm_conf`);
    const get = (key: string) => num(norm, key, `${c.where}: norm_conf`);
    const type = str(norm, 'norm_type', c.where);
    if (type !== 'cmrnorm-projection') throw unsupported(c, `norm_type ${JSON.stringify(type)}`);
    if (bool(norm, 'blocked', c.where)) throw unsupported(c, 'blocked normalisation');
    const size = need(get('size'), `${c.where}: norm_conf size`);
    return layer.imgCmrnorm({
      name: c.name, input: first(c), size, scale: timesExactly(get('scale') ?? 0, size), power: get('pow') ?? 0,
      ...opt('numChannels', get('channels')),
    });
  },
  batch_norm: (c) => {
    const image = msg(c.inputConfigs[0]!, 'image_conf');
    return layer.batchNorm({
      name: c.name, input: first(c), act: c.act(), ...opt('numChannels', image && num(image, 'channels', c.where)),
      ...opt('paramAttr', c.attr(0)), biasAttr: c.bias(), ...opt('useGlobalStats', c.bool('use_global_stats')),
      movingAverageFraction: c.num('moving_average_fraction') ?? 0.9, ...opt('layerAttr', c.drop()),
    });
  },
  'multi-class-cross-entropy': (c) => layer.classificationCost({
    name: c.name, input: first(c), label: second(c), coeff: c.num('coeff') ?? 1, evaluator: c.evaluator,
  }),
  square_error: (c) => layer.squareErrorCost({ name: c.name, input: first(c), label: second(c), coeff: c.num('coeff') ?? 1 }),
  recurrent: (c) => layer.recurrent({
    name: c.name, input: first(c), act: c.act(), reverse: c.bool('reversed') ?? false, biasAttr: c.bias(), ...opt('paramAttr', c.attr(0)),
  }),
  lstmemory: (c) => layer.lstmemory({
    name: c.name, input: first(c), size: c.size(), reverse: c.bool('reversed') ?? false, act: c.act(), gateAct: c.act('active_gate_type'),
    stateAct: c.act('active_state_type'), biasAttr: c.bias(), ...opt('paramAttr', c.attr(0)),
  }),
  gated_recurrent: (c) => layer.grumemory({
    name: c.name, input: first(c), size: c.size(), reverse: c.bool('reversed') ?? false, act: c.act(), gateAct: c.act('active_gate_type'),
    biasAttr: c.bias(), ...opt('paramAttr', c.attr(0)),
  }),
  lstm_step: (c) => layer.lstmStep({
    name: c.name, input: first(c), state: second(c), size: c.size(), act: c.act(), gateAct: c.act('active_gate_type'),
    stateAct: c.act('active_state_type'), biasAttr: c.bias(),
  }),
  gru_step: (c) => layer.gruStep({
    name: c.name, input: first(c), outputMem: second(c), size: c.size(), act: c.act(), gateAct: c.act('active_gate_type'),
    biasAttr: c.bias(), ...opt('paramAttr', c.attr(0)),
  }),
  get_output: (c) => layer.getOutput({
    name: c.name, input: first(c), argName: need(str(c.inputConfigs[0]!, 'input_layer_argument', c.where), `${c.where}: input_layer_argument`),
  }),
  maxid: (c) => layer.maxId({ name: c.name, input: first(c) }),
  selective_fc: selectiveFc,
  trans: (c) => layer.trans({ name: c.name, input: first(c), ...opt('layerAttr', c.drop()) }),
};

function selectiveFc(c: LayerCall): LayerOutput {
  if (c.bool('selective_fc_pass_generation')) throw unsupported(c, 'selective_fc_pass_generation (generation mode)');
  if (c.num('selective_fc_parallel_plain_mul_thread_num') !== undefined) throw unsupported(c, 'selective_fc_parallel_plain_mul_thread_num');
  const selected = c.bool('has_selected_colums') ?? true;
  if (selected && c.inputs.length < 2) throw unsupported(c, 'has_selected_colums without a select input');
  const inputs = selected ? c.inputs.slice(0, -1) : c.inputs;
  return layer.selectiveFc({
    name: c.name, input: inputs, size: c.size(), act: c.act(), paramAttr: inputs.map((_, i) => c.attr(i)) as ParamAttr[], biasAttr: c.bias(),
    ...(selected ? { select: c.inputs[c.inputs.length - 1]! } : {}), mulRatio: c.num('selective_fc_full_mul_ratio') ?? 0.02, ...opt('layerAttr', c.drop()),
  });
}

/** Layer types the importer rebuilds (besides data layers and recurrent groups with their agents). */
export const IMPORTED_LAYER_TYPES: readonly string[] = Object.keys(BUILDERS);

function pooling(c: LayerCall, poolingType: 'max' | 'avg' | 'sum'): LayerOutput {
  const maxIndex = c.bool('output_max_index') ?? false;
  if (maxIndex && poolingType !== 'max') throw unsupported(c, `output_max_index of ${poolingType} pooling`);
  noStride(c);
  return layer.pooling({
    name: c.name, input: first(c), poolingType, aggLevel: seqTrans(c) ? 'toSequence' : 'toNoSequence', biasAttr: c.bias(),
    ...(maxIndex ? { outputMaxIndex: true } : {}),
  });
}

/** Paddle's `seq_pool_stride` reduces every `stride` rows of a sequence; Oar reduces whole sequences. */
function noStride(c: LayerCall): undefined {
  const stride = c.num('seq_pool_stride');
  if (stride !== undefined && stride !== -1) throw unsupported(c, `seq_pool_stride ${stride} (a reduction every ${stride} rows)`);
  return undefined;
}

/** A mixed layer's projections and operators, in the order that gives back the file's inputs. */
function mixedItems(c: LayerCall): (Projection | Operator)[] {
  const operators = new Map<number, ProtoMessage>();
  const later = new Set<number>();
  for (const op of msgs(c.config, 'operator_confs')) {
    const indices = (op.input_indices ?? []).map(Number);
    operators.set(indices[0]!, op);
    indices.slice(1).forEach((i) => later.add(i));
  }
  const items: (Projection | Operator)[] = [];
  c.inputConfigs.forEach((input, i) => {
    const proj = msg(input, 'proj_conf');
    if (proj) items.push(projection(c, i, proj));
    else if (operators.has(i)) items.push(operator(c, operators.get(i)!));
    else if (!later.has(i)) throw new FormatError(`${c.where}: input ${i} has neither a projection nor an operator`);
  });
  return items;
}

/** A projection of input `i`; `sized`: it gives its own output size (in a concat2, which has no size to give it). */
function projection(c: LayerCall, i: number, proj: ProtoMessage, sized = false): Projection {
  const type = str(proj, 'type', c.where);
  const input = c.inputs[i]!;
  const get = (key: string) => num(proj, key, `${c.where}: proj_conf`);
  const paramAttr = opt('paramAttr', c.attr(i));
  const sizedAttr = { ...paramAttr, ...(sized ? opt('size', get('output_size')) : {}) };
  switch (type) {
    case 'fc': return layer.fullMatrixProjection({ input, ...sizedAttr });
    case 'trans_fc': return layer.transFullMatrixProjection({ input, ...sizedAttr });
    case 'table': return layer.tableProjection({ input, ...sizedAttr });
    case 'identity': return layer.identityProjection({ input });
    case 'identity_offset': return layer.identityProjection({ input, offset: get('offset') ?? 0, ...opt('size', get('output_size')) });
    case 'dot_mul': return layer.dotmulProjection({ input, ...paramAttr });
    case 'scaling': return layer.scalingProjection({ input, ...paramAttr });
    case 'context': return layer.contextProjection({
      input, contextLen: need(get('context_length'), `${c.where}: context_length`), ...opt('contextStart', get('context_start')),
      paddingAttr: bool(proj, 'trainable_padding', c.where) ? (c.attr(i) ?? true) : false,
    });
    default: throw unsupported(c, `projection type ${JSON.stringify(type)} (input ${i})`);
  }
}

function operator(c: LayerCall, op: ProtoMessage): Operator {
  const type = str(op, 'type', c.where);
  const [a, b] = (op.input_indices ?? []).map((i) => c.inputs[Number(i)]!);
  if (type !== 'dot_mul' || !a || !b) throw unsupported(c, `operator type ${JSON.stringify(type)}`);
  return layer.dotmulOperator({ a, b, scale: num(op, 'dotmul_scale', c.where) ?? 1 });
}

function unsupported(c: LayerCall, what: string): FormatError {
  return new FormatError(`import: layer ${JSON.stringify(c.full)} (${c.type}) uses ${what}, which Oar does not support`);
}

/** Rebuilds one layer with the DSL; DSL errors say which layer of the file they come from. */
export function buildLayer(call: LayerCall): LayerOutput {
  const build = BUILDERS[call.type];
  if (!build) {
    throw new FormatError(
      `import: layer ${JSON.stringify(call.full)} has type ${JSON.stringify(call.type)}, which Oar does not support; Oar imports ${['data', ...IMPORTED_LAYER_TYPES, 'recurrent_layer_group'].join(', ')}`,
    );
  }
  try {
    return build(call);
  } catch (err) {
    if (err instanceof ConfigError) throw new FormatError(`import: layer ${JSON.stringify(call.full)} (${call.type}): ${err.message}`);
    throw err;
  }
}

/** A data layer of the inferred (or given) type. */
export function buildData(config: ProtoMessage, levels: Levels): LayerOutput {
  const { name } = layerHead(config);
  const where = `layer ${JSON.stringify(name)}`;
  const type = levels.dataTypes.get(name)!;
  const make = (type.value === 'dense'
    ? [dataType.denseVector, dataType.denseVectorSequence, dataType.denseVectorSubSequence]
    : [dataType.integerValue, dataType.integerValueSequence, dataType.integerValueSubSequence])[type.seqLevel];
  const height = num(config, 'height', where);
  const width = num(config, 'width', where);
  try {
    return layer.data({ name, type: make(need(num(config, 'size', where), `${where}: size`)), ...opt('height', height), ...opt('width', width) });
  } catch (err) {
    if (err instanceof ConfigError) throw new FormatError(`import: data layer ${JSON.stringify(name)}: ${err.message}`);
    throw err;
  }
}

/**
 * A LayerCall for a layer config: inputs resolved by name, parameters read as paramAttrs that give back the
 * same parameter configs (Paddle's smart std is left to the DSL, other initialisations are given).
 */
export function layerCall(
  config: ProtoMessage, resolve: (name: string, where: string) => LayerOutput, params: ReadonlyMap<string, ProtoMessage>, evaluated: ReadonlySet<string>,
): LayerCall {
  const { name: full, type } = layerHead(config);
  const where = `layer ${JSON.stringify(full)}`;
  const inputConfigs = msgs(config, 'inputs');
  const attrOf = (paramName: string | undefined, suffix: string) => (paramName === undefined ? undefined : paramAttrOf(params, paramName, `_${full}.${suffix}`, where));
  return {
    config, full, name: baseName(full), type, where, inputConfigs, evaluator: evaluated.has(full),
    inputs: inputNames(config).map((n) => resolve(n, where)),
    attr: (i) => attrOf(str(inputConfigs[i]!, 'input_parameter_name', where), `w${i}`),
    bias: () => attrOf(str(config, 'bias_parameter_name', where), 'wbias') ?? false,
    act: (key = 'active_type') => activationNamed(str(config, key, where) ?? '', `${where}: ${key}`),
    drop: () => {
      const rate = num(config, 'drop_rate', where);
      return rate === undefined || rate === 0 ? undefined : layerAttr({ dropRate: rate });
    },
    size: () => need(num(config, 'size', where), `${where}: size`),
    num: (key) => num(config, key, where),
    str: (key) => str(config, key, where),
    bool: (key) => bool(config, key, where),
  };
}

export function activationNamed(activeType: string, where: string): Activation {
  const act = activeType === 'linear' ? 'linear' : activationOf(activeType);
  if (!act) throw new FormatError(`import: ${where} is ${JSON.stringify(activeType)}, an activation Oar does not support`);
  return act;
}

/** A paramAttr that makes the DSL write `name`'s config again; the name is given only when not the default. */
export function paramAttrOf(params: ReadonlyMap<string, ProtoMessage>, name: string, defaultName: string, where: string): ParamAttr {
  const p = params.get(name);
  if (!p) throw new FormatError(`import: ${where} uses parameter ${JSON.stringify(name)}, which is not in parameters`);
  const at = `parameter ${JSON.stringify(name)}`;
  const args: ParamAttrArgs = name === defaultName ? {} : { name };
  const mean = num(p, 'initial_mean', at) ?? 0;
  const std = num(p, 'initial_std', at) ?? 0.01;
  if ((num(p, 'initial_strategy', at) ?? 0) === 1) Object.assign(args, uniformBounds(mean, std));
  else if (!bool(p, 'initial_smart', at)) Object.assign(args, { initialMean: mean, initialStd: std });
  const copy = (from: string, to: keyof ParamAttrArgs) => {
    const v = p[from]?.[0];
    if (v !== undefined) Object.assign(args, { [to]: v });
  };
  copy('learning_rate', 'learningRate');
  copy('momentum', 'momentum');
  copy('decay_rate', 'l2Rate');
  copy('gradient_clipping_threshold', 'gradientClippingThreshold');
  if (bool(p, 'sparse_update', at)) args.sparseUpdate = true;
  if (bool(p, 'is_static', at)) args.isStatic = true;
  try {
    return paramAttr(args);
  } catch (err) {
    if (err instanceof ConfigError) throw new FormatError(`import: ${at}: ${err.message}`);
    throw err;
  }
}

/**
 * Bounds [min, max] from which the DSL computes exactly this mean (max + min) / 2 and std (max − min) / 2:
 * mean ∓ std, nudged by a few units in the last place where rounding would change either.
 */
function uniformBounds(mean: number, std: number): { initialMin: number; initialMax: number } {
  const lo = mean - std;
  const hi = mean + std;
  for (const dl of [0, -1, 1, -2, 2]) {
    for (const dh of [0, -1, 1, -2, 2]) {
      const min = nudge(lo, dl);
      const max = nudge(hi, dh);
      if ((max + min) / 2 === mean && (max - min) / 2 === std) return { initialMin: min, initialMax: max };
    }
  }
  return { initialMin: lo, initialMax: hi };
}

/** A number y with y / n === x exactly (x · n, nudged where rounding would not give x back). */
function timesExactly(x: number, n: number): number {
  const y = x * n;
  for (const d of [0, -1, 1, -2, 2]) if (nudge(y, d) / n === x) return nudge(y, d);
  return y;
}

/** x moved by `ulps` units in the last place. */
function nudge(x: number, ulps: number): number {
  if (ulps === 0 || !Number.isFinite(x)) return x;
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  const step = BigInt((x >= 0 ? 1 : -1) * ulps);
  if (x === 0) return ulps * Number.MIN_VALUE;
  bits[0] = bits[0]! + step;
  return new Float64Array(bits.buffer)[0]!;
}
