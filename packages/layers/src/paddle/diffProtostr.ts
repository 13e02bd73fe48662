import type { TopologyConfig } from '../config.js';
import type { ProtoMessage, ProtoValue } from './protostr.js';

/** Fields that must appear in ours whenever Paddle's dump has them. */
const REQUIRED = new Set([
  'type', 'size', 'active_type', 'inputs', 'input_layer_name', 'input_parameter_name', 'proj_conf', 'operator_confs',
  'bias_parameter_name', 'trans_type', 'select_first', 'average_strategy', 'conv_conf', 'pool_conf', 'num_filters',
  'initial_mean', 'initial_std', 'initial_strategy', 'initial_smart', 'dims', 'context_start', 'context_length',
  'trainable_padding', 'offset', 'input_indices', 'dotmul_scale', 'is_static', 'input_layers',
  'reversed', 'active_gate_type', 'active_state_type', 'input_layer_argument', 'layer_names', 'is_recurrent_layer_group',
  'memories', 'in_links', 'out_links', 'layer_name', 'link_name', 'boot_layer_name', 'boot_bias_parameter_name',
  'boot_bias_active_type', 'boot_with_const_id', 'is_sequence',
]);

/** Paddle fields with no meaning in Oar (MKL-DNN flags, legacy defaults the dumps print). */
const IGNORED = new Set(['init_wgt_from_mkldnn', 'momentum', 'seq_pool_stride', 'is_shared', 'is_sparse', 'initial_smart', 'target_inlinkid']);

/** Activation fields: Paddle's older dumps write the linear activation as "linear", newer ones as "". */
const ACTIVATION_KEYS = new Set(['active_type', 'active_gate_type', 'active_state_type', 'boot_bias_active_type']);

/**
 * Lists the differences between an Oar topology and a Paddle `ModelConfig` dump for every layer,
 * parameter and recurrent sub-model Oar has: names, types, sizes, inputs, projections, parameter shapes and
 * initialisation, and each recurrent group's layers, in-links, out-links and memories.
 * Layers and sub-models of the dump that Oar did not build are not reported. Oar's non-data layers must appear in the same order
 * (data layers have no inputs, so Oar lists them where the trace first meets them, Paddle where they were created).
 * @example
 * expect(diffAgainstProtostr(topology.config, parseProtostr(golden))).toEqual([]);
 */
export function diffAgainstProtostr(ours: TopologyConfig, golden: ProtoMessage, ignore: readonly string[] = []): string[] {
  const diffs: string[] = [];
  const skip = new Set([...IGNORED, ...ignore]);
  const theirLayers = new Map((golden.layers ?? []).map((l) => [first(l as ProtoMessage, 'name'), l as ProtoMessage]));
  const order = [...theirLayers.keys()];
  let last = -1;
  for (const layer of ours.layers) {
    const theirs = theirLayers.get(layer.name);
    if (!theirs) {
      diffs.push(`layer ${layer.name}: not in Paddle's dump`);
      continue;
    }
    if (layer.type === 'data') {
      compare(`layer ${layer.name}`, layer as unknown as Record<string, unknown>, theirs, diffs, skip);
      continue;
    }
    const at = order.indexOf(layer.name);
    if (at < last) diffs.push(`layer ${layer.name}: comes before ${order[last]} in Paddle's dump`);
    last = Math.max(last, at);
    compare(`layer ${layer.name}`, layer as unknown as Record<string, unknown>, theirs, diffs, skip);
  }
  const theirParams = new Map((golden.parameters ?? []).map((p) => [first(p as ProtoMessage, 'name'), p as ProtoMessage]));
  for (const param of ours.parameters) {
    const theirs = theirParams.get(param.name);
    if (!theirs) diffs.push(`parameter ${param.name}: not in Paddle's dump`);
    else compare(`parameter ${param.name}`, param as unknown as Record<string, unknown>, theirs, diffs, skip);
  }
  const theirModels = new Map((golden.sub_models ?? []).map((m) => [first(m as ProtoMessage, 'name'), m as ProtoMessage]));
  for (const model of ours.sub_models.filter((m) => m.is_recurrent_layer_group)) {
    const theirs = theirModels.get(model.name);
    if (!theirs) diffs.push(`sub_model ${model.name}: not in Paddle's dump`);
    else compare(`sub_model ${model.name}`, model as unknown as Record<string, unknown>, theirs, diffs, skip);
  }
  for (const evaluator of ours.evaluators) {
    const theirs = (golden.evaluators ?? []).find((e) => first(e as ProtoMessage, 'name') === evaluator.name);
    if (!theirs) diffs.push(`evaluator ${evaluator.name}: not in Paddle's dump`);
    else compare(`evaluator ${evaluator.name}`, evaluator as unknown as Record<string, unknown>, theirs as ProtoMessage, diffs, skip);
  }
  return diffs;
}

function first(message: ProtoMessage, key: string): ProtoValue | undefined {
  return message[key]?.[0];
}

function compare(path: string, ours: Record<string, unknown>, theirs: ProtoMessage, diffs: string[], skip: Set<string>): void {
  for (const [key, values] of Object.entries(theirs)) {
    if (skip.has(key)) continue;
    const mine = ours[key];
    if (mine === undefined) {
      // Paddle prints some defaults: an empty active_type, is_static false, dims absent in ours.
      if (REQUIRED.has(key) && !isPaddleDefault(key, values)) diffs.push(`${path}: ${key} missing (Paddle: ${JSON.stringify(values)})`);
      continue;
    }
    const list = Array.isArray(mine) ? mine : [mine];
    const isMessage = typeof values[0] === 'object';
    if (list.length !== values.length) {
      diffs.push(`${path}: ${key} has ${list.length} values, Paddle ${values.length} (${JSON.stringify(mine).slice(0, 120)} vs ${JSON.stringify(values).slice(0, 120)})`);
      continue;
    }
    values.forEach((value, i) => {
      const where = values.length > 1 ? `${path}.${key}[${i}]` : `${path}.${key}`;
      if (isMessage) compare(where, list[i] as Record<string, unknown>, value as ProtoMessage, diffs, skip);
      else if (!same(key, list[i], value)) diffs.push(`${where}: ${JSON.stringify(list[i])}, Paddle ${JSON.stringify(value)}`);
    });
  }
}

function isPaddleDefault(key: string, values: ProtoValue[]): boolean {
  return (key === 'is_static' && values[0] === false) || (key === 'active_type' && values[0] === '');
}

function same(key: string, a: unknown, b: ProtoValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 + 1e-9 * Math.abs(b);
  if (ACTIVATION_KEYS.has(key) && b === 'linear') return a === '';
  return a === b;
}
