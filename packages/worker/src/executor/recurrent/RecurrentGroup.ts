import type { GeneratorConfig, LayerConfig, LinkConfig, MemoryConfig } from '@oar/layers';

export type { LinkConfig, MemoryConfig };
import { CompileError, DataError } from '../../errors.js';
import { activation } from '../activation.js';
import type { ForwardContext, LayerForward } from '../ForwardContext.js';
import type { SeqInfo } from '../SeqInfo.js';
import { startsFromLengths, subSequenceStarts } from '../SeqInfo.js';
import { flat, int32 } from '../shapes.js';
import { tf } from '../tf.js';
import type { Value } from '../Value.js';
import { StepSchedule } from './StepSchedule.js';

/** A recurrent sub-model as saved: its layers, links and memories. */
export interface GroupConfig {
  generator?: GeneratorConfig;
  name: string;
  layer_names: string[];
  reversed?: boolean;
  in_links?: LinkConfig[];
  out_links?: LinkConfig[];
  memories?: MemoryConfig[];
}

/** Layer types computed row by row: inside a group they can run once on all rows of their in-links. */
const ROW_WISE = new Set(['fc', 'mixed', 'addto', 'concat']);

/** How one in-link is cut into steps. */
interface InLink {
  link: LinkConfig;
  /** Rows of the outer value in step-major order (plain sequences) or its sub-sequences (nested). */
  nested: boolean;
}

/**
 * Runs a recurrent group: sequences sorted longest first, each step on the prefix of sequences still
 * running; in-links cut into steps (a row, or a sub-sequence, per sequence), memories carried from step to
 * step (booted, or zeros), static inputs (memories that are their own target) handed whole to every step;
 * out-links gathered back into sequences in the original order.
 */
export class RecurrentGroup {
  readonly config: GroupConfig;
  readonly #layers: LayerConfig[];
  readonly #forwards: Record<string, LayerForward>;

  constructor(config: GroupConfig, layerOf: (name: string) => LayerConfig, forwards: Record<string, LayerForward>) {
    this.config = config;
    this.#layers = config.layer_names.map(layerOf);
    this.#forwards = forwards;
    if (!config.generator && !config.in_links?.length) throw new CompileError(`recurrent group ${JSON.stringify(config.name)} has no sequence input (in_links)`);
  }

  /** Computes the group's out-links from the outer values. */
  run(outer: Map<string, Value>, ctx: ForwardContext): Map<string, Value> {
    const name = JSON.stringify(this.config.name);
    const links = this.config.in_links!.map((link): InLink => {
      const value = outer.get(link.layer_name)!;
      if (!value.seq) throw new DataError(`recurrent group ${name}: in-link ${JSON.stringify(link.layer_name)} must be a sequence`);
      return { link, nested: value.seq.subStarts !== undefined };
    });
    const first = outer.get(links[0]!.link.layer_name)!.seq!;
    const stepStarts = links[0]!.nested ? subSequenceStarts(first) : first.starts;
    const schedule = new StepSchedule(stepStarts, this.config.reversed === true);
    for (const { link, nested } of links.slice(1)) {
      const seq = outer.get(link.layer_name)!.seq!;
      schedule.checkSameLayout(nested ? subSequenceStarts(seq) : seq.starts, `recurrent group ${name}, input ${JSON.stringify(link.layer_name)}`);
    }
    const steppers = links.map(({ link, nested }) => ({
      link: link.link_name,
      at: nested ? nestedSteps(outer.get(link.layer_name)!, schedule) : plainSteps(outer.get(link.layer_name)!, schedule),
    }));
    // Layers that depend only on plain in-links (input projections) run once over all rows, outside the loop.
    const hoisted = this.#hoist(links, outer, ctx);
    for (const [layerName, value] of hoisted) steppers.push({ link: layerName, at: plainSteps(value, schedule) });
    const memories = (this.config.memories ?? []).map((m) => this.#memory(m, outer, schedule, ctx));
    const perStep = new Map<string, Value[]>((this.config.out_links ?? []).map((l) => [l.layer_name, []]));
    let previous = new Map<string, Value>();
    for (let t = 0; t < schedule.steps; t++) {
      const n = schedule.active[t]!;
      const values = new Map<string, Value>();
      for (const s of steppers) values.set(s.link, s.at(t));
      for (const m of memories) values.set(m.link, t === 0 ? m.boot(n) : m.next(previous, n));
      for (const layer of this.#layers) {
        if (values.has(layer.name)) continue;
        const forward = this.#forwards[layer.type];
        if (!forward) throw new CompileError(`recurrent group ${name}: layer ${JSON.stringify(layer.name)} of type ${JSON.stringify(layer.type)} cannot run in a group`);
        values.set(layer.name, forward(layer, layer.inputs.map((i) => mustGet(values, i.input_layer_name, name)), ctx));
      }
      for (const [inner, list] of perStep) list.push(values.get(inner)!);
      previous = values;
    }
    const out = new Map<string, Value>();
    for (const link of this.config.out_links ?? []) out.set(link.link_name, gatherSteps(perStep.get(link.layer_name)!, schedule));
    return out;
  }

  #hoist(links: InLink[], outer: Map<string, Value>, ctx: ForwardContext): Map<string, Value> {
    const whole = new Map<string, Value>();
    for (const { link, nested } of links) if (!nested) whole.set(link.link_name, outer.get(link.layer_name)!);
    const hoisted = new Map<string, Value>();
    const memoryLinks = new Set((this.config.memories ?? []).map((m) => m.link_name));
    for (const layer of this.#layers) {
      if (!ROW_WISE.has(layer.type) || layer.drop_rate || memoryLinks.has(layer.name)) continue;
      if (layer.inputs.some((i) => i.proj_conf?.type === 'context')) continue;
      if (!layer.inputs.every((i) => whole.has(i.input_layer_name))) continue;
      const value = this.#forwards[layer.type]!(layer, layer.inputs.map((i) => whole.get(i.input_layer_name)!), ctx);
      whole.set(layer.name, value);
      hoisted.set(layer.name, value);
    }
    return hoisted;
  }

