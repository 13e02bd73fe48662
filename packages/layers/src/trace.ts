import type { ParamAttr } from './attrs.js';
import type {
  EvaluatorConfig,
  LayerConfig,
  ParameterConfig,
  SubModelConfig,
  TopologyConfig,
} from './config.js';
import { TOPOLOGY_FORMAT, TOPOLOGY_VERSION } from './config.js';
import { ConfigError, show } from './errors.js';
import type { EmitContext, LayerOutput, ParamDefaults } from './LayerOutput.js';
import { isLayerOutput } from './LayerOutput.js';
import { NameScope, type LayerName } from './NameScope.js';
import { agentConfig, groupSubModel, memoryConfig } from './recurrent/groupConfig.js';
import type { GroupSpec, MemorySpec } from './recurrent/roles.js';

/** The recurrent group being written: its full name, and the names of its layers (its sub-model's). */
interface Frame {
  group: GroupSpec;
  fullName: string;
  layerNames: string[];
}

/**
 * Traces a network back from its outputs and writes its saved config. The builder owns the default-name
 * counters (`__fc_layer_0__`, `__mixed_1__` ...): layers are named in depth-first order of their inputs,
 * which is the order a sequential config creates them in, as Paddle names them. A recurrent group is
 * written where the walk meets it: the group layer, its agents, its step's layers (named `NAME@group`),
 * then its out-link agents in the enclosing scope.
 */
export class TopologyBuilder implements EmitContext {
  readonly #counters = new Map<string, number>();
  readonly #names = new Map<LayerOutput, string>();
  readonly #bases = new Map<LayerOutput, string>();
  readonly #owners = new Map<string, LayerOutput>();
  readonly #layers: LayerConfig[] = [];
  readonly #params = new Map<string, ParameterConfig>();
  readonly #evaluators: EvaluatorConfig[] = [];
  readonly #scopes = new Map<NameScope, string>();
  readonly #rootNames: string[] = [];
  readonly #groupModels: SubModelConfig[] = [];
  #frame: Frame | undefined;
  #current = '';

