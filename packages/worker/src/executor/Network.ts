import type { LayerConfig, TopologyConfig } from '@oar/layers';
import { Topology } from '@oar/layers';
import { CompileError } from '../errors.js';
import type { Parameters } from '../Parameters.js';
import type { Feeds } from './feeds.js';
import type { ForwardContext, LayerForward } from './ForwardContext.js';
import { basicForwards } from './forwardBasic.js';
import { COST_TYPES, costForwards } from './forwardCost.js';
import { imageForwards } from './forwardImage.js';
import { sequenceForwards } from './forwardSequence.js';
import { recurrentForwards } from './forwardRecurrent.js';
import { RecurrentGroup, type GroupConfig } from './recurrent/RecurrentGroup.js';
import { generateGroup, type GenerateOverrides } from '../generation/generateGroup.js';
import type { Hypothesis } from '../generation/beamSearch.js';
import { imageOfConfig } from './shapes.js';
import { tf } from './tf.js';
import type { Value } from './Value.js';

const FORWARDS: Record<string, LayerForward> = { ...basicForwards, ...sequenceForwards, ...imageForwards, ...costForwards, ...recurrentForwards };

/** Layer types that hold no computation of their own: a group's agents, set by the group's run. */
const AGENTS = new Set(['agent', 'scatter_agent', 'gather_agent']);

/** Gradients of one step: dense parameters whole, table parameters as the rows the batch touched. */
export interface Gradients {
  dense: Map<string, Float32Array>;
  sparse: Map<string, { rowIds: Int32Array; values: Float32Array }>;
}

export interface EvaluatorResult {
  /** Number of wrong predictions and of predictions, per evaluator name. */
  [name: string]: { errors: number; total: number };
}

export interface StepResult {
  /** Mean cost per sample (sum over cost layers, each weighted by its coeff). */
  cost: number;
  /** Samples in the batch (sequences for sequence costs). */
  samples: number;
  gradients: Gradients;
  evaluators: EvaluatorResult;
  /** New values of static parameters (batch norm's moving statistics). */
  statics: Map<string, Float32Array>;
  /** Gradients with respect to dense data layers, when asked for (gradient checks). */
  inputGradients: Map<string, Float32Array>;
}

export interface StepOptions {
  /** Also return gradients with respect to these dense data layers (gradient checks). */
  inputGradients?: readonly string[];
  /** A scalar objective of the layer values to differentiate instead of the network's cost layers. */
  objective?: (values: Map<string, Value>) => tf.Scalar;
}

interface TableUse {
  param: string;
  dataLayer: string;
}

/**
 * A topology compiled for tfjs: runs forward (training or inference) on a batch of stacked rows, and
 * computes the cost and the gradients of every trainable parameter.
 */
export class Network {
  readonly topology: Topology;
  readonly #layers: LayerConfig[];
  readonly #tables: TableUse[];
  readonly #costLayers: LayerConfig[];
  readonly #groups = new Map<string, RecurrentGroup>();
  /** Layers that run inside a group's steps, not in the outer pass. */
  readonly #inner = new Set<string>();
  /** For each scatter agent of a group, the outer layer it reads. */
  readonly #linkSource = new Map<string, string>();
  /** Memory agents that carry generated ids (beam search). */
  readonly #generatedLinks = new Set<string>();

