import { ConfigError, FormatError } from '../errors.js';
import { layer } from '../layer.js';
import { MemoryLayer } from '../layers/memory.js';
import { staticInput, type GroupInput } from '../layers/recurrentGroup.js';
import type { LayerOutput } from '../LayerOutput.js';
import { Topology } from '../Topology.js';
import { diffModelConfigs } from './diffModelConfigs.js';
import { dataTypeName, inferDataTypes, parseDataTypeName, type DataTypeName, type InferredType, type Levels } from './inferDataTypes.js';
import { baseName, bool, inputNames, layerHead, msgs, need, num, str } from './protoAccess.js';
import { parseProtostr, type ProtoMessage } from './protostr.js';
import { activationNamed, buildData, buildLayer, layerCall, paramAttrOf } from './replayLayers.js';
import { toModelConfig } from './toModelConfig.js';

export interface ImportOptions {
  /**
   * Data types of data layers by name (`dense_vector_sequence`, `integer_value` ...), for what the network
   * does not show: Paddle's ModelConfig leaves them to the data provider, and the importer infers the rest.
   */
  dataTypes?: Readonly<Record<string, DataTypeName>>;
}

/** A Paddle network rebuilt with Oar's layer DSL. */
export interface PaddleImport {
  /** The rebuilt topology: the file's layers, in the file's order, with its names and parameters. */
  topology: Topology;
  /** The file's output layers. */
  outputs: LayerOutput[];
  /** The file's top-level layers in order (Paddle's `extra_layers` of the trace): `Topology.fromOutputs(outputs, { extraLayers })`. */
  extraLayers: LayerOutput[];
  /** Every rebuilt layer by its full name. */
  layers: ReadonlyMap<string, LayerOutput>;
  /** The data type of every data layer, as given or inferred. */
  dataTypes: Record<string, DataTypeName>;
}

/**
 * Reads a Paddle `ModelConfig` (protostr text, or parsed) back into an Oar network: every layer is rebuilt with
 * the layer DSL under its Paddle name, so it trains and infers as any Oar network, and is checked as one. Data
 * layers' types, which a ModelConfig does not hold, are inferred from their readers or given. Layer types Oar
 * does not have are an error naming the layer and its type. Finally the rebuilt network is written back as a
 * ModelConfig and compared with the file (`diffModelConfigs`): any field Oar would not give back is an error, so
 * an import always exports to the same protostr.
 * @paddle (the reverse of paddle.v2.topology.Topology.proto)
 * @example
 * const { topology, outputs } = importProtostr(readFileSync('model.protostr', 'utf8'), { dataTypes: { words: 'integer_value_sequence' } });
 */
export function importProtostr(source: string | ProtoMessage, options: ImportOptions = {}): PaddleImport {
  const model = typeof source === 'string' ? parseProtostr(source) : source;
  const given = new Map<string, InferredType>(
    Object.entries(options.dataTypes ?? {}).map(([name, type]) => [name, parseDataTypeName(type, `data type of ${JSON.stringify(name)}`)]),
  );
  const levels = inferDataTypes(model, given);
  const replay = new Replay(model, levels);
  const extraLayers = replay.run();
  const outputs = (model.output_layer_names ?? []).map((n) => replay.get(String(n), 'output_layer_names'));
  let topology: Topology;
  try {
    topology = Topology.fromOutputs(outputs, { extraLayers });
  } catch (err) {
    if (err instanceof ConfigError) throw new FormatError(`import: ${err.message}`);
    throw err;
  }
  const diffs = diffModelConfigs(toModelConfig(topology.config), model, { left: 'Oar', right: 'the file' });
  if (diffs.length > 0) {
    const shown = diffs.slice(0, 12).join('; ');
    throw new FormatError(`import: Oar rebuilds this network differently from the file (${diffs.length} difference${diffs.length > 1 ? 's' : ''}): ${shown}${diffs.length > 12 ? '; ...' : ''}`);
  }
  const dataTypes = Object.fromEntries([...levels.dataTypes].map(([n, t]) => [n, dataTypeName(t)]));
  return { topology, outputs, extraLayers, layers: replay.built, dataTypes };
}

