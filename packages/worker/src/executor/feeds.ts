import type { LayerConfig, Topology } from '@oar/layers';
import { DataError } from '../errors.js';
import type { SeqInfo } from './SeqInfo.js';
import { tf } from './tf.js';
import type { Value } from './Value.js';

/** One data layer's part of a batch, on the host: stacked rows and their sequence layout. */
export interface HostInput {
  readonly rows: number;
  readonly dim: number;
  readonly dense?: Float32Array;
  readonly ids?: Int32Array;
  readonly seq?: SeqInfo;
}

/** Which field of a sample feeds which data layer: `{ pixel: 0, label: 1 }`. @paddle feeding */
export type Feeding = Record<string, number>;

/**
 * A batch packed for the network: every data layer's samples stacked as rows (no padding), with
 * sequence start positions. Samples are tuples whose fields follow the data layers' types:
 * dense `number[] | Float32Array`; integer `number`; sequences as arrays of those; nested sequences as
 * arrays of sequences.
 */
export class Feeds {
  readonly #inputs: Map<string, HostInput>;
  readonly #overrides = new Map<string, tf.Tensor>();
  readonly batchSize: number;

  constructor(inputs: Map<string, HostInput>, batchSize: number) {
    this.#inputs = inputs;
    this.batchSize = batchSize;
  }

  static fromSamples(topology: Topology, samples: readonly unknown[], feeding?: Feeding): Feeds {
    if (samples.length === 0) throw new DataError('batch: a batch needs at least one sample, got 0');
    const order = feeding ?? Object.fromEntries(topology.inputNames.map((name, i) => [name, i]));
    const inputs = new Map<string, HostInput>();
    for (const [name, field] of Object.entries(order)) {
      const layer = topology.layer(name);
      if (layer.type !== 'data') throw new DataError(`feeding: ${JSON.stringify(name)} is not a data layer`);
      inputs.set(name, packField(layer, samples, field));
    }
    return new Feeds(inputs, samples.length);
  }

  has(name: string): boolean {
    return this.#inputs.has(name);
  }

  input(name: string): HostInput {
    const input = this.#inputs.get(name);
    if (!input) throw new DataError(`batch: no data for input layer ${JSON.stringify(name)}; fed layers are ${[...this.#inputs.keys()].join(', ')}`);
    return input;
  }

  ids(name: string): Int32Array {
    const input = this.input(name);
    if (!input.ids) throw new DataError(`batch: input ${JSON.stringify(name)} holds dense values, not integer ids`);
    return input.ids;
  }

  /** Feeds `tensor` as the data of a dense input instead of its host values (to differentiate by it). */
  override(name: string, tensor: tf.Tensor | undefined): void {
    if (tensor) this.#overrides.set(name, tensor);
    else this.#overrides.delete(name);
  }

  /** The data layer's value as tensors (call inside a tidy). */
  value(layer: LayerConfig): Value {
    const input = this.input(layer.name);
    const data = this.#overrides.get(layer.name)
      ?? (input.dense ? tf.tensor2d(input.dense, [input.rows, input.dim]) : tf.tensor2d(new Float32Array(0), [input.rows, 0]));
    return {
      data,
      ...(input.ids ? { ids: input.ids } : {}),
      ...(input.seq ? { seq: input.seq } : {}),
    };
  }
}

function packField(layer: LayerConfig, samples: readonly unknown[], field: number): HostInput {
  const type = layer.data_type!;
  const where = (i: number) => `sample ${i}, input ${JSON.stringify(layer.name)}`;
  const rows: unknown[] = [];
  const starts: number[] = [0];
  const subStarts: number[] = [0];
  samples.forEach((sample, i) => {
    if (!Array.isArray(sample) || sample.length <= field) {
      throw new DataError(`${where(i)}: expected a sample tuple with a field ${field}, got ${describe(sample)}`);
    }
    const value = sample[field];
    if (type.seq_level === 0) rows.push(value);
    else if (type.seq_level === 1) {
      rows.push(...asList(value, where(i), 'a sequence'));
      starts.push(rows.length);
    } else {
      for (const sub of asList(value, where(i), 'a nested sequence')) {
        rows.push(...asList(sub, where(i), 'a sub-sequence'));
        subStarts.push(rows.length);
      }
      starts.push(rows.length);
    }
  });
  const seq = type.seq_level === 0 ? undefined
    : type.seq_level === 1 ? { starts: Int32Array.from(starts) }
    : { starts: Int32Array.from(starts), subStarts: Int32Array.from(subStarts) };
  const base = { rows: rows.length, dim: type.value === 'dense' ? type.dim : 0, ...(seq ? { seq } : {}) };
  if (type.value === 'integer') {
    const ids = new Int32Array(rows.length);
    rows.forEach((id, r) => {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= type.dim) {
        throw new DataError(`input ${JSON.stringify(layer.name)}, row ${r}: ids must be integers in [0, ${type.dim}), got ${describe(id)}`);
      }
      ids[r] = id;
    });
    return { ...base, ids };
  }
  const dense = new Float32Array(rows.length * type.dim);
  rows.forEach((row, r) => {
    const values = row as ArrayLike<number>;
    if (values == null || typeof values !== 'object' || values.length !== type.dim) {
      throw new DataError(`input ${JSON.stringify(layer.name)}, row ${r}: expected ${type.dim} numbers, got ${describe(row)}`);
    }
    dense.set(values, r * type.dim);
  });
  return { ...base, dense };
}

function asList(value: unknown, where: string, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  throw new DataError(`${where}: expected ${what} (an array), got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return `an array of ${(value as ArrayLike<unknown>).length}`;
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
