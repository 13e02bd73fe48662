import type { LayerConfig, ParameterConfig, SubModelConfig, TopologyConfig } from './config.js';
import { TOPOLOGY_FORMAT, TOPOLOGY_VERSION } from './config.js';
import { FormatError } from './errors.js';
import type { LayerOutput } from './LayerOutput.js';
import { traceTopology, type TraceOptions } from './trace.js';

/**
 * A network traced from its outputs, with lookups by name; the saved format is its `toJSON()`.
 * @paddle paddle.topology.Topology
 * @example
 * const topology = Topology.fromOutputs(cost);
 * writeFileSync('model.json', topology.serialize());
 */
export class Topology {
  readonly config: TopologyConfig;
  readonly #layers: Map<string, LayerConfig>;
  readonly #params: Map<string, ParameterConfig>;

  private constructor(config: TopologyConfig) {
    this.config = config;
    this.#layers = new Map(config.layers.map((l) => [l.name, l]));
    this.#params = new Map(config.parameters.map((p) => [p.name, p]));
  }

  /** Traces a network from its outputs; `extraLayers` are kept though no output reads them (Paddle's `extra_layers`). */
  static fromOutputs(outputs: LayerOutput | readonly LayerOutput[], options: TraceOptions = {}): Topology {
    return new Topology(traceTopology(outputs, options));
  }

  /** Reads a saved topology (a parsed object or JSON text), checking its version and references. */
  static fromJSON(json: unknown): Topology {
    const config = (typeof json === 'string' ? parseJson(json) : json) as TopologyConfig;
    validate(config);
    return new Topology(config);
  }

  get layers(): readonly LayerConfig[] {
    return this.config.layers;
  }
  get parameters(): readonly ParameterConfig[] {
    return this.config.parameters;
  }
  get inputNames(): readonly string[] {
    return this.config.input_layer_names;
  }
  get outputNames(): readonly string[] {
    return this.config.output_layer_names;
  }

  layer(name: string): LayerConfig {
    const layer = this.#layers.get(name);
    if (!layer) throw new FormatError(`topology: no layer named ${JSON.stringify(name)}; layers are ${[...this.#layers.keys()].join(', ')}`);
    return layer;
  }

  parameter(name: string): ParameterConfig {
    const param = this.#params.get(name);
    if (!param) throw new FormatError(`topology: no parameter named ${JSON.stringify(name)}`);
    return param;
  }

  toJSON(): TopologyConfig {
    return this.config;
  }

  serialize(): string {
    return `${JSON.stringify(this.config, null, 2)}\n`;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new FormatError(`topology: not valid JSON (${(err as Error).message})`);
  }
}

function validate(config: TopologyConfig): void {
  if (typeof config !== 'object' || config === null) throw new FormatError(`topology: expected an object, got ${typeof config}`);
  if (config.format !== TOPOLOGY_FORMAT) {
    throw new FormatError(`topology: format must be ${JSON.stringify(TOPOLOGY_FORMAT)}, got ${JSON.stringify(config.format)}`);
  }
  if (config.version !== TOPOLOGY_VERSION) {
    throw new FormatError(`topology: version ${JSON.stringify(config.version)} is not supported; this Oar reads version ${TOPOLOGY_VERSION}`);
  }
  for (const key of ['layers', 'parameters', 'input_layer_names', 'output_layer_names', 'evaluators', 'sub_models'] as const) {
    if (!Array.isArray(config[key])) throw new FormatError(`topology: ${key} must be an array, got ${JSON.stringify(config[key])}`);
  }
  const layers = new Set<string>();
  const params = new Set(config.parameters.map((p) => p.name));
  for (const layer of config.layers) {
    if (typeof layer.name !== 'string' || typeof layer.type !== 'string' || !Number.isInteger(layer.size)) {
      throw new FormatError(`topology: every layer needs a name, a type and an integer size, got ${JSON.stringify(layer).slice(0, 120)}`);
    }
    if (layers.has(layer.name)) throw new FormatError(`topology: layer name ${JSON.stringify(layer.name)} appears twice`);
    for (const input of layer.inputs ?? []) {
      if (!layers.has(input.input_layer_name)) {
        throw new FormatError(`topology: layer ${JSON.stringify(layer.name)} reads ${JSON.stringify(input.input_layer_name)}, which is not defined before it`);
      }
      if (input.input_parameter_name !== undefined && !params.has(input.input_parameter_name)) {
        throw new FormatError(`topology: layer ${JSON.stringify(layer.name)} uses parameter ${JSON.stringify(input.input_parameter_name)}, which is not in parameters`);
      }
    }
    if (layer.bias_parameter_name !== undefined && !params.has(layer.bias_parameter_name)) {
      throw new FormatError(`topology: layer ${JSON.stringify(layer.name)} uses bias ${JSON.stringify(layer.bias_parameter_name)}, which is not in parameters`);
    }
    layers.add(layer.name);
  }
  for (const name of [...config.input_layer_names, ...config.output_layer_names]) {
    if (!layers.has(name)) throw new FormatError(`topology: input/output layer ${JSON.stringify(name)} is not defined`);
  }
  for (const model of config.sub_models) if (model.is_recurrent_layer_group) validateGroup(model, layers, params);
}

/** A recurrent group's sub-model must refer to its own layers for agents and targets, and to outer ones for sources. */
function validateGroup(model: SubModelConfig, layers: Set<string>, params: Set<string>): void {
  const where = `topology: recurrent group ${JSON.stringify(model.name)}`;
  const own = new Set(model.layer_names ?? []);
  const inside = (name: string, what: string) => {
    if (!own.has(name)) throw new FormatError(`${where}: ${what} ${JSON.stringify(name)} is not a layer of the group`);
  };
  const outside = (name: string, what: string) => {
    if (!layers.has(name) || own.has(name)) throw new FormatError(`${where}: ${what} ${JSON.stringify(name)} is not a layer outside the group`);
  };
  if (!layers.has(model.name)) throw new FormatError(`${where}: there is no group layer of that name`);
  for (const name of own) if (!layers.has(name)) throw new FormatError(`${where}: layer ${JSON.stringify(name)} is not defined`);
  for (const link of model.in_links ?? []) {
    outside(link.layer_name, 'in-link source');
    inside(link.link_name, 'in-link agent');
  }
  for (const link of model.out_links ?? []) {
    inside(link.layer_name, 'out-link source');
    outside(link.link_name, 'out-link agent');
  }
  for (const memory of model.memories ?? []) {
    inside(memory.link_name, 'memory agent');
    inside(memory.layer_name, 'memory target');
    if (memory.boot_layer_name !== undefined) outside(memory.boot_layer_name, 'boot layer');
    if (memory.boot_bias_parameter_name !== undefined && !params.has(memory.boot_bias_parameter_name)) {
      throw new FormatError(`${where}: boot bias ${JSON.stringify(memory.boot_bias_parameter_name)} is not in parameters`);
    }
  }
}