/** Rebuilds the layers of a parsed ModelConfig in file order, recurrent groups through their steps. */
class Replay {
  readonly built = new Map<string, LayerOutput>();
  readonly #layers = new Map<string, ProtoMessage>();
  readonly #params = new Map<string, ProtoMessage>();
  readonly #groups = new Map<string, ProtoMessage>();
  /** Layers that belong to a group's step (listed by its sub-model). */
  readonly #inner = new Set<string>();
  readonly #evaluated = new Set<string>();
  readonly #model: ProtoMessage;
  readonly #levels: Levels;

  constructor(model: ProtoMessage, levels: Levels) {
    this.#model = model;
    this.#levels = levels;
    for (const l of msgs(model, 'layers')) this.#layers.set(layerHead(l).name, l);
    for (const p of msgs(model, 'parameters')) this.#params.set(need(str(p, 'name', 'a parameter'), 'a parameter: name'), p);
    for (const sub of msgs(model, 'sub_models')) {
      if (!bool(sub, 'is_recurrent_layer_group', 'a sub_model')) continue;
      const name = need(str(sub, 'name', 'a sub_model'), 'a sub_model: name');
      this.#groups.set(name, sub);
      for (const n of sub.layer_names ?? []) this.#inner.add(String(n));
    }
    this.#findEvaluated();
  }

  /** Classification costs whose [input, label] a classification_error evaluator reads. */
  #findEvaluated(): void {
    const evaluators = msgs(this.#model, 'evaluators');
    for (const [name, config] of this.#layers) {
      if (layerHead(config).type !== 'multi-class-cross-entropy') continue;
      const ins = inputNames(config).join('\n');
      const match = evaluators.find((e) => str(e, 'type', 'an evaluator') === 'classification_error' && (e.input_layers ?? []).join('\n') === ins);
      if (match) this.#evaluated.add(name);
    }
  }

  get(name: string, where: string): LayerOutput {
    const built = this.built.get(name);
    if (!built) throw new FormatError(`import: ${where} reads ${JSON.stringify(name)}, which is not a layer defined before it`);
    return built;
  }

