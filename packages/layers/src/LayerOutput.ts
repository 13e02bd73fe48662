import type { ParamAttr } from './attrs.js';
import type { LayerConfig, SeqLevel } from './config.js';
import { ConfigError } from './errors.js';
import type { LayerName } from './NameScope.js';
import type { RecurrentRole } from './recurrent/roles.js';

/** Values a layer produces: dense rows of floats, or integer ids (data layers of integer type). */
export type ValueKind = 'dense' | 'ids';

export interface ImageShape {
  channels: number;
  height: number;
  width: number;
}

/** How a parameter is made when the user's ParamAttr leaves it open (Paddle's defaults per layer). */
export interface ParamDefaults {
  mean?: number;
  /** Explicit std; without it the std is Paddle's "smart" 1/sqrt(dims[0]). */
  std?: number;
  isStatic?: boolean;
}

/** What a layer asks of the trace while it writes its config. */
export interface EmitContext {
  /** The final name of a layer (explicit, or a default such as `__fc_layer_0__`). */
  nameOf(layer: LayerOutput): string;
  /** Registers a parameter of this layer and returns its name (`_NAME.w0`, `_NAME.wbias`, or the shared name). */
  param(suffix: string, attr: ParamAttr | undefined, dims: number[], defaults?: ParamDefaults): string;
  /** Registers an evaluator over named layers. */
  evaluator(type: 'classification_error', inputLayers: string[]): void;
}

/** Everything a layer function decides at the user's call site. */
export interface LayerSpec {
  /** Default-name prefix: `fc_layer` gives `__fc_layer_0__`. */
  prefix: string;
  name?: LayerName;
  size: number;
  seqLevel: SeqLevel;
  valueKind?: ValueKind;
  image?: ImageShape;
  /** Paddle `active_type` of the output, for checks such as a cost's need of softmax. */
  activation?: string;
  inputs: readonly LayerOutput[];
  /** Names of the layer's outputs, for `getOutput` (Paddle's `outputs`); default `['default']`. */
  outputs?: readonly string[];
  /** What the layer is to a recurrent group (an in-link agent, a memory, the group, an out-link). */
  recurrent?: RecurrentRole;
  /** Writes the layer's config once every name is known. */
  emit(ctx: EmitContext, name: string): Omit<LayerConfig, 'name' | 'seq_level'>;
}

/**
 * A handle on a layer of the network under construction. Layer functions take and return these;
 * nothing is named or registered until the topology is traced from its outputs.
 * @paddle LayerOutput
 */
export class LayerOutput {
  readonly #spec: LayerSpec;
  readonly #consumers: LayerOutput[] = [];
  #owner: object | undefined;

  constructor(spec: LayerSpec) {
    this.#spec = spec;
    for (const input of spec.inputs) {
      if (input.#owner !== undefined) {
        throw new ConfigError(
          `layer.recurrentGroup: ${input.describe()} belongs to the step of a recurrentGroup that has already returned; outside the step, use the group's output`,
        );
      }
    }
    // Back-links let a recurrent group find the layers its step made from its inputs (a memory's target
    // may be used by nothing else); they live on the layers, not in any module-level registry.
    for (const input of spec.inputs) input.#consumers.push(this);
  }

  get size(): number {
    return this.#spec.size;
  }
  get name(): LayerName | undefined {
    return this.#spec.name;
  }
  get seqLevel(): SeqLevel {
    return this.#spec.seqLevel;
  }
  get valueKind(): ValueKind {
    return this.#spec.valueKind ?? 'dense';
  }
  get image(): ImageShape | undefined {
    return this.#spec.image;
  }
  get inputs(): readonly LayerOutput[] {
    return this.#spec.inputs;
  }
  get activation(): string {
    return this.#spec.activation ?? '';
  }
  get prefix(): string {
    return this.#spec.prefix;
  }
  get outputs(): readonly string[] {
    return this.#spec.outputs ?? ['default'];
  }
  /** @internal recurrent-group bookkeeping. */
  get recurrent(): RecurrentRole | undefined {
    return this.#spec.recurrent;
  }
  /** @internal the layers made from this one so far. */
  get consumers(): readonly LayerOutput[] {
    return this.#consumers;
  }
  /** @internal the recurrent group whose step this layer belongs to, once the group is built. */
  get owner(): object | undefined {
    return this.#owner;
  }
  /** @internal */
  claim(owner: object): void {
    this.#owner = owner;
  }

  /** Short description for error messages: `fc "hidden" (size 128)`. */
  describe(): string {
    const seq = ['', ', sequence', ', nested sequence'][this.seqLevel];
    const ids = this.valueKind === 'ids' ? ', integer ids' : '';
    return `${this.#spec.prefix}${this.name ? ` "${String(this.name)}"` : ''} (size ${this.size}${seq}${ids})`;
  }

  /** @internal used by the trace. */
  emit(ctx: EmitContext, name: string): LayerConfig {
    return { name, ...this.#spec.emit(ctx, name), seq_level: this.seqLevel } as LayerConfig;
  }
}

export function isLayerOutput(value: unknown): value is LayerOutput {
  return value instanceof LayerOutput;
}
