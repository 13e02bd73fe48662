import type { ParameterConfig, Topology } from '@oar/layers';
import { ConfigError } from './errors.js';
import { tf } from './executor/tf.js';

/** A small seeded generator (mulberry32) and Box–Muller normals, for reproducible initialisation. */
export class Random {
  #state: number;
  #spare: number | null = null;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  uniform(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  normal(): number {
    if (this.#spare !== null) {
      const s = this.#spare;
      this.#spare = null;
      return s;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/**
 * The values of a network's parameters, as Float32Array on the host (where the update rules run).
 * @paddle paddle.parameters.create / Parameters
 * @example
 * const params = Parameters.create(topology, { seed: 1 });
 */
export class Parameters {
  readonly #configs: Map<string, ParameterConfig>;
  readonly #values = new Map<string, Float32Array>();

  private constructor(configs: readonly ParameterConfig[]) {
    this.#configs = new Map(configs.map((c) => [c.name, c]));
  }

  /** New parameters initialised as their configs say (normal or uniform, Paddle's smart std by default). */
  static create(topology: Topology, { seed = 1 }: { seed?: number } = {}): Parameters {
    const params = new Parameters(topology.parameters);
    const random = new Random(seed);
    for (const config of topology.parameters) {
      const value = new Float32Array(config.size);
      const { initial_mean: mean, initial_std: std } = config;
      if (config.initial_strategy === 1) for (let i = 0; i < value.length; i++) value[i] = mean + std * (2 * random.uniform() - 1);
      else if (std === 0) value.fill(mean);
      else for (let i = 0; i < value.length; i++) value[i] = mean + std * random.normal();
      params.#values.set(config.name, value);
    }
    return params;
  }

  /** Parameters with the given values (checked against the topology's shapes). */
  static fromValues(topology: Topology, values: Map<string, Float32Array>): Parameters {
    const params = new Parameters(topology.parameters);
    for (const config of topology.parameters) {
      const value = values.get(config.name);
      if (!value) throw new ConfigError(`parameters: no value for ${JSON.stringify(config.name)}`);
      params.set(config.name, value);
    }
    return params;
  }

  names(): string[] {
    return [...this.#configs.keys()];
  }

  config(name: string): ParameterConfig {
    const config = this.#configs.get(name);
    if (!config) throw new ConfigError(`parameters: no parameter named ${JSON.stringify(name)}; known: ${this.names().join(', ')}`);
    return config;
  }

  get(name: string): Float32Array {
    this.config(name);
    return this.#values.get(name)!;
  }

  set(name: string, value: Float32Array): void {
    const config = this.config(name);
    if (value.length !== config.size) {
      throw new ConfigError(`parameters: ${JSON.stringify(name)} has ${config.size} values ([${config.dims}]), got ${value.length}`);
    }
    this.#values.set(name, value);
  }

  /** The parameter as a tensor of its dims (call inside a tidy). */
  tensor(name: string): tf.Tensor {
    const config = this.config(name);
    return tf.tensor(this.#values.get(name)!, config.dims);
  }

  /** Rows `rowIds` of a [rows, width] table as a [rowIds.length, width] tensor: only touched rows are copied. */
  rowsTensor(name: string, rowIds: Int32Array): tf.Tensor2D {
    const config = this.config(name);
    const width = config.dims[1]!;
    const table = this.#values.get(name)!;
    const rows = new Float32Array(rowIds.length * width);
    for (let i = 0; i < rowIds.length; i++) rows.set(table.subarray(rowIds[i]! * width, (rowIds[i]! + 1) * width), i * width);
    return tf.tensor2d(rows, [rowIds.length, width]);
  }
}
