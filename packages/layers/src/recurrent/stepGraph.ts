import { ConfigError } from '../errors.js';
import type { LayerOutput } from '../LayerOutput.js';
import { nameText, sameLayerName } from '../NameScope.js';
import type { GroupSpec, MemorySpec } from './roles.js';

/** The layers of a step, found when it returns: what the group computes at every step. */
export interface StepGraph {
  /** Layers computed in the step (not the agents), inputs first. */
  inner: LayerOutput[];
  /** The step's memories in the order a depth-first walk from the outputs, then from their targets, meets them. */
  memories: LayerOutput[];
}

const LISTED = 24;

/**
 * Walks a step back from its outputs to its agents (in-links, static inputs, memories) and binds every
 * memory to the step layer it remembers. A layer belongs to the step when it is computed from an agent;
 * a step layer that reads a layer made outside the step, an output that is not computed in the step and a
 * memory whose layer the step does not have are ConfigErrors naming the layers involved.
 */
export function analyzeStep(where: string, group: GroupSpec, agents: ReadonlySet<LayerOutput>, outputs: readonly LayerOutput[]): StepGraph {
  const inside = new Map<LayerOutput, boolean>();
  const inner: LayerOutput[] = [];
  const memories: LayerOutput[] = [];
  const path = new Set<LayerOutput>();

  const visit = (layer: LayerOutput): boolean => {
    if (agents.has(layer)) return true;
    if (layer.recurrent?.kind === 'memory') {
      if (layer.owner !== undefined && layer.owner !== group) {
        throw new ConfigError(`${where}: ${layer.describe()} is a memory of another recurrentGroup's step; a memory belongs to one step`);
      }
      if (!memories.includes(layer)) memories.push(layer);
      return true;
    }
    const known = inside.get(layer);
    if (known !== undefined) return known;
    if (layer.owner !== undefined) {
      throw new ConfigError(`${where}: ${layer.describe()} belongs to the step of another recurrentGroup; use that group's output instead`);
    }
    if (path.has(layer)) throw new ConfigError(`${where}: the step has a cycle through ${layer.describe()}`);
    path.add(layer);
    const outside = layer.inputs.filter((input) => !visit(input));
    path.delete(layer);
    const computed = outside.length < layer.inputs.length;
    if (computed && outside.length > 0) {
      throw new ConfigError(
        `${where}: ${layer.describe()} in the step reads ${outside[0]!.describe()}, which was made outside the step; give it to the group as an input or as staticInput(...)`,
      );
    }
    inside.set(layer, computed);
    if (computed) inner.push(layer);
    return computed;
  };

  outputs.forEach((out, i) => {
    if (agents.has(out) || out.recurrent?.kind === 'memory') {
      throw new ConfigError(`${where}: step output ${i} is ${agents.has(out) ? "one of the step's inputs" : 'a memory'} (${out.describe()}); return a layer computed in the step`);
    }
    if (!visit(out)) {
      throw new ConfigError(`${where}: step output ${i}, ${out.describe()}, is not computed from the step's inputs or memories; a step returns layers it computes`);
    }
  });
  for (let k = 0; k < memories.length; k++) {
    const layer = memories[k]!;
    const memory = (layer.recurrent as { memory: MemorySpec }).memory;
    const target = memory.target ?? findTarget(where, layer, memory, agents, memories);
    if (agents.has(target) || target.recurrent?.kind === 'memory' || !visit(target)) {
      throw new ConfigError(`${where}: ${describeMemory(layer, memory)} remembers ${target.describe()}, which is not computed in the step`);
    }
    checkTarget(where, layer, memory, target);
    const twin = memories.slice(0, k).find((m) => (m.recurrent as { memory: MemorySpec }).memory.target === target);
    if (twin) {
      throw new ConfigError(`${where}: two memories remember ${target.describe()}; make one memory and use it wherever it is needed`);
    }
    if (memory.bootLayer && (agents.has(memory.bootLayer) || inside.get(memory.bootLayer))) {
      throw new ConfigError(`${where}: ${describeMemory(layer, memory)} boots from ${memory.bootLayer.describe()}, a layer of the step; a boot layer comes from outside the step`);
    }
    memory.target = target;
  }
  return { inner, memories };
}

function describeMemory(layer: LayerOutput, memory: MemorySpec): string {
  return memory.name === undefined ? `memory (size ${memory.size})` : `memory ${JSON.stringify(nameText(memory.name))} (size ${layer.size})`;
}

/** The step layer named like the memory, among the layers computed from the step's agents and memories. */
function findTarget(where: string, layer: LayerOutput, memory: MemorySpec, agents: ReadonlySet<LayerOutput>, memories: readonly LayerOutput[]): LayerOutput {
  if (memory.name === undefined) {
    throw new ConfigError(`${where}: a memory of size ${memory.size} has no name and no setInput(...) layer; say which step layer it remembers`);
  }
  const candidates = stepLayers([...agents, ...memories]);
  const matches = candidates.filter((l) => sameLayerName(l.name, memory.name));
  if (matches.length === 1) return matches[0]!;
  const wanted = JSON.stringify(nameText(memory.name));
  if (matches.length > 1) {
    throw new ConfigError(`${where}: ${describeMemory(layer, memory)} matches ${matches.length} step layers named ${wanted}; layer names must be unique`);
  }
  const listed = candidates.slice(0, LISTED).map((l) => l.describe());
  const more = candidates.length > LISTED ? `, and ${candidates.length - LISTED} more` : '';
  throw new ConfigError(
    `${where}: ${describeMemory(layer, memory)} remembers the step layer named ${wanted}, but the step has no layer of that name; its layers are: ${listed.join(', ') || 'none'}${more}`,
  );
}

/** Every layer made from the step's agents and memories so far (through the layers' back-links). */
function stepLayers(sources: readonly LayerOutput[]): LayerOutput[] {
  const seen = new Set<LayerOutput>(sources);
  const found: LayerOutput[] = [];
  const queue = [...sources];
  while (queue.length > 0) {
    for (const next of queue.shift()!.consumers) {
      if (seen.has(next) || next.owner !== undefined) continue;
      seen.add(next);
      found.push(next);
      queue.push(next);
    }
  }
  return found;
}

function checkTarget(where: string, layer: LayerOutput, memory: MemorySpec, target: LayerOutput): void {
  if (target.size !== memory.size) {
    throw new ConfigError(
      `${where}: ${describeMemory(layer, memory)} has size ${memory.size} but the layer it remembers, ${target.describe()}, has size ${target.size}; they must match`,
    );
  }
  if (target.seqLevel !== memory.seqLevel) {
    throw new ConfigError(
      `${where}: ${describeMemory(layer, memory)} is ${memory.seqLevel ? 'a sequence (isSeq)' : 'one row per step (not isSeq)'} but the layer it remembers, ${target.describe()}, ${target.seqLevel ? 'is a sequence; give the memory isSeq: true' : 'is not a sequence'}`,
    );
  }
  if ((target.valueKind === 'ids') !== (memory.bootWithConstId !== undefined)) {
    throw new ConfigError(
      `${where}: ${describeMemory(layer, memory)} and the layer it remembers, ${target.describe()}, must both hold ids (bootWithConstId) or both dense values`,
    );
  }
}