  constructor(topology: Topology | TopologyConfig) {
    this.topology = topology instanceof Topology ? topology : Topology.fromJSON(topology);
    this.#layers = [...this.topology.layers];
    for (const sub of this.topology.config.sub_models) {
      if (!sub.is_recurrent_layer_group) continue;
      const group = sub as unknown as GroupConfig;
      this.#groups.set(group.name, new RecurrentGroup(group, (n) => this.topology.layer(n), FORWARDS));
      group.layer_names.forEach((n) => this.#inner.add(n));
      for (const link of group.in_links ?? []) this.#linkSource.set(link.link_name, link.layer_name);
      if (group.generator) for (const m of group.memories ?? []) if (m.boot_with_const_id !== undefined) this.#generatedLinks.add(m.link_name);
    }
    for (const layer of this.#layers) {
      if (layer.type === 'recurrent_layer_group' && !this.#groups.has(layer.name)) {
        throw new CompileError(`layer ${JSON.stringify(layer.name)}: a recurrent_layer_group without its sub_model`);
      }
      if (layer.type !== 'data' && layer.type !== 'recurrent_layer_group' && !AGENTS.has(layer.type) && !FORWARDS[layer.type]) {
        throw new CompileError(`layer ${JSON.stringify(layer.name)}: type ${JSON.stringify(layer.type)} is not supported by the worker; supported: ${Object.keys(FORWARDS).join(', ')}`);
      }
    }
    this.#tables = this.#findTables();
    this.#costLayers = this.#layers.filter((l) => COST_TYPES.has(l.type));
  }

  get costLayers(): readonly LayerConfig[] {
    return this.#costLayers;
  }

  #findTables(): TableUse[] {
    const uses: TableUse[] = [];
    for (const layer of this.#layers) {
      for (const input of layer.inputs) {
        if (input.proj_conf?.type !== 'table') continue;
        const source = this.topology.layer(this.#outerSource(input.input_layer_name));
        // A generating group's embedding reads the generated ids: the whole table is used there.
        if (source.type === 'agent' && this.#generatedLinks.has(source.name)) continue;
        if (source.type !== 'data') {
          throw new CompileError(`layer ${JSON.stringify(layer.name)}: a table projection must read a data layer of integer ids, got ${JSON.stringify(source.name)} (${source.type})`);
        }
        uses.push({ param: input.input_parameter_name!, dataLayer: source.name });
      }
    }
    return uses;
  }

  /** The outer layer a group's in-link agent reads (the layer itself outside groups). */
  #outerSource(name: string): string {
    let n = name;
    while (this.#linkSource.has(n)) n = this.#linkSource.get(n)!;
    return n;
  }

  /** Runs the layers in order. `tensors` supplies dense parameters; `tables` the rows of table parameters. */
  #run(feeds: Feeds, ctx: ForwardContext, upTo?: ReadonlySet<string>): Map<string, Value> {
    const values = new Map<string, Value>();
    for (const layer of this.#layers) {
      if (upTo && !upTo.has(layer.name)) continue;
      if (this.#inner.has(layer.name) || layer.type === 'gather_agent') continue;
      if (layer.type === 'data') {
        values.set(layer.name, feeds.value(layer));
        continue;
      }
      if (layer.type === 'recurrent_layer_group') {
        for (const [name, value] of this.#groups.get(layer.name)!.run(values, ctx)) values.set(name, value);
        continue;
      }
      const inputs = layer.inputs.map((i) => values.get(i.input_layer_name)!);
      values.set(layer.name, FORWARDS[layer.type]!(layer, inputs, ctx));
    }
    return values;
  }

  /** Layer names needed to compute `outputs` (and nothing else). */
  needed(outputs: readonly string[]): Set<string> {
    const need = new Set<string>();
    const visit = (name: string) => {
      if (need.has(name)) return;
      need.add(name);
      for (const input of this.topology.layer(name).inputs) visit(input.input_layer_name);
      for (const [groupName, group] of this.#groups) {
        const config = group.config;
        if (!config.out_links?.some((l) => l.link_name === name) && groupName !== name && !config.layer_names.includes(name)) continue;
        visit(groupName);
        config.layer_names.forEach((n) => need.add(n));
        for (const l of config.out_links ?? []) need.add(l.link_name);
        for (const l of config.in_links ?? []) visit(l.layer_name);
        for (const m of config.memories ?? []) if (m.boot_layer_name) visit(m.boot_layer_name);
        for (const n of config.layer_names) for (const i of this.topology.layer(n).inputs) if (!config.layer_names.includes(i.input_layer_name)) visit(i.input_layer_name);
      }
    };
    outputs.forEach(visit);
    return need;
  }

  /** Forward and backward on one batch; the caller applies the gradients. */
  trainStep(feeds: Feeds, params: Parameters, seed: number, options: StepOptions = {}): StepResult {
    const wrtInputs = options.inputGradients ?? [];
    const trainable = this.topology.parameters.filter((p) => !p.is_static && !this.#isTable(p.name));
    const tableRows = this.#tableRowIds(feeds);
    const statics = new Map<string, Float32Array>();
    const evaluators: EvaluatorResult = {};
    const inputGradients = new Map<string, Float32Array>();
    let samples = 0;
    const result = scoped(() => {
      const denseTensors = trainable.map((p) => params.tensor(p.name));
      const tableNames = [...tableRows.keys()];
      const tableTensors = tableNames.map((name) => params.rowsTensor(name, tableRows.get(name)!.rowIds));
      const kept = { statics: new Map<string, tf.Tensor>() };
      const lossFn = (...tensors: tf.Tensor[]) => {
        const byName = new Map<string, tf.Tensor>(trainable.map((p, i) => [p.name, tensors[i]!]));
        const rowsByName = new Map<string, tf.Tensor2D>(tableNames.map((n, i) => [n, tensors[trainable.length + i] as tf.Tensor2D]));
        const ctx = this.#context(params, byName, rowsByName, tableRows, true, seed, kept.statics);
        const values = this.#run(feeds, ctx);
        // Intermediate tensors die with the forward pass: read what the evaluators need now.
        Object.assign(evaluators, this.#evaluate(values, feeds));
        const { loss, count } = options.objective ? { loss: options.objective(values), count: feeds.batchSize } : this.#loss(values);
        samples = count;
        return loss;
      };
      const inputTensors = wrtInputs.map((name) => feeds.value(this.topology.layer(name)).data);
      const withInputs = (...tensors: tf.Tensor[]) => {
        const k = trainable.length + tableNames.length;
        inputTensors.forEach((_, i) => feeds.override(wrtInputs[i]!, tensors[k + i]!));
        try {
          // A data layer may shape the output without entering it (expandAs): its gradient is zero, not undefined.
          const touch = tensors.slice(k).map((t) => tf.mul(tf.sum(t), 0));
          return touch.length ? (tf.addN([lossFn(...tensors), ...touch]) as tf.Scalar) : lossFn(...tensors);
        } finally {
          wrtInputs.forEach((name) => feeds.override(name, undefined));
        }
      };
      const { value, grads } = tf.valueAndGrads(withInputs)([...denseTensors, ...tableTensors, ...inputTensors]);
      const k = trainable.length + tableNames.length;
      wrtInputs.forEach((name, i) => inputGradients.set(name, grads[k + i]!.dataSync() as Float32Array));
      for (const [name, t] of kept.statics) {
        statics.set(name, t.dataSync() as Float32Array);
        t.dispose();
      }
      const gradients: Gradients = { dense: new Map(), sparse: new Map() };
      trainable.forEach((p, i) => gradients.dense.set(p.name, grads[i]!.dataSync() as Float32Array));
      tableNames.forEach((name, i) => {
        gradients.sparse.set(name, { rowIds: tableRows.get(name)!.rowIds, values: grads[trainable.length + i]!.dataSync() as Float32Array });
      });
      return { cost: value.dataSync()[0]!, gradients };
    });
    return { ...result, samples, evaluators, statics, inputGradients };
  }

  /** The training-mode cost of a batch (same dropout masks for the same seed), without gradients. */
  trainingCost(feeds: Feeds, params: Parameters, seed: number, options: Pick<StepOptions, 'objective'> = {}): number {
    return scoped(() => {
      const tableRows = this.#tableRowIds(feeds);
      const ctx = this.#context(params, new Map(), new Map(), tableRows, true, seed, new Map());
      const values = this.#run(feeds, ctx);
      return (options.objective ? options.objective(values) : this.#loss(values).loss).dataSync()[0]!;
    });
  }

  /** Cost and evaluators of a batch without gradients (test mode: no dropout, moving statistics). */
  evaluate(feeds: Feeds, params: Parameters): { cost: number; samples: number; evaluators: EvaluatorResult } {
    return scoped(() => {
      const tableRows = this.#tableRowIds(feeds);
      const ctx = this.#context(params, new Map(), new Map(), tableRows, false, 0, new Map());
      const values = this.#run(feeds, ctx);
      const { loss, count } = this.#loss(values);
      return { cost: loss.dataSync()[0]!, samples: count, evaluators: this.#evaluate(values, feeds) };
    });
  }

  /** Values of the named layers (inference mode), as host arrays `[rows, size]` with their sequence layout. */
  infer(feeds: Feeds, params: Parameters, outputs: readonly string[]): Map<string, { data: Float32Array; rows: number; size: number; seqStarts?: Int32Array }> {
    return scoped(() => {
      const tableRows = this.#tableRowIds(feeds);
      const ctx = this.#context(params, new Map(), new Map(), tableRows, false, 0, new Map());
      const values = this.#run(feeds, ctx, this.needed(outputs));
      const result = new Map<string, { data: Float32Array; rows: number; size: number; seqStarts?: Int32Array }>();
      for (const name of outputs) {
        const value = values.get(name)!;
        const layer = this.topology.layer(name);
        const data = (value.data.rank === 2 ? value.data : flatImage(value)).dataSync() as Float32Array;
        result.set(name, { data, rows: value.data.shape[0]!, size: layer.size, ...(value.seq ? { seqStarts: value.seq.starts } : {}) });
      }
      return result;
    });
  }

  /**
   * Generates with the network's beam-search group for a batch of sources (inference mode): the layers its
   * static inputs need run once, then the search runs every live path of every source together.
   */
  generate(feeds: Feeds, params: Parameters, overrides: GenerateOverrides = {}): Hypothesis[][] {
    const entry = [...this.#groups.values()].find((g) => g.config.generator);
    if (!entry) throw new CompileError('generate: the network has no generating group (layer.beamSearch)');
    const config = entry.config as GroupConfig & { generator: NonNullable<GroupConfig['generator']> };
    return scoped(() => {
      const tableRows = this.#tableRowIds(feeds);
      const ctx = this.#context(params, new Map(), new Map(), tableRows, false, 0, new Map());
      const boots = (config.memories ?? []).flatMap((m) => (m.boot_layer_name ? [m.boot_layer_name] : []));
      const outer = this.#run(feeds, ctx, boots.length ? this.needed(boots) : new Set());
      return generateGroup(config, (n) => this.topology.layer(n), FORWARDS, outer, feeds.batchSize, ctx, overrides);
    });
  }

  /** Parameters read by rows (embedding tables fed by ids): their gradients come as touched rows. */
  get tableParameters(): string[] {
    return [...new Set(this.#tables.map((t) => t.param))];
  }

  /** Per table, the distinct row ids a batch reads (sorted). */
  tableRowIds(feeds: Feeds): Map<string, Int32Array> {
    return new Map([...this.#tableRowIds(feeds)].map(([name, { rowIds }]) => [name, rowIds]));
  }

  #isTable(name: string): boolean {
    return this.#tables.some((t) => t.param === name);
  }

  #tableRowIds(feeds: Feeds): Map<string, { rowIds: Int32Array; local: Map<number, number> }> {
    const ids = new Map<string, Set<number>>();
    for (const use of this.#tables) {
      const set = ids.get(use.param) ?? new Set<number>();
      for (const id of feeds.ids(use.dataLayer)) set.add(id);
      ids.set(use.param, set);
    }
    const out = new Map<string, { rowIds: Int32Array; local: Map<number, number> }>();
    for (const [param, set] of ids) {
      const rowIds = Int32Array.from(set).sort();
      out.set(param, { rowIds, local: new Map(Array.from(rowIds, (id, i) => [id, i])) });
    }
    return out;
  }

  #context(
    params: Parameters, dense: Map<string, tf.Tensor>, rows: Map<string, tf.Tensor2D>,
    tableRows: Map<string, { rowIds: Int32Array; local: Map<number, number> }>, training: boolean, seed: number,
    statics: Map<string, tf.Tensor>,
  ): ForwardContext {
    let seedCounter = seed;
    return {
      training,
      param: (name) => dense.get(name) ?? params.tensor(name),
      tableRows: (name, ids) => {
        const table = tableRows.get(name);
        if (!table) return { rows: (dense.get(name) ?? params.tensor(name)) as tf.Tensor2D, local: ids };
        const local = new Int32Array(ids.length);
        for (let i = 0; i < ids.length; i++) local[i] = table.local.get(ids[i]!)!;
        return { rows: rows.get(name) ?? params.rowsTensor(name, table.rowIds), local };
      },
      nextSeed: () => (seedCounter = (seedCounter * 1103515245 + 12345) % 2147483648),
      setStatic: (name, value) => statics.set(name, tf.keep(value)),
    };
  }

  #loss(values: Map<string, Value>): { loss: tf.Scalar; count: number } {
    if (this.#costLayers.length === 0) throw new CompileError('the network has no cost layer; training and testing need one (e.g. layer.classificationCost)');
    let count = 0;
    const terms = this.#costLayers.map((layer) => {
      const value = values.get(layer.name)!;
      const n = value.seq ? value.seq.starts.length - 1 : value.data.shape[0]!;
      count = Math.max(count, n);
      return tf.mul(tf.sum(value.data), (layer.coeff ?? 1) / Math.max(1, n));
    });
    return { loss: (terms.length === 1 ? terms[0]! : tf.addN(terms)) as tf.Scalar, count };
  }

  #evaluate(values: Map<string, Value>, feeds: Feeds): EvaluatorResult {
    const out: EvaluatorResult = {};
    for (const evaluator of this.topology.config.evaluators) {
      const [outputName, labelName] = evaluator.input_layers as [string, string];
      const predicted = tf.argMax(values.get(outputName)!.data, 1).dataSync();
      const labels = feeds.ids(labelName);
      let errors = 0;
      for (let i = 0; i < labels.length; i++) if (predicted[i] !== labels[i]) errors++;
      out[evaluator.name] = { errors, total: labels.length };
    }
    return out;
  }
}

/** Runs `fn` in a tensor scope: every tensor it makes is disposed at the end; host results survive. */
export function scoped<T>(fn: () => T): T {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}

function flatImage(value: Value): tf.Tensor {
  const [n, h, w, c] = value.data.shape as [number, number, number, number];
  return tf.transpose(value.data, [0, 3, 1, 2]).reshape([n, c * h * w]);
}

export { imageOfConfig };
