import { bool, knownKeys, optionalName } from '../check.js';
import type { GeneratorConfig, SeqLevel } from '../config.js';
import { ConfigError, show } from '../errors.js';
import { asLayer } from '../inputs.js';
import { LayerOutput, isLayerOutput } from '../LayerOutput.js';
import type { LayerName } from '../NameScope.js';
import type { GroupSpec, MemorySpec } from '../recurrent/roles.js';
import { analyzeStep } from '../recurrent/stepGraph.js';
import { staticAgent } from './memory.js';

/** An input of a recurrent group that every step sees whole (made by `staticInput`). */
export interface StaticInput {
  readonly kind: 'staticInput';
  readonly input: LayerOutput;
}

/**
 * Marks a layer as a static input of a recurrent group: every step receives its whole value (a sequence, or
 * one row per sequence), unchanged over the steps — the way a step reads the encoder in an attention model.
 * @paddle paddle.layer.StaticInput
 * @example
 * layer.recurrentGroup({ step, input: [staticInput(encoded, { isSeq: true }), targetWords] })
 */
export function staticInput(input: LayerOutput, options: { isSeq?: boolean } = {}): StaticInput {
  const where = 'staticInput';
  const layer = asLayer(where, 'input', input);
  knownKeys(where, options, ['isSeq']);
  if (options.isSeq !== undefined) {
    const isSeq = bool(where, 'isSeq', options.isSeq, false);
    if (isSeq !== layer.seqLevel > 0) {
      throw new ConfigError(`${where}: isSeq is ${isSeq} but the input ${isSeq ? 'is not' : 'is'} a sequence: ${layer.describe()}`);
    }
  }
  return Object.freeze({ kind: 'staticInput', input: layer });
}

export type GroupInput = LayerOutput | StaticInput;

export interface RecurrentGroupArgs<Out> {
  /**
   * Called once, here, with one agent per input in order: a row per step for a sequence input, one
   * sub-sequence per step for a nested-sequence input, the whole value for a static input. Returns the layer
   * (or layers) computed at each step.
   */
  step: (...inputs: LayerOutput[]) => Out;
  input: GroupInput | readonly GroupInput[];
  /** Step from the last row to the first (outputs keep the original order). */
  reverse?: boolean;
  name?: LayerName;
}

/**
 * A recurrent layer group: runs `step` over the rows (or sub-sequences) of its sequence inputs, carrying
 * state from step to step through `layer.memory`, and gathers each step's outputs back into sequences in
 * the original order. All sequence inputs must have the same lengths (a data error otherwise); static inputs
 * are seen whole at every step. The step is checked when it returns: every memory must name a layer of the
 * step with its size, and step layers may read only agents, memories and other step layers.
 *
 * Saved as Paddle builds it: a `recurrent_layer_group` layer with a sub-model of the same name, in-link
 * `scatter_agent`s `X@group`, memory `agent`s `NAME+delay1@group` (static inputs: `__memory_N__@group`),
 * step layers `NAME@group`, and one `gather_agent` per output under the output layer's own name.
 * @paddle paddle.layer.recurrent_group
 * @example
 * const rnn = layer.recurrentGroup({
 *   input: words,
 *   step: (word) => {
 *     const previous = layer.memory({ name: 'rnn', size: 128 });
 *     return layer.fc({ input: [word, previous], size: 128, name: 'rnn' });
 *   },
 * });
 */
export function recurrentGroup(args: RecurrentGroupArgs<LayerOutput>): LayerOutput;
export function recurrentGroup(args: RecurrentGroupArgs<LayerOutput[]>): LayerOutput[];
export function recurrentGroup(args: RecurrentGroupArgs<LayerOutput | LayerOutput[]>): LayerOutput | LayerOutput[];
export function recurrentGroup(args: RecurrentGroupArgs<LayerOutput | LayerOutput[]>): LayerOutput | LayerOutput[] {
  const where = 'layer.recurrentGroup';
  knownKeys(where, args, ['step', 'input', 'reverse', 'name']);
  return buildGroup(where, args);
}