  #memory(m: MemoryConfig, outer: Map<string, Value>, schedule: StepSchedule, ctx: ForwardContext) {
    const size = this.#layers.find((l) => l.name === m.link_name)?.size ?? 0;
    const order = int32(schedule.order);
    const isStatic = m.layer_name === m.link_name;
    let bootAll: Value | undefined;
    if (m.boot_layer_name) {
      const boot = outer.get(m.boot_layer_name)!;
      if (m.is_sequence) {
        const at = staticSequences(boot, schedule);
        return { link: m.link_name, boot: at, next: (_prev: Map<string, Value>, n: number) => at(n) };
      }
      if (boot.data.shape[0] !== schedule.numSequences) {
        throw new DataError(`memory ${JSON.stringify(m.link_name)}: boot layer ${JSON.stringify(m.boot_layer_name)} has ${boot.data.shape[0]} rows for ${schedule.numSequences} sequences`);
      }
      bootAll = { data: tf.gather(flat(boot), order) };
    } else if (m.boot_bias_parameter_name) {
      const bias = ctx.param(m.boot_bias_parameter_name).reshape([1, size]) as tf.Tensor2D;
      const act = activation(m.boot_bias_active_type ?? '');
      bootAll = { data: act(tf.tile(bias, [schedule.numSequences, 1]) as tf.Tensor2D, undefined) };
    } else if (m.boot_with_const_id !== undefined) {
      const ids = new Int32Array(schedule.numSequences).fill(m.boot_with_const_id);
      bootAll = { data: tf.zeros([schedule.numSequences, 0]), ids };
    } else {
      bootAll = { data: tf.zeros([schedule.numSequences, size]) };
    }
    const boot = (n: number): Value => prefixValue(bootAll!, n);
    const next = isStatic ? (_p: Map<string, Value>, n: number) => boot(n) : (prev: Map<string, Value>, n: number) => prefixValue(prev.get(m.layer_name)!, n);
    return { link: m.link_name, boot, next };
  }
}

function mustGet(values: Map<string, Value>, name: string, group: string): Value {
  const v = values.get(name);
  if (!v) throw new CompileError(`recurrent group ${group}: ${JSON.stringify(name)} is used before it is computed in the step`);
  return v;
}

function prefixValue(value: Value, n: number): Value {
  const rows = value.data.shape[0]!;
  if (rows === n) return value;
  return {
    data: tf.slice(value.data, [0, 0], [n, value.data.shape[1]!]),
    ...(value.ids ? { ids: value.ids.subarray(0, n) } : {}),
    ...(value.state ? { state: tf.slice(value.state, [0, 0], [n, value.state.shape[1]]) } : {}),
  };
}

/** Step t of a plain sequence in-link: one row per running sequence. */
function plainSteps(value: Value, schedule: StepSchedule): (t: number) => Value {
  const x = flat(value);
  // One split, not a slice per step: a slice's gradient pads to the whole input, T times over.
  const parts = x.shape[1] === 0 ? undefined : (tf.split(tf.gather(x, int32(schedule.stepRows)), Array.from(schedule.active)) as tf.Tensor2D[]);
  const ids = value.ids;
  return (t) => {
    const n = schedule.active[t]!;
    const off = schedule.offsets[t]!;
    return {
      data: parts ? parts[t]! : tf.zeros([n, 0]),
      ...(ids ? { ids: Int32Array.from(schedule.stepRows.subarray(off, off + n), (r) => ids[r]!) } : {}),
    };
  };
}