  /**
   * Names and emits every layer the outputs depend on, inputs first. `extraLayers` (Paddle's `extra_layers`)
   * are traced first, in order, and kept though they are not outputs; the inputs are the data layers the
   * outputs read.
   */
  trace(outputs: readonly LayerOutput[], extraLayers: readonly LayerOutput[] = []): TopologyConfig {
    outputs.forEach((o, i) => {
      if (!isLayerOutput(o)) throw new ConfigError(`outputs: item ${i} must be a layer, got ${show(o)}`);
    });
    extraLayers.forEach((o, i) => {
      if (!isLayerOutput(o)) throw new ConfigError(`extraLayers: item ${i} must be a layer, got ${show(o)}`);
    });
    if (outputs.length === 0) throw new ConfigError('outputs: at least one output layer is needed, got none');
    for (const extra of extraLayers) this.#visit(extra, new Set());
    for (const out of outputs) this.#visit(out, new Set());
    const outputNames = [...new Set(outputs.map((o) => this.nameOf(o)))];
    // The inputs are in the order a trace of the outputs alone meets them (Paddle's `outputs()`), extra layers aside.
    const read = extraLayers.length ? upstream(outputs) : undefined;
    const inputNames = this.#layers.filter((l) => l.type === 'data' && (!read || read.has(this.#owners.get(l.name)!))).map((l) => l.name);
    if (read) {
      const rank = new Map([...read].map((l, i) => [l, i]));
      inputNames.sort((a, b) => rank.get(this.#owners.get(a)!)! - rank.get(this.#owners.get(b)!)!);
    }
    return {
      format: TOPOLOGY_FORMAT,
      version: TOPOLOGY_VERSION,
      type: this.#groupModels.length > 0 ? 'recurrent_nn' : 'nn',
      layers: this.#layers,
      parameters: [...this.#params.values()],
      input_layer_names: inputNames,
      output_layer_names: outputNames,
      evaluators: this.#evaluators,
      sub_models: [
        {
          name: 'root',
          layer_names: this.#rootNames,
          input_layer_names: inputNames,
          output_layer_names: outputNames,
          evaluator_names: this.#evaluators.map((e) => e.name),
          is_recurrent_layer_group: false,
        },
        ...this.#groupModels,
      ],
    };
  }

  #visit(layer: LayerOutput, path: Set<LayerOutput>): void {
    // Checked even for a layer already written: a step layer may be reached again from outside its group.
    this.#checkScope(layer);
    if (this.#names.has(layer)) return;
    if (path.has(layer)) throw new ConfigError(`outputs: the network has a cycle through ${layer.describe()}`);
    path.add(layer);
    for (const input of layer.inputs) this.#visit(input, path);
    path.delete(layer);
    // A group's out-link agents are named while the group is written (it is their input).
    if (this.#names.has(layer)) return;
    const role = layer.recurrent;
    if (role?.kind === 'group') this.#writeGroup(role.group);
    else if (role) throw new Error(`internal: ${layer.describe()} (${role.kind}) was not written by its group`);
    else this.#emit(layer, this.#resolve(layer.name) ?? this.#defaultName(layer.prefix), (name) => layer.emit(this, name));
  }

  /** A layer made in a recurrent group's step is traced only while that group is written, and the reverse. */
  #checkScope(layer: LayerOutput): void {
    const here = this.#frame?.group;
    const agent = layer.recurrent?.kind === 'memory' || layer.recurrent?.kind === 'inLink';
    if (layer.owner === here && (!agent || this.#names.has(layer))) return;
    if (layer.recurrent?.kind === 'memory' && layer.owner === undefined) {
      throw new ConfigError(
        `layer.memory: ${layer.describe()} is used outside a recurrentGroup step; a memory reads a step layer's previous output and exists only inside a step (as an input of a layer the step's outputs depend on)`,
      );
    }
    if (layer.owner !== undefined) {
      throw new ConfigError(`outputs: ${layer.describe()} is computed inside the step of a recurrentGroup and cannot be used outside it; use the group's output instead`);
    }
    throw new ConfigError(`outputs: ${layer.describe()} is used inside a recurrentGroup step but was made outside it; give it to the group as an input or as staticInput(...)`);
  }

  /** Registers a layer under `base` (made `base@group` inside a group) and appends its config. */
  #emit(layer: LayerOutput, base: string, write: (name: string) => LayerConfig): string {
    const name = this.#frame ? `${base}@${this.#frame.fullName}` : base;
    const owner = this.#owners.get(name);
    if (owner && owner !== layer) {
      throw new ConfigError(`layer name ${show(name)} is given to two different layers: ${owner.describe()} and ${layer.describe()}`);
    }
    this.#owners.set(name, layer);
    this.#names.set(layer, name);
    this.#bases.set(layer, base);
    this.#current = name;
    (this.#frame?.layerNames ?? this.#rootNames).push(name);
    const config = write(name);
    this.#layers.push({ ...config, name, seq_level: layer.seqLevel });
    return name;
  }

  /**
   * Writes a recurrent group in Paddle's order: the group layer, in-link agents, memory agents (static inputs
   * first), the step's layers from its outputs and then from its memories' targets, and finally the out-link
   * agents, which belong to the enclosing scope. Its sub-model is listed when the group begins.
   */
  #writeGroup(group: GroupSpec): void {
    const base = this.#resolve(group.name) ?? this.#defaultName('recurrent_group');
    const node = group.gathers[0]!.inputs[0]!;
    const fullName = this.#emit(node, base, (name) => agentConfig('recurrent_layer_group', node, name));
    const model = groupSubModel(fullName, group.reversed);
    if (group.generator) model.generator = { ...group.generator };
    this.#groupModels.push(model);
    const parent = this.#frame;
    this.#frame = { group, fullName, layerNames: model.layer_names };
    for (const { outer, agent } of group.inLinks) {
      const link = this.#emit(agent, this.#bases.get(outer)!, (name) => agentConfig('scatter_agent', agent, name));
      model.in_links!.push({ layer_name: this.nameOf(outer), link_name: link, has_subseq: outer.seqLevel === 2 });
    }
    const memories = [...group.statics, ...group.memories];
    const bootBiases = memories.map((agent) => {
      const memory = memoryOf(agent);
      // Every memory takes a number from Paddle's memory counter, named or not.
      const numbered = this.#defaultName('memory');
      const agentBase = memory.name === undefined ? numbered : `${this.#resolve(memory.name)!}+delay1`;
      this.#emit(agent, agentBase, (name) => agentConfig('agent', agent, name));
      return memory.bootBias ? this.param('wbias', memory.bootBias, [1, memory.size], { std: 0 }) : undefined;
    });
    for (const out of group.outputs) this.#visit(out, new Set());
    for (const agent of group.memories) this.#visit(memoryOf(agent).target!, new Set());
    memories.forEach((agent, i) => {
      const memory = memoryOf(agent);
      const link = this.nameOf(agent);
      model.memories!.push(memoryConfig(memory, {
        layer: memory.staticInput ? link : this.nameOf(memory.target!), link,
        ...(memory.bootLayer ? { bootLayer: this.nameOf(memory.bootLayer) } : {}),
        ...(bootBiases[i] ? { bootBias: bootBiases[i] } : {}),
      }));
    });
    this.#frame = parent;
    group.outputs.forEach((inner, i) => {
      const gather = group.gathers[i]!;
      const link = this.#emit(gather, this.#bases.get(inner)!, (name) => agentConfig('gather_agent', gather, name));
      model.out_links!.push({ layer_name: this.nameOf(inner), link_name: link, has_subseq: gather.seqLevel === 2 });
    });
  }

  #resolve(name: LayerName | undefined): string | undefined {
    if (name === undefined || typeof name === 'string') return name;
    return `${name.prefix}${this.#scopeBase(name.scope)}${name.suffix}`;
  }

  #scopeBase(scope: NameScope): string {
    let base = this.#scopes.get(scope);
    if (base === undefined) {
      base = scope.explicit === undefined ? this.#defaultName(scope.prefix) : this.#resolve(scope.explicit)!;
      this.#scopes.set(scope, base);
    }
    return base;
  }

  #defaultName(prefix: string): string {
    for (;;) {
      const n = this.#counters.get(prefix) ?? 0;
      this.#counters.set(prefix, n + 1);
      const name = `__${prefix}_${n}__`;
      if (!this.#owners.has(name)) return name;
    }
  }

  nameOf(layer: LayerOutput): string {
    const name = this.#names.get(layer);
    if (name === undefined) throw new Error(`internal: ${layer.describe()} was not traced before use`);
    return name;
  }

  param(suffix: string, attr: ParamAttr | undefined, dims: number[], defaults: ParamDefaults = {}): string {
    const name = attr?.name ?? `_${this.#current}.${suffix}`;
    const config = parameterConfig(name, attr, dims, defaults);
    const existing = this.#params.get(name);
    if (existing) {
      if (existing.size !== config.size || existing.dims.join('x') !== config.dims.join('x')) {
        throw new ConfigError(
          `paramAttr: shared parameter ${show(name)} has shape [${existing.dims}] in one layer and [${config.dims}] in layer ${show(this.#current)}; shared parameters must have the same shape`,
        );
      }
      return name;
    }
    this.#params.set(name, config);
    return name;
  }

  evaluator(type: 'classification_error', inputLayers: string[]): void {
    const base = `${type}_evaluator`;
    const count = this.#evaluators.filter((e) => e.type === type).length;
    this.#evaluators.push({ name: count === 0 ? base : `${base}_${count}`, type, input_layers: inputLayers });
  }
}

/** Every layer the outputs are computed from (themselves included). */
/** The layers the outputs read, in the order a depth-first trace of them finishes each (inputs first). */
function upstream(outputs: readonly LayerOutput[]): Set<LayerOutput> {
  const seen = new Set<LayerOutput>();
  const done = new Set<LayerOutput>();
  const stack: [LayerOutput, number][] = outputs.map((o) => [o, 0] as [LayerOutput, number]).reverse();
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [layer, next] = top;
    if (next === 0 && seen.has(layer)) {
      stack.pop();
      continue;
    }
    seen.add(layer);
    if (next < layer.inputs.length) {
      top[1] = next + 1;
      if (!seen.has(layer.inputs[next]!)) stack.push([layer.inputs[next]!, 0]);
    } else {
      stack.pop();
      done.add(layer);
    }
  }
  return done;
}

function memoryOf(agent: LayerOutput): MemorySpec {
  return (agent.recurrent as { memory: MemorySpec }).memory;
}

function parameterConfig(name: string, attr: ParamAttr | undefined, dims: number[], defaults: ParamDefaults): ParameterConfig {
  const size = dims.reduce((a, b) => a * b, 1);
  const config: ParameterConfig = {
    name, size, dims, initial_mean: 0, initial_std: 0, initial_strategy: 0, initial_smart: false,
  };
  if (attr?.initialMin !== undefined) {
    config.initial_strategy = 1;
    config.initial_mean = (attr.initialMax! + attr.initialMin) / 2;
    config.initial_std = (attr.initialMax! - attr.initialMin) / 2;
  } else if (attr?.initialStd !== undefined || attr?.initialMean !== undefined) {
    config.initial_mean = attr.initialMean ?? 0;
    config.initial_std = attr.initialStd ?? defaults.std ?? 0;
  } else if (defaults.std !== undefined) {
    config.initial_mean = defaults.mean ?? 0;
    config.initial_std = defaults.std;
  } else {
    config.initial_mean = defaults.mean ?? 0;
    config.initial_std = 1 / Math.sqrt(dims[0]!);
    config.initial_smart = true;
  }
  if (attr?.learningRate !== undefined) config.learning_rate = attr.learningRate;
  if (attr?.momentum !== undefined) config.momentum = attr.momentum;
  if (attr?.l2Rate !== undefined) config.decay_rate = attr.l2Rate;
  if (attr?.gradientClippingThreshold !== undefined) config.gradient_clipping_threshold = attr.gradientClippingThreshold;
  if (attr?.sparseUpdate) config.sparse_update = true;
  if (attr?.isStatic || defaults.isStatic) config.is_static = true;
  return config;
}

/** Options of a trace. */
export interface TraceOptions {
  /** Layers kept in the topology though they are not outputs, traced first and in order (Paddle's `extra_layers`). */
  extraLayers?: readonly LayerOutput[];
}

/**
 * Traces the network from its output layers and returns its saved config.
 * @paddle paddle.trainer_config_helpers.networks.outputs / paddle.topology.Topology
 * @example
 * const config = traceTopology([cost]);
 */
export function traceTopology(outputs: LayerOutput | readonly LayerOutput[], options: TraceOptions = {}): TopologyConfig {
  return new TopologyBuilder().trace(Array.isArray(outputs) ? outputs : [outputs as LayerOutput], options.extraLayers ?? []);
}