/** Builds a group; with `generator`, a generating group (beam search): only static inputs, no in-links. */
export function buildGroup(where: string, args: RecurrentGroupArgs<LayerOutput | LayerOutput[]>, generator?: GeneratorConfig): LayerOutput | LayerOutput[] {
  if (typeof args.step !== 'function') throw new ConfigError(`${where}: step must be a function of the step's inputs, got ${show(args.step)}`);
  const reversed = bool(where, 'reverse', args.reverse, false);
  const name = optionalName(where, args.name);
  const inputs = groupInputs(where, args.input, generator !== undefined);
  const group: GroupSpec = { name, reversed, inLinks: [], statics: [], memories: [], outputs: [], gathers: [], ...(generator ? { generator } : {}) };
  const agents = inputs.map((item) => {
    if (isLayerOutput(item)) {
      const agent = scatterAgent(group, item);
      group.inLinks.push({ outer: item, agent });
      return agent;
    }
    const agent = staticAgent(item.input);
    group.statics.push(agent);
    return agent;
  });
  const returned = args.step(...agents);
  const outputs = stepOutputs(where, returned);
  const graph = analyzeStep(where, group, new Set(agents), outputs);
  group.outputs.push(...outputs);
  group.memories.push(...graph.memories);
  for (const layer of [...agents, ...graph.memories, ...graph.inner]) layer.claim(group);
  const boots = graph.memories.map((m) => (m.recurrent as { memory: MemorySpec }).memory.bootLayer).filter((b) => b !== undefined);
  const node = groupNode(group, [...new Set([...inputs.map((i) => (isLayerOutput(i) ? i : i.input)), ...boots])]);
  group.gathers.push(...outputs.map((inner) => gatherAgent(group, node, inner)));
  return Array.isArray(returned) ? [...group.gathers] : group.gathers[0]!;
}

function groupInputs(where: string, value: unknown, generating: boolean): (LayerOutput | StaticInput)[] {
  const list = (Array.isArray(value) ? value : [value]) as unknown[];
  if (list.length === 0 && !generating) throw new ConfigError(`${where}: input must hold at least one sequence layer, got []`);
  const items = list.map((item, i) => {
    if (isLayerOutput(item) || (item as StaticInput | null)?.kind === 'staticInput') return item as LayerOutput | StaticInput;
    throw new ConfigError(`${where}: input[${i}] must be a layer or staticInput(layer), got ${show(item)}`);
  });
  const links = items.filter(isLayerOutput);
  if (generating) {
    if (links.length > 0) throw new ConfigError(`${where}: in generation every input but the generated one must be a staticInput(...), got ${links[0]!.describe()}`);
    return items;
  }
  if (links.length === 0) {
    throw new ConfigError(`${where}: input must include at least one sequence input to step over (a layer not wrapped in staticInput), got only static inputs`);
  }
  items.forEach((item, i) => {
    if (isLayerOutput(item) && item.seqLevel === 0) {
      throw new ConfigError(`${where}: input[${i}] must be a sequence to step over, got ${item.describe()}; give a non-sequence layer as staticInput(...)`);
    }
  });
  const level = links[0]!.seqLevel;
  const other = links.find((l) => l.seqLevel !== level);
  if (other) {
    throw new ConfigError(`${where}: sequence inputs must all be plain sequences or all nested sequences, got ${links[0]!.describe()} and ${other.describe()}`);
  }
  const twice = links.find((l, i) => links.indexOf(l) !== i);
  if (twice) throw new ConfigError(`${where}: ${twice.describe()} is given twice as a sequence input`);
  return items;
}

function stepOutputs(where: string, returned: unknown): LayerOutput[] {
  const list = Array.isArray(returned) ? (returned as unknown[]) : [returned];
  if (list.length === 0 || !list.every(isLayerOutput)) {
    throw new ConfigError(`${where}: step must return a layer or a non-empty list of layers, got ${show(returned)}`);
  }
  const outputs = list as LayerOutput[];
  const twice = outputs.find((l, i) => outputs.indexOf(l) !== i);
  if (twice) throw new ConfigError(`${where}: step returns ${twice.describe()} twice`);
  const nested = outputs.find((l) => l.seqLevel > 1);
  if (nested) throw new ConfigError(`${where}: a step output may be a row or a sequence per step, got the nested sequence ${nested.describe()}`);
  return outputs;
}

function notWritten(): never {
  throw new Error('internal: recurrent group layers are written by the trace');
}

function scatterAgent(group: GroupSpec, outer: LayerOutput): LayerOutput {
  return new LayerOutput({
    prefix: outer.prefix, ...(outer.name !== undefined ? { name: outer.name } : {}), size: outer.size,
    seqLevel: (outer.seqLevel - 1) as SeqLevel, valueKind: outer.valueKind, inputs: [], activation: outer.activation,
    ...(outer.image ? { image: outer.image } : {}),
    recurrent: { kind: 'inLink', group, outer }, emit: notWritten,
  });
}

function groupNode(group: GroupSpec, inputs: LayerOutput[]): LayerOutput {
  return new LayerOutput({
    prefix: 'recurrent_group', ...(group.name !== undefined ? { name: group.name } : {}), size: 0, seqLevel: 0, inputs,
    recurrent: { kind: 'group', group }, emit: notWritten,
  });
}

function gatherAgent(group: GroupSpec, node: LayerOutput, inner: LayerOutput): LayerOutput {
  return new LayerOutput({
    prefix: inner.prefix, ...(inner.name !== undefined ? { name: inner.name } : {}), size: inner.size,
    seqLevel: (inner.seqLevel + 1) as SeqLevel, valueKind: inner.valueKind, inputs: [node], activation: inner.activation,
    recurrent: { kind: 'outLink', group, inner }, emit: notWritten,
  });
}
