import type { ParamAttr } from './attrs.js';
import type {
  EvaluatorConfig,
  LayerConfig,
  ParameterConfig,
  TopologyConfig,
} from './config.js';
import { TOPOLOGY_FORMAT, TOPOLOGY_VERSION } from './config.js';
import { ConfigError, show } from './errors.js';
import type { EmitContext, LayerOutput, ParamDefaults } from './LayerOutput.js';
import { isLayerOutput } from './LayerOutput.js';
import { NameScope, type LayerName } from './NameScope.js';

/**
 * Traces a network back from its outputs and writes its saved config. The builder owns the default-name
 * counters (`__fc_layer_0__`, `__mixed_1__` ...): layers are named in depth-first order of their inputs,
 * which is the order a sequential config creates them in, as Paddle names them.
 */
export class TopologyBuilder implements EmitContext {
  readonly #counters = new Map<string, number>();
  readonly #names = new Map<LayerOutput, string>();
  readonly #owners = new Map<string, LayerOutput>();
  readonly #layers: LayerConfig[] = [];
  readonly #params = new Map<string, ParameterConfig>();
  readonly #evaluators: EvaluatorConfig[] = [];
  readonly #scopes = new Map<NameScope, string>();
  #current = '';

  /** Names and emits every layer the outputs depend on, inputs first. */
  trace(outputs: readonly LayerOutput[]): TopologyConfig {
    outputs.forEach((o, i) => {
      if (!isLayerOutput(o)) throw new ConfigError(`outputs: item ${i} must be a layer, got ${show(o)}`);
    });
    if (outputs.length === 0) throw new ConfigError('outputs: at least one output layer is needed, got none');
    for (const out of outputs) this.#visit(out, new Set());
    const outputNames = [...new Set(outputs.map((o) => this.nameOf(o)))];
    const inputNames = this.#layers.filter((l) => l.type === 'data').map((l) => l.name);
    const layerNames = this.#layers.map((l) => l.name);
    return {
      format: TOPOLOGY_FORMAT,
      version: TOPOLOGY_VERSION,
      type: 'nn',
      layers: this.#layers,
      parameters: [...this.#params.values()],
      input_layer_names: inputNames,
      output_layer_names: outputNames,
      evaluators: this.#evaluators,
      sub_models: [
        {
          name: 'root',
          layer_names: layerNames,
          input_layer_names: inputNames,
          output_layer_names: outputNames,
          evaluator_names: this.#evaluators.map((e) => e.name),
          is_recurrent_layer_group: false,
        },
      ],
    };
  }

  #visit(layer: LayerOutput, path: Set<LayerOutput>): void {
    if (this.#names.has(layer)) return;
    if (path.has(layer)) throw new ConfigError(`outputs: the network has a cycle through ${layer.describe()}`);
    path.add(layer);
    for (const input of layer.inputs) this.#visit(input, path);
    path.delete(layer);
    const name = this.#resolve(layer.name) ?? this.#defaultName(layer.prefix);
    const owner = this.#owners.get(name);
    if (owner && owner !== layer) {
      throw new ConfigError(`layer name ${show(name)} is given to two different layers: ${owner.describe()} and ${layer.describe()}`);
    }
    this.#owners.set(name, layer);
    this.#names.set(layer, name);
    this.#current = name;
    this.#layers.push(layer.emit(this, name));
  }

  #resolve(name: LayerName | undefined): string | undefined {
    if (name === undefined || typeof name === 'string') return name;
    let base = this.#scopes.get(name.scope);
    if (base === undefined) {
      base = name.scope.explicit ?? this.#defaultName(name.scope.prefix);
      this.#scopes.set(name.scope, base);
    }
    return `${base}${name.suffix}`;
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

/**
 * Traces the network from its output layers and returns its saved config.
 * @paddle paddle.trainer_config_helpers.networks.outputs / paddle.topology.Topology
 * @example
 * const config = traceTopology([cost]);
 */
export function traceTopology(outputs: LayerOutput | readonly LayerOutput[]): TopologyConfig {
  return new TopologyBuilder().trace(Array.isArray(outputs) ? outputs : [outputs as LayerOutput]);
}
