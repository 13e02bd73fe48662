import { activeType, type Activation } from '../activation.js';
import { asParamAttr, paramAttr, type ParamAttr } from '../attrs.js';
import { bool, knownKeys, nonNegativeInt, optionalName, positiveInt } from '../check.js';
import type { SeqLevel } from '../config.js';
import { ConfigError, show } from '../errors.js';
import { asLayer } from '../inputs.js';
import { LayerOutput, isLayerOutput } from '../LayerOutput.js';
import { nameText, type LayerName } from '../NameScope.js';
import type { MemorySpec } from '../recurrent/roles.js';

export interface MemoryArgs {
  /** The name of the step layer whose previous output this memory reads. */
  name?: LayerName;
  size: number;
  /** The remembered value is a sequence at every step (then a boot layer must be a sequence too). */
  isSeq?: boolean;
  /** Its rows (one per sequence) are the memory at the first step. */
  bootLayer?: LayerOutput;
  /** A learned bias, `act(bias)`, is the memory at the first step (`true`: a default zero-initialised bias). */
  bootBias?: ParamAttr | boolean;
  /** Activation of the boot bias; default linear. */
  bootBiasActiveType?: Activation;
  /** The memory holds integer ids; at the first step every sequence holds this id (generation's start mark). */
  bootWithConstId?: number;
}

const KEYS = ['name', 'size', 'isSeq', 'bootLayer', 'bootBias', 'bootBiasActiveType', 'bootWithConstId'];

/**
 * A layer of a recurrent group's step whose value at step t is the output, at step t−1, of the step layer
 * named `name`; at the first step it is zeros, or the boot layer's row, or `act(bootBias)`, or the id
 * `bootWithConstId` (at most one of the three). Use it inside a `layer.recurrentGroup` step only; the group
 * checks, when its step returns, that a layer of that name and size exists in the step.
 * @paddle paddle.layer.memory
 * @example
 * const step = (x: LayerOutput) => {
 *   const previous = layer.memory({ name: 'rnn', size: 128 });
 *   return layer.fc({ input: [x, previous], size: 128, name: 'rnn' });
 * };
 */
export function memory(args: MemoryArgs): MemoryLayer {
  const where = 'layer.memory';
  knownKeys(where, args, KEYS);
  const name = optionalName(where, args.name);
  const size = positiveInt(where, 'size', args.size);
  const isSeq = bool(where, 'isSeq', args.isSeq, false);
  const seqLevel: SeqLevel = isSeq ? 1 : 0;
  const boots = (['bootLayer', 'bootBias', 'bootWithConstId'] as const).filter((k) => args[k] !== undefined && args[k] !== false);
  if (boots.length > 1) {
    throw new ConfigError(`${where}: give at most one of bootLayer, bootBias and bootWithConstId, got ${boots.join(' and ')}`);
  }
  const bootLayer = args.bootLayer === undefined ? undefined : asLayer(where, 'bootLayer', args.bootLayer);
  if (bootLayer && (bootLayer.size !== size || bootLayer.seqLevel !== seqLevel)) {
    throw new ConfigError(
      `${where}: bootLayer must have the memory's size ${size} and be ${isSeq ? 'a sequence (isSeq)' : 'one row per sequence (not a sequence)'}, got ${bootLayer.describe()}`,
    );
  }
  const bootBias = args.bootBias === true ? paramAttr() : args.bootBias === false ? undefined : asParamAttr(where, 'bootBias', args.bootBias);
  if (args.bootBiasActiveType !== undefined && !bootBias) {
    throw new ConfigError(`${where}: bootBiasActiveType applies to a bootBias, which is not given`);
  }
  const bootBiasActiveType = activeType(where, args.bootBiasActiveType, 'linear');
  const bootWithConstId = args.bootWithConstId === undefined ? undefined : nonNegativeInt(where, 'bootWithConstId', args.bootWithConstId);
  return new MemoryLayer({
    name, size, seqLevel, bootLayer, bootBias, bootBiasActiveType, bootWithConstId, staticInput: false, target: undefined,
  });
}

/**
 * The agent of a static input: the outer layer's whole value at every step (a memory booted by it that
 * remembers itself, as Paddle builds a StaticInput).
 */
export function staticAgent(outer: LayerOutput): MemoryLayer {
  return new MemoryLayer({
    name: undefined, size: outer.size, seqLevel: outer.seqLevel, bootLayer: outer, bootBias: undefined,
    bootBiasActiveType: '', bootWithConstId: undefined, staticInput: true, target: undefined,
  }, outer);
}

/** The layer `layer.memory` returns: usable as an input in the step; `setInput` names its target by reference. */
export class MemoryLayer extends LayerOutput {
  readonly #memory: MemorySpec;

  constructor(spec: MemorySpec, staticOf?: LayerOutput) {
    super({
      prefix: staticOf ? staticOf.prefix : 'memory',
      ...(spec.name !== undefined ? { name: spec.name } : staticOf?.name !== undefined ? { name: staticOf.name } : {}),
      size: spec.size, seqLevel: spec.seqLevel, inputs: [],
      valueKind: spec.bootWithConstId !== undefined ? 'ids' : staticOf ? staticOf.valueKind : 'dense',
      ...(staticOf?.image ? { image: staticOf.image } : {}),
      ...(staticOf ? { activation: staticOf.activation } : {}),
      recurrent: { kind: 'memory', memory: spec },
      emit: () => {
        throw new Error('internal: a memory is written by its recurrent group');
      },
    });
    this.#memory = spec;
  }

  /**
   * Makes this memory remember `layer` (a layer of the same step) instead of a layer found by name.
   * @paddle LayerOutput.set_input (of a memory)
   * @example
   * const previous = layer.memory({ size: 200 });
   * const hidden = layer.fc({ input: [x, previous], size: 200 });
   * previous.setInput(hidden);
   */
  setInput(layer: LayerOutput): void {
    const where = 'memory.setInput';
    if (!isLayerOutput(layer)) throw new ConfigError(`${where}: layer must be a layer, got ${show(layer)}`);
    if (this.#memory.staticInput) throw new ConfigError(`${where}: a static input's agent cannot be given another layer`);
    if (this.#memory.name !== undefined) {
      throw new ConfigError(`${where}: this memory already remembers the layer named ${show(nameText(this.#memory.name))}; give a memory either a name or setInput`);
    }
    if (this.#memory.target !== undefined || this.owner !== undefined) {
      throw new ConfigError(`${where}: the memory's layer is already set (setInput is called once, inside the step)`);
    }
    this.#memory.target = layer;
  }
}
