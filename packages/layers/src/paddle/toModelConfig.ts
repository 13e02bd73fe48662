import type { LayerConfig, MemoryConfig, ParameterConfig, SubModelConfig, TopologyConfig } from '../config.js';
import { FormatError } from '../errors.js';
import { formatProtostr, type ProtoMessage, type ProtoValue } from './protostr.js';

/** Keys of Oar's saved format that Paddle's ModelConfig does not have (Oar's own bookkeeping). */
const OAR_ONLY = {
  layer: new Set(['seq_level', 'data_type', 'sub_model']),
  memory: new Set(['is_static_input']),
};

/**
 * Maps an Oar topology to Paddle's `ModelConfig`, as a text-format message: layers (without Oar's sequence
 * levels and data types), parameters, input and output names, evaluators and sub-models (in-links, out-links,
 * memories, reversed). Paddle's own conventions are applied: a recurrent_layer_group layer has no size, a link
 * says `has_subseq` only when true, and a batch norm's moving mean and variance are `is_shared`.
 * A generating group (beam search) has no ModelConfig counterpart in Oar's form and is refused.
 * @paddle paddle.v2.topology.Topology.proto
 * @example
 * const text = formatProtostr(toModelConfig(Topology.fromOutputs(cost).config));
 */
export function toModelConfig(config: TopologyConfig): ProtoMessage {
  const shared = movingStatistics(config.layers);
  return message({
    type: config.type,
    layers: config.layers.map(layerMessage),
    parameters: config.parameters.map((p) => parameterMessage(p, shared.has(p.name))),
    input_layer_names: config.input_layer_names,
    output_layer_names: config.output_layer_names,
    evaluators: config.evaluators,
    sub_models: config.sub_models.map(subModelMessage),
  });
}

/**
 * An Oar topology as Paddle's protostr (`ModelConfig` in protobuf text format).
 * @paddle print(paddle.v2.topology.Topology(cost).proto())
 * @example
 * writeFileSync('model.protostr', exportProtostr(topology.config));
 */
export function exportProtostr(config: TopologyConfig): string {
  return formatProtostr(toModelConfig(config));
}

function layerMessage(layer: LayerConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(layer)) if (!OAR_ONLY.layer.has(key)) out[key] = value;
  // Paddle leaves the size of a group's layer unset.
  if (layer.type === 'recurrent_layer_group') delete out.size;
  return out;
}

function parameterMessage(param: ParameterConfig, isShared: boolean): Record<string, unknown> {
  return isShared ? { ...param, is_shared: true } : { ...param };
}

function subModelMessage(model: SubModelConfig): Record<string, unknown> {
  if (model.generator) {
    throw new FormatError(
      `export: recurrent group ${JSON.stringify(model.name)} generates (beam search); Paddle's ModelConfig form of a generator is not written by Oar. Export the training network instead`,
    );
  }
  const link = (l: { layer_name: string; link_name: string; has_subseq: boolean }) =>
    ({ layer_name: l.layer_name, link_name: l.link_name, ...(l.has_subseq ? { has_subseq: true } : {}) });
  return {
    ...model,
    ...(model.memories ? { memories: model.memories.map(memoryMessage) } : {}),
    ...(model.in_links ? { in_links: model.in_links.map(link) } : {}),
    ...(model.out_links ? { out_links: model.out_links.map(link) } : {}),
  };
}

function memoryMessage(memory: MemoryConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(memory)) if (!OAR_ONLY.memory.has(key)) out[key] = value;
  return out;
}

/** Parameters that are a batch norm's moving mean and variance: Paddle marks them `is_shared`. */
function movingStatistics(layers: readonly LayerConfig[]): Set<string> {
  const names = new Set<string>();
  for (const layer of layers) {
    if (layer.type !== 'batch_norm') continue;
    for (const input of layer.inputs.slice(1)) if (input.input_parameter_name) names.add(input.input_parameter_name);
  }
  return names;
}

/** Plain JSON (objects, arrays, scalars) as a text-format message; undefined values and empty lists are left out. */
function message(obj: Record<string, unknown>): ProtoMessage {
  const out: ProtoMessage = {};
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    const list = (Array.isArray(value) ? value : [value]) as unknown[];
    if (list.length === 0) continue;
    out[key] = list.map((v): ProtoValue => (typeof v === 'object' && v !== null ? message(v as Record<string, unknown>) : (v as ProtoValue)));
  }
  return out;
}
