import type { SeqLevel } from '../config.js';
import { FormatError } from '../errors.js';
import { bool, inputNames, layerHead, msgs, str } from './protoAccess.js';
import type { ProtoMessage } from './protostr.js';

/** Paddle's names of data types (`paddle.data_type.*`), as `oar import-paddle --data-type NAME=TYPE` takes them. */
export const DATA_TYPE_NAMES = [
  'dense_vector', 'integer_value', 'dense_vector_sequence', 'integer_value_sequence', 'dense_vector_sub_sequence', 'integer_value_sub_sequence',
] as const;
export type DataTypeName = (typeof DATA_TYPE_NAMES)[number];

export interface InferredType {
  value: 'dense' | 'integer';
  seqLevel: SeqLevel;
}

export function dataTypeName(t: InferredType): DataTypeName {
  return `${t.value === 'dense' ? 'dense_vector' : 'integer_value'}${['', '_sequence', '_sub_sequence'][t.seqLevel]}` as DataTypeName;
}

export function parseDataTypeName(name: string, where: string): InferredType {
  const at = (DATA_TYPE_NAMES as readonly string[]).indexOf(name);
  if (at < 0) throw new FormatError(`${where}: data type must be one of ${DATA_TYPE_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  return { value: at % 2 === 0 ? 'dense' : 'integer', seqLevel: Math.floor(at / 2) as SeqLevel };
}

const COSTS = new Set(['multi-class-cross-entropy', 'square_error']);
const ID_LABEL_COSTS = new Set(['multi-class-cross-entropy']);
const SEQUENCE_ONLY = new Set(['recurrent', 'lstmemory', 'gated_recurrent', 'seqconcat']);
const REDUCTIONS = new Set(['max', 'average', 'seqlastins']);

/** What the layers of a dump say about its data layers and memories, which the dump itself does not record. */
export interface Levels {
  dataTypes: Map<string, InferredType>;
  /** Memories whose dump leaves `is_sequence` out: whether the layer they remember is a sequence. */
  memoryIsSeq: Map<string, boolean>;
}

/**
 * Infers what Paddle's ModelConfig leaves to the data provider: whether each data layer holds integer ids
 * (read by a table projection, or a classification label) or dense values, and its sequence level, the highest
 * its readers need (a sequence pooling or recurrent layer reads a sequence, a nested in-link or a
 * sub-sequence pooling a nested sequence; fc, mixed and the like pass their readers' needs on to their inputs).
 * A cost's label has its input's level. `given` overrides any of them.
 */
export function inferDataTypes(model: ProtoMessage, given: ReadonlyMap<string, InferredType> = new Map()): Levels {
  const net = new Net(model);
  const ids = net.idLayers();
  const demand = net.demands();
  const dataTypes = new Map<string, InferredType>();
  for (const name of net.dataLayers) {
    dataTypes.set(name, given.get(name) ?? { value: ids.has(name) ? 'integer' : 'dense', seqLevel: Math.min(demand.get(name) ?? 0, 2) as SeqLevel });
  }
  for (const name of given.keys()) {
    if (!dataTypes.has(name)) throw new FormatError(`data types: ${JSON.stringify(name)} is not a data layer of the model; its data layers are ${net.dataLayers.join(', ')}`);
  }
  let levels = net.forward(dataTypes);
  for (const layer of net.layers) {
    const { type } = layerHead(layer);
    if (!COSTS.has(type)) continue;
    const [input, label] = inputNames(layer);
    if (label !== undefined && dataTypes.has(label) && !given.has(label)) {
      dataTypes.set(label, { value: dataTypes.get(label)!.value, seqLevel: (levels.levels.get(input!) ?? 0) as SeqLevel });
    }
  }
  levels = net.forward(dataTypes);
  return { dataTypes, memoryIsSeq: levels.memoryIsSeq };
}

class Net {
  readonly layers: ProtoMessage[];
  readonly byName = new Map<string, ProtoMessage>();
  readonly dataLayers: string[] = [];
  /** Scatter agent → its outer layer and whether the link is nested. */
  readonly scatters = new Map<string, { outer: string; nested: boolean }>();
  /** Gather agent (outer name) → the step layer it gathers. */
  readonly gathers = new Map<string, string>();
  /** Memory agent → its memory config. */
  readonly memories = new Map<string, ProtoMessage>();

  constructor(model: ProtoMessage) {
    this.layers = msgs(model, 'layers');
    for (const layer of this.layers) {
      const { name, type } = layerHead(layer);
      this.byName.set(name, layer);
      if (type === 'data') this.dataLayers.push(name);
    }
    for (const sub of msgs(model, 'sub_models')) {
      const where = `sub_model ${JSON.stringify(str(sub, 'name', 'a sub_model'))}`;
      for (const link of msgs(sub, 'in_links')) {
        this.scatters.set(str(link, 'link_name', where)!, { outer: str(link, 'layer_name', where)!, nested: bool(link, 'has_subseq', where) ?? false });
      }
      for (const link of msgs(sub, 'out_links')) this.gathers.set(str(link, 'link_name', where)!, str(link, 'layer_name', where)!);
      for (const memory of msgs(sub, 'memories')) this.memories.set(str(memory, 'link_name', where)!, memory);
    }
  }

  #isStatic(memory: ProtoMessage): boolean {
    return str(memory, 'layer_name', 'memory') === str(memory, 'link_name', 'memory') && memory.boot_layer_name !== undefined;
  }

  /** The outer layer whose values an agent carries (the layer itself when it is not an agent). */
  #source(name: string): string {
    for (let n = name, i = 0; i < 64; i++) {
      const scatter = this.scatters.get(n);
      const memory = this.memories.get(n);
      if (scatter) n = scatter.outer;
      else if (memory && this.#isStatic(memory)) n = str(memory, 'boot_layer_name', 'memory')!;
      else return n;
    }
    return name;
  }

  /** Layers read as integer ids: by a table projection, or as the label of a classification cost. */
  idLayers(): Set<string> {
    const ids = new Set<string>();
    for (const layer of this.layers) {
      const { type } = layerHead(layer);
      const inputs = msgs(layer, 'inputs');
      inputs.forEach((input, i) => {
        const name = str(input, 'input_layer_name', 'an input')!;
        const proj = msgs(input, 'proj_conf')[0];
        if (proj?.type?.[0] === 'table' || (ID_LABEL_COSTS.has(type) && i === 1)) ids.add(this.#source(name));
      });
    }
    return ids;
  }

  /** The sequence level each layer's readers need, walking from the last layer to the first. */
  demands(): Map<string, number> {
    const demand = new Map<string, number>();
    const need = (name: string | undefined, level: number) => {
      if (name !== undefined) demand.set(name, Math.max(demand.get(name) ?? 0, level));
    };
    for (const layer of [...this.layers].reverse()) {
      const { name, type } = layerHead(layer);
      // A sequence softmax normalises over a sequence: its layer is one.
      const d = Math.max(demand.get(name) ?? 0, layer.active_type?.[0] === 'sequence_softmax' ? 1 : 0);
      const ins = inputNames(layer);
      const seqTrans = layer.trans_type?.[0] === 'seq';
      if (REDUCTIONS.has(type)) need(ins[0], seqTrans ? 2 : 1);
      else if (SEQUENCE_ONLY.has(type)) ins.forEach((n) => need(n, 1));
      else if (type === 'expand') {
        need(ins[0], seqTrans ? 1 : 0);
        need(ins[1], seqTrans ? 2 : 1);
      } else if (COSTS.has(type)) continue;
      else if (type === 'scatter_agent') {
        const link = this.scatters.get(name);
        if (link) need(link.outer, Math.max(link.nested ? 2 : 1, d + 1));
      } else if (type === 'agent') {
        const memory = this.memories.get(name);
        const boot = memory && str(memory, 'boot_layer_name', 'memory');
        if (memory && boot !== undefined) need(boot, this.#isStatic(memory) ? d : (bool(memory, 'is_sequence', 'memory') ? 1 : 0));
      } else if (type === 'gather_agent') need(this.gathers.get(name), Math.max(d - 1, 0));
      else {
        msgs(layer, 'inputs').forEach((input, i) => {
          const context = msgs(input, 'proj_conf')[0]?.type?.[0] === 'context';
          need(ins[i], context ? Math.max(1, d) : d);
        });
      }
    }
    return demand;
  }

  /** Every layer's sequence level given the data layers', with the memories that do not say theirs. */
  forward(dataTypes: ReadonlyMap<string, InferredType>): { levels: Map<string, number>; memoryIsSeq: Map<string, boolean> } {
    const memoryIsSeq = new Map<string, boolean>();
    let levels = new Map<string, number>();
    for (let pass = 0; pass < 4; pass++) {
      const next = new Map<string, number>();
      const at = (n: string | undefined) => (n === undefined ? 0 : next.get(n) ?? levels.get(n) ?? 0);
      for (const layer of this.layers) {
        const { name, type } = layerHead(layer);
        const ins = inputNames(layer);
        let level: number;
        if (type === 'data') level = dataTypes.get(name)?.seqLevel ?? 0;
        else if (REDUCTIONS.has(type)) level = layer.trans_type?.[0] === 'seq' || Number(layer.seq_pool_stride?.[0] ?? -1) > 0 ? 1 : 0;
        else if (SEQUENCE_ONLY.has(type)) level = 1;
        else if (type === 'expand') level = at(ins[1]);
        else if (COSTS.has(type) || type === 'recurrent_layer_group') level = 0;
        else if (type === 'scatter_agent') level = Math.max(at(this.scatters.get(name)?.outer) - 1, 0);
        else if (type === 'gather_agent') level = Math.min(at(this.gathers.get(name)) + 1, 2);
        else if (type === 'agent') level = this.#memoryLevel(name, at, levels, memoryIsSeq);
        else level = Math.max(0, ...ins.map(at));
        next.set(name, level);
      }
      const stable = [...next].every(([n, l]) => levels.get(n) === l);
      levels = next;
      if (stable) break;
    }
    return { levels, memoryIsSeq };
  }

  #memoryLevel(name: string, at: (n: string | undefined) => number, previous: Map<string, number>, memoryIsSeq: Map<string, boolean>): number {
    const memory = this.memories.get(name);
    if (!memory) return 0;
    if (this.#isStatic(memory)) return at(str(memory, 'boot_layer_name', 'memory'));
    const declared = bool(memory, 'is_sequence', 'memory');
    if (declared !== undefined) return declared ? 1 : 0;
    // The dump does not say: the memory holds what its layer held at the previous step.
    const target = str(memory, 'layer_name', 'memory')!;
    const level = previous.get(target) ?? 0;
    memoryIsSeq.set(name, level > 0);
    return level;
  }
}