/** Step t of a nested in-link: the t-th sub-sequence of every running sequence, as a sequence value. */
function nestedSteps(value: Value, schedule: StepSchedule): (t: number) => Value {
  const sub = value.seq!.subStarts!;
  const x = flat(value);
  return (t) => {
    const n = schedule.active[t]!;
    const subs = schedule.stepRows.subarray(schedule.offsets[t]!, schedule.offsets[t]! + n);
    const lens = Array.from(subs, (k) => sub[k + 1]! - sub[k]!);
    const rows = new Int32Array(lens.reduce((a, b) => a + b, 0));
    let o = 0;
    for (const k of subs) for (let r = sub[k]!; r < sub[k + 1]!; r++) rows[o++] = r;
    return {
      data: tf.gather(x, int32(rows)),
      seq: { starts: startsFromLengths(lens) },
      ...(value.ids ? { ids: Int32Array.from(rows, (r) => value.ids![r]!) } : {}),
    };
  };
}

/**
 * A static sequence input for every step: its sequences in schedule order, so the running ones are a
 * prefix of rows. One gather, cut into chunks where the number of running sequences drops; a step's value
 * joins the chunks of its prefix (a copy, and its gradient a split) instead of gathering again.
 */
function staticSequences(value: Value, schedule: StepSchedule): (n: number) => Value {
  const starts = value.seq!.starts;
  const lens = Array.from(schedule.order, (s) => starts[s + 1]! - starts[s]!);
  const counts = [...new Set(Array.from(schedule.active))].sort((a, b) => a - b);
  const rowsBefore = (n: number) => lens.slice(0, n).reduce((a, b) => a + b, 0);
  const sorted = sequencePrefix(value, schedule.order);
  const bounds = counts.map(rowsBefore);
  const chunks = tf.split(sorted.data, bounds.map((b, i) => b - (i === 0 ? 0 : bounds[i - 1]!)).concat(sorted.data.shape[0]! - bounds.at(-1)!));
  const cache = new Map<number, Value>();
  return (n) => {
    if (!cache.has(n)) {
      const k = counts.indexOf(n);
      const data = k === 0 ? chunks[0]! : tf.concat(chunks.slice(0, k + 1));
      cache.set(n, { data, seq: { starts: startsFromLengths(lens.slice(0, n)) } });
    }
    return cache.get(n)!;
  };
}

/** The sequences `order` of a sequence value, in that order. */
export function sequencePrefix(value: Value, order: Int32Array): Value {
  const starts = value.seq!.starts;
  const lens = Array.from(order, (s) => starts[s + 1]! - starts[s]!);
  const rows = new Int32Array(lens.reduce((a, b) => a + b, 0));
  let o = 0;
  for (const s of order) for (let r = starts[s]!; r < starts[s + 1]!; r++) rows[o++] = r;
  return { data: tf.gather(flat(value), int32(rows)), seq: { starts: startsFromLengths(lens) } };
}

/** Per-step outputs back to sequences in the original order (a nested sequence if each step gave a sequence). */
function gatherSteps(steps: Value[], schedule: StepSchedule): Value {
  if (!steps[0]?.seq) {
    const data = tf.gather(tf.concat(steps.map(flat)), int32(schedule.outputIndex));
    return { data, seq: { starts: schedule.starts } };
  }
  // Each step yielded one sequence per running sequence: reassemble sub-sequences per outer sequence.
  const pieces: { t: number; i: number; start: number; len: number }[] = [];
  let base = 0;
  steps.forEach((v, t) => {
    const st = v.seq!.starts;
    for (let i = 0; i + 1 < st.length; i++) pieces.push({ t, i, start: base + st[i]!, len: st[i + 1]! - st[i]! });
    base += v.data.shape[0]!;
  });
  const all = tf.concat(steps.map(flat));
  const rows: number[] = [];
  const subLens: number[] = [];
  const seqLens: number[] = [];
  const n = schedule.numSequences;
  const rank = new Int32Array(n);
  schedule.order.forEach((s, i) => (rank[s] = i));
  for (let s = 0; s < n; s++) {
    const count = schedule.starts[s + 1]! - schedule.starts[s]!;
    for (let k = 0; k < count; k++) {
      const t = schedule.reverse ? count - 1 - k : k;
      const piece = pieces.find((p) => p.t === t && p.i === rank[s])!;
      for (let r = 0; r < piece.len; r++) rows.push(piece.start + r);
      subLens.push(piece.len);
    }
    seqLens.push(subLens.slice(subLens.length - count).reduce((a, b) => a + b, 0));
  }
  const seq: SeqInfo = { starts: startsFromLengths(seqLens), subStarts: startsFromLengths(subLens) };
  return { data: tf.gather(all, int32(Int32Array.from(rows))), seq };
}
