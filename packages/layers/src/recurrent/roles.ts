import type { ParamAttr } from '../attrs.js';
import type { GeneratorConfig, SeqLevel } from '../config.js';
import type { LayerOutput } from '../LayerOutput.js';
import type { LayerName } from '../NameScope.js';

/** What `layer.memory` (or a static input) decided at its call site; the target is bound when the group is built. */
export interface MemorySpec {
  readonly name: LayerName | undefined;
  readonly size: number;
  readonly seqLevel: SeqLevel;
  readonly bootLayer: LayerOutput | undefined;
  readonly bootBias: ParamAttr | undefined;
  readonly bootBiasActiveType: string;
  readonly bootWithConstId: number | undefined;
  /** A static input: the boot layer's whole value at every step (Paddle: a memory linked to itself). */
  readonly staticInput: boolean;
  /** The step layer remembered: given by `setInput`, else found by name when the group is built. */
  target: LayerOutput | undefined;
}

/**
 * A recurrent group as its step left it: filled in by `layer.recurrentGroup` once the step has returned,
 * then read by the trace, which names and writes everything.
 */
export interface GroupSpec {
  readonly name: LayerName | undefined;
  readonly reversed: boolean;
  /** Non-static inputs in the order given, each with its per-step agent (what the step received). */
  readonly inLinks: { outer: LayerOutput; agent: LayerOutput }[];
  /** Agents of the static inputs (memory layers booted by the outer layer), in the order given. */
  readonly statics: LayerOutput[];
  /** The step's own memories, in the order a depth-first walk from the outputs meets them. */
  readonly memories: LayerOutput[];
  /** The layers the step returned. */
  readonly outputs: LayerOutput[];
  /** The agents that carry `outputs` out of the group, one per output. */
  readonly gathers: LayerOutput[];
  /** Set for a generating group (`layer.beamSearch`): it has no in-links and runs a beam search. */
  readonly generator?: GeneratorConfig;
}

/** The part a layer plays in a recurrent group; the trace names and writes these layers itself. */
export type RecurrentRole =
  | { kind: 'inLink'; group: GroupSpec; outer: LayerOutput }
  | { kind: 'memory'; memory: MemorySpec }
  | { kind: 'group'; group: GroupSpec }
  | { kind: 'outLink'; group: GroupSpec; inner: LayerOutput };
