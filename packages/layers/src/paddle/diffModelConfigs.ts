import { defaultOf, fieldSpec, isMessageKind, type MessageName } from './modelConfigSchema.js';
import type { ProtoMessage, ProtoValue } from './protostr.js';

/**
 * Fields that some eras of Paddle print and others lack. Such a field is compared only when both dumps carry
 * it; one dump without it is not a difference. This is the one list of them.
 */
export const ERA_FIELDS: Readonly<Record<string, string>> = {
  'LayerConfig.init_wgt_from_mkldnn': 'an MKL-DNN flag printed by late dumps (false on every layer)',
  'MemoryConfig.is_sequence': 'printed by later dumps (false included); earlier ones leave it out even for sequence memories',
  'SubModelConfig.target_inlinkid': 'printed as -1 by some dumps of recurrent groups, absent from others',
  'LinkConfig.has_subseq': 'nested-sequence links; earlier dumps have no such field',
  'ParameterConfig.dims': 'earlier dumps leave out the dims of convolution and batch-norm weights (size is still compared)',
  'ParameterConfig.is_shared': "set on a batch norm's moving mean and variance by later dumps",
};

/** Activation fields: older dumps write the linear activation as "linear", newer ones as "". */
const ACTIVATION_FIELDS = new Set(['active_type', 'active_gate_type', 'active_state_type', 'boot_bias_active_type']);

/** Repeated messages looked up by name (their order has no meaning): parameters, evaluators, sub-models. */
const KEYED = new Set(['ModelConfig.parameters', 'ModelConfig.evaluators', 'ModelConfig.sub_models']);

export interface DiffLabels {
  /** How differences name the first model (default 'Oar'). */
  left?: string;
  /** How differences name the second model (default 'Paddle'). */
  right?: string;
}

/**
 * Compares two `ModelConfig`s field by field as protobuf values: an absent scalar equals its default, numbers
 * within 1e-9 (relative for large ones), "linear" equals "" in activation fields, and the era fields of
 * `ERA_FIELDS` are compared only when both carry them. Layers are compared in order, except data layers, whose
 * place has no meaning (they have no inputs); parameters, evaluators and sub-models are matched by name.
 * Returns the differences, empty when the two describe the same network.
 * @example
 * expect(diffModelConfigs(toModelConfig(topology.config), parseProtostr(golden))).toEqual([]);
 */
export function diffModelConfigs(left: ProtoMessage, right: ProtoMessage, labels: DiffLabels = {}): string[] {
  const ctx: Ctx = {
    diffs: [], l: labels.left ?? 'Oar', r: labels.right ?? 'Paddle',
    dataLayers: new Set([...dataLayerNames(left), ...dataLayerNames(right)]),
  };
  compareMessage(ctx, 'model', left, right, 'ModelConfig');
  return ctx.diffs;
}

interface Ctx {
  diffs: string[];
  l: string;
  r: string;
  dataLayers: Set<string>;
}

function dataLayerNames(model: ProtoMessage): string[] {
  return ((model.layers ?? []) as ProtoMessage[]).filter((l) => l.type?.[0] === 'data').map((l) => String(l.name?.[0]));
}

function compareMessage(ctx: Ctx, path: string, a: ProtoMessage, b: ProtoMessage, type: MessageName | undefined): void {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const key of keys) {
    const qualified = `${type}.${key}`;
    if (ERA_FIELDS[qualified] !== undefined && (a[key] === undefined || b[key] === undefined)) continue;
    if (qualified === 'ModelConfig.layers') compareLayers(ctx, a, b);
    else if (KEYED.has(qualified)) compareKeyed(ctx, key, a[key] ?? [], b[key] ?? [], childType(type, key));
    else if (qualified === 'SubModelConfig.layer_names') compareNames(ctx, `${path}.layer_names`, a[key] ?? [], b[key] ?? []);
    else compareField(ctx, path, key, a[key], b[key], type);
  }
}

function childType(type: MessageName | undefined, key: string): MessageName | undefined {
  const spec = type ? fieldSpec(type, key) : undefined;
  return spec && isMessageKind(spec.kind) ? spec.kind : undefined;
}