  /** Rebuilds the top-level layers; returns them in file order. */
  run(): LayerOutput[] {
    const top: string[] = [];
    for (const [name, config] of this.#layers) {
      if (this.#inner.has(name)) continue;
      top.push(name);
      this.#layer(config);
    }
    return top.map((n) => this.built.get(n)).filter((l): l is LayerOutput => l !== undefined);
  }

  #layer(config: ProtoMessage): void {
    const { name, type } = layerHead(config);
    if (type === 'gather_agent') {
      if (!this.built.has(name)) throw new FormatError(`import: gather_agent ${JSON.stringify(name)} is not an out-link of a recurrent group before it`);
      return;
    }
    if (type === 'scatter_agent' || type === 'agent') throw new FormatError(`import: ${type} ${JSON.stringify(name)} is not listed by a recurrent group's sub-model`);
    if (type === 'recurrent_layer_group') return this.#group(name);
    const built = type === 'data'
      ? buildData(config, this.#levels)
      : buildLayer(layerCall(config, (n, where) => this.get(n, where), this.#params, this.#evaluated));
    this.built.set(name, built);
  }

  /** A recurrent group: its in-links and static inputs go in, its step rebuilds its layers, its out-links come out. */
  #group(name: string): void {
    const where = `recurrent group ${JSON.stringify(name)}`;
    const sub = this.#groups.get(name);
    if (!sub) throw new FormatError(`import: ${where} has no sub_model of that name`);
    if (sub.generator) throw new FormatError(`import: ${where} generates (beam search); Oar does not import generating groups`);
    const memories = msgs(sub, 'memories');
    const isStatic = (m: ProtoMessage) => str(m, 'layer_name', where) === str(m, 'link_name', where) && m.boot_layer_name !== undefined;
    const inLinks = msgs(sub, 'in_links');
    const statics = memories.filter(isStatic);
    const input: GroupInput[] = [
      ...inLinks.map((l) => this.get(need(str(l, 'layer_name', where), `${where}: in-link`), where)),
      ...statics.map((m) => staticInput(this.get(need(str(m, 'boot_layer_name', where), `${where}: boot layer`), where))),
    ];
    const links = [...inLinks, ...statics].map((l) => need(str(l, 'link_name', where), `${where}: link_name`));
    const step = (...agents: LayerOutput[]) => {
      links.forEach((link, i) => this.built.set(link, agents[i]!));
      const unnamed = memories.filter((m) => !isStatic(m)).map((m) => this.#memory(name, m));
      for (const n of sub.layer_names ?? []) {
        const config = this.#layers.get(String(n));
        if (!config) throw new FormatError(`import: ${where} lists ${JSON.stringify(n)}, which is not a layer`);
        const { type } = layerHead(config);
        if (type === 'scatter_agent' || type === 'agent' || type === 'gather_agent') continue;
        if (type === 'recurrent_layer_group') this.#group(String(n));
        else this.#layer(config);
      }
      for (const { memory, target } of unnamed) if (memory) memory.setInput(this.get(target, where));
      return msgs(sub, 'out_links').map((l) => this.get(need(str(l, 'layer_name', where), `${where}: out-link`), where));
    };
    let gathers: LayerOutput[];
    try {
      gathers = layer.recurrentGroup({ name: baseName(name), input, reverse: bool(sub, 'reversed', where) ?? false, step });
    } catch (err) {
      if (err instanceof ConfigError) throw new FormatError(`import: ${where}: ${err.message}`);
      throw err;
    }
    msgs(sub, 'out_links').forEach((l, i) => this.built.set(need(str(l, 'link_name', where), `${where}: out-link`), gathers[i]!));
  }

  /**
   * A memory of a group's step. Paddle names its agent `NAME+delay1@GROUP` when it remembers the layer NAME;
   * any other agent name is an unnamed memory (`__memory_N__`) given its layer with setInput.
   */
  #memory(group: string, m: ProtoMessage): { memory?: MemoryLayer; target: string } {
    const where = `recurrent group ${JSON.stringify(group)}: memory`;
    const link = need(str(m, 'link_name', where), `${where}: link_name`);
    const target = need(str(m, 'layer_name', where), `${where}: layer_name`);
    const agent = need(this.#layers.get(link), `import: ${where} ${JSON.stringify(link)}: its agent layer`);
    const bootBias = str(m, 'boot_bias_parameter_name', where);
    const bootLayer = str(m, 'boot_layer_name', where);
    const bootId = num(m, 'boot_with_const_id', where);
    const named = link === `${baseName(target)}+delay1@${group}`;
    let memory: MemoryLayer;
    try {
      memory = layer.memory({
        ...(named ? { name: baseName(target) } : {}),
        size: need(num(agent, 'size', where), `${where}: size`),
        isSeq: bool(m, 'is_sequence', where) ?? this.#levels.memoryIsSeq.get(link) ?? false,
        ...(bootLayer !== undefined ? { bootLayer: this.get(bootLayer, where) } : {}),
        ...(bootBias !== undefined ? {
          bootBias: paramAttrOf(this.#params, bootBias, `_${link}.wbias`, where),
          bootBiasActiveType: activationNamed(str(m, 'boot_bias_active_type', where) ?? '', `${where} boot_bias_active_type`),
        } : {}),
        ...(bootId !== undefined ? { bootWithConstId: bootId } : {}),
      });
    } catch (err) {
      if (err instanceof ConfigError) throw new FormatError(`import: ${where} ${JSON.stringify(link)}: ${err.message}`);
      throw err;
    }
    this.built.set(link, memory);
    return named ? { target } : { memory, target };
  }
}