function compareField(ctx: Ctx, path: string, key: string, a: ProtoValue[] | undefined, b: ProtoValue[] | undefined, type: MessageName | undefined): void {
  const spec = type ? fieldSpec(type, key) : undefined;
  const fallback = spec ? defaultOf(spec) : undefined;
  const va = a ?? (fallback !== undefined ? [fallback] : []);
  const vb = b ?? (fallback !== undefined ? [fallback] : []);
  const where = `${path}.${key}`;
  const text = (given: ProtoValue[] | undefined, value: ProtoValue[]) => (given === undefined && value.length ? `(default ${show(value)})` : show(value));
  if (va.length !== vb.length) {
    ctx.diffs.push(`${where}: ${ctx.l} ${text(a, va)}, ${ctx.r} ${text(b, vb)}`);
    return;
  }
  const child = childType(type, key);
  va.forEach((x, i) => {
    const y = vb[i]!;
    const at = va.length > 1 ? `${where}[${i}]` : where;
    if (typeof x === 'object' && typeof y === 'object') compareMessage(ctx, at, x, y, child);
    else if (!sameScalar(key, x, y)) ctx.diffs.push(`${at}: ${ctx.l} ${text(a, [x])}, ${ctx.r} ${text(b, [y])}`);
  });
}

function compareLayers(ctx: Ctx, a: ProtoMessage, b: ProtoMessage): void {
  const la = byName((a.layers ?? []) as ProtoMessage[]);
  const lb = byName((b.layers ?? []) as ProtoMessage[]);
  compareNames(ctx, 'model.layers', [...la.keys()], [...lb.keys()]);
  for (const [name, layer] of la) {
    const other = lb.get(name);
    if (other) compareMessage(ctx, `layer ${name}`, layer, other, 'LayerConfig');
  }
}

/** Names in order, except data layers, which may be anywhere. */
function compareNames(ctx: Ctx, where: string, a: ProtoValue[], b: ProtoValue[]): void {
  const sa = a.map(String);
  const sb = b.map(String);
  const missing = sb.filter((n) => !sa.includes(n));
  const extra = sa.filter((n) => !sb.includes(n));
  if (missing.length) ctx.diffs.push(`${where}: ${ctx.r} has ${missing.join(', ')}, ${ctx.l} does not`);
  if (extra.length) ctx.diffs.push(`${where}: ${ctx.l} has ${extra.join(', ')}, ${ctx.r} does not`);
  const oa = sa.filter((n) => !ctx.dataLayers.has(n) && sb.includes(n));
  const ob = sb.filter((n) => !ctx.dataLayers.has(n) && sa.includes(n));
  const at = oa.findIndex((n, i) => n !== ob[i]);
  if (at >= 0) ctx.diffs.push(`${where}: order differs: ${ctx.l} has ${oa[at]} where ${ctx.r} has ${ob[at]}`);
}

function compareKeyed(ctx: Ctx, key: string, a: ProtoValue[], b: ProtoValue[], type: MessageName | undefined): void {
  const what = key === 'parameters' ? 'parameter' : key === 'evaluators' ? 'evaluator' : 'sub_model';
  const ma = byName(a as ProtoMessage[]);
  const mb = byName(b as ProtoMessage[]);
  for (const name of mb.keys()) if (!ma.has(name)) ctx.diffs.push(`${what} ${name}: only in ${ctx.r}`);
  for (const [name, message] of ma) {
    const other = mb.get(name);
    if (!other) ctx.diffs.push(`${what} ${name}: only in ${ctx.l}`);
    else compareMessage(ctx, `${what} ${name}`, message, other, type);
  }
}

function byName(list: ProtoMessage[]): Map<string, ProtoMessage> {
  return new Map(list.map((m) => [String(m.name?.[0]), m]));
}

function sameScalar(key: string, a: ProtoValue, b: ProtoValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  }
  if (ACTIVATION_FIELDS.has(key) && typeof a === 'string' && typeof b === 'string') return linear(a) === linear(b);
  return a === b;
}

const linear = (act: string) => (act === 'linear' ? '' : act);

function show(values: ProtoValue[]): string {
  if (values.length === 0) return '(absent)';
  const text = values.map((v) => (typeof v === 'object' ? '{...}' : JSON.stringify(v))).join(', ');
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
