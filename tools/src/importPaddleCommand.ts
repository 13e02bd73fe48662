import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  DATA_TYPE_NAMES, FormatError, importProtostr, Topology, type DataTypeName, type LayerOutput, type PaddleImport,
} from '@oar/layers';
import { OPTIMIZER_TYPES, type OptimizerConfig } from '@oar/pserver';
import { defineConfig, loadParameterTar, Network, Parameters, saveParameters, type TrainConfig } from '@oar/worker';
import { passName, type PassMeta } from './runDir.js';
import { UsageError } from './UsageError.js';

export interface ImportPaddleOptions {
  /** Paddle's ModelConfig in protobuf text format. */
  config: string;
  /** Paddle's v2 parameter archive; without it the parameters are initialised. */
  params?: string;
  out: string;
  /** `NAME=TYPE` for data layers whose type the network does not show. */
  dataType?: string[];
  /** The layer `oar infer` computes. */
  output?: string;
  seed?: number;
}

/** What import-paddle keeps beside the protostr, for the config module to rebuild the same network. */
interface ImportRecord {
  dataTypes: Record<string, DataTypeName>;
  output: string;
}

const COST_TYPES = new Set(['multi-class-cross-entropy', 'square_error']);
const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `oar import-paddle`: reads a Paddle model (protostr, and optionally a v2 parameter tar) into a save dir that
 * `oar infer` and `oar train --resume` take: `DIR/pass-00000/` (parameters in Paddle's per-parameter format,
 * topology, meta), `DIR/paddle/` (the protostr and the data types), and `DIR/config.mts`, the config module
 * that rebuilds the network (`oar train --config DIR/config.mts --save-dir DIR --resume --data FILE`).
 */
export async function importPaddleCommand(opts: ImportPaddleOptions): Promise<void> {
  const text = await readText(opts.config, '--config');
  const dataTypes = parseDataTypes(opts.dataType ?? []);
  const imported = importOrExplain(text, dataTypes);
  const output = inferenceOutput(imported, opts.output);
  const topology = folderTopology(imported, output);
  const dropped = imported.topology.layers.filter((l) => !topology.config.layers.some((k) => k.name === l.name)).map((l) => l.name);
  if (dropped.length) log(`oar: ${dropped.join(', ')} ${dropped.length > 1 ? 'are' : 'is'} read by no output and left out of the model folder`);
  const params = opts.params
    ? loadParameterTar(topology, new Uint8Array(await readFile(opts.params).catch(() => { throw new UsageError(`--params: cannot read ${opts.params}`); })))
    : Parameters.create(topology, { seed: opts.seed ?? 1 });
  const out = resolve(opts.out);
  if (existsSync(join(out, passName(0)))) throw new UsageError(`--out: ${out} already holds a model (${passName(0)}); choose another folder`);
  const record: ImportRecord = { dataTypes: imported.dataTypes, output };
  await mkdir(join(out, 'paddle'), { recursive: true });
  await writeFile(join(out, 'paddle', 'model.protostr'), text);
  await writeFile(join(out, 'paddle', 'import.json'), `${JSON.stringify(record, null, 2)}\n`);
  await writeFile(join(out, 'config.mts'), configModule());
  const seed = opts.seed ?? 1;
  const meta: PassMeta = {
    pass: 0, samplesProcessed: 0, config: join(out, 'config.mts'), options: defaultOptions(), output, seed, batchSize: 64,
  };
  await writePass(join(out, passName(0)), meta, topology, params);
  log(`oar: imported ${imported.topology.layers.length} layers and ${topology.parameters.length} parameters (${opts.params ? `values from ${opts.params}` : 'initialised'})`);
  log(`oar: data types ${Object.entries(imported.dataTypes).map(([n, t]) => `${n}=${t}`).join(', ')}; oar infer computes ${output}`);
  log(`oar: wrote ${out}; train it with: oar train --config ${join(out, 'config.mts')} --save-dir ${out} --resume --data SAMPLES.jsonl`);
}

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`${flag}: cannot read ${path}`);
  }
}

function parseDataTypes(items: string[]): Record<string, DataTypeName> {
  const types: Record<string, DataTypeName> = {};
  for (const item of items) {
    const [name, type] = item.split('=');
    if (!name || !type || !(DATA_TYPE_NAMES as readonly string[]).includes(type)) {
      throw new UsageError(`--data-type must be NAME=TYPE with TYPE one of ${DATA_TYPE_NAMES.join(', ')}, got ${JSON.stringify(item)}`);
    }
    types[name] = type as DataTypeName;
  }
  return types;
}

function importOrExplain(text: string, dataTypes: Record<string, DataTypeName>): PaddleImport {
  try {
    return importProtostr(text, { dataTypes });
  } catch (err) {
    if (err instanceof FormatError) {
      const hint = /sequence|integer ids/.test(err.message) ? ' (a data layer of another type? give it with --data-type NAME=TYPE)' : '';
      throw new UsageError(`${err.message}${hint}`);
    }
    throw err;
  }
}

/** The layer to infer: given, else the input of the last output when that is a cost, else the last output. */
function inferenceOutput(imported: PaddleImport, given: string | undefined): string {
  const layers = imported.topology;
  if (given !== undefined) {
    if (!imported.layers.has(given) || given.includes('@')) throw new UsageError(`--output: ${JSON.stringify(given)} is not a layer outside the recurrent groups of the model`);
    return given;
  }
  const last = layers.layer(layers.outputNames.at(-1)!);
  return COST_TYPES.has(last.type) ? last.inputs[0]!.input_layer_name : last.name;
}

/** The topology `oar train` traces from the config module: the file's outputs, then the inference output. */
function folderTopology(imported: PaddleImport, output: string): Topology {
  return Topology.fromOutputs([...imported.outputs, imported.layers.get(output)!]);
}

async function writePass(dir: string, meta: PassMeta, topology: Topology, params: Parameters): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await saveParameters(params, join(dir, 'params'));
  await mkdir(join(dir, 'optimizer'), { recursive: true });
  await writeFile(join(dir, 'topology.json'), topology.serialize());
  await writeFile(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  await writeFile(join(dir, 'state.json'), 'null\n');
}

function configModule(): string {
  const self = pathToFileURL(fileURLToPath(import.meta.url)).href;
  return [
    '// Written by `oar import-paddle`: the Paddle network of paddle/model.protostr, rebuilt with Oar\'s layer DSL',
    '// (data types and inference output in paddle/import.json), for `oar train` and `oar infer`.',
    `import { importedPaddleConfig } from ${JSON.stringify(self)};`,
    '',
    'export default importedPaddleConfig(new URL(\'.\', import.meta.url));',
    '',
  ].join('\n');
}

type ImportedOptions = { data: string; test: string; optimizer: string; learningRate: number };

function defaultOptions(): ImportedOptions {
  return { data: '', test: '', optimizer: 'adam', learningRate: 1e-3 };
}

/**
 * The config module of an imported Paddle model (the folder's `config.mts` calls it with its own folder): the
 * network rebuilt from `paddle/model.protostr`; samples from JSON lines files, one sample per line, either an
 * object by data layer name or an array in the order of the model's inputs; dense vectors as arrays of numbers,
 * ids as integers, sequences as arrays of those.
 */
export function importedPaddleConfig(dir: URL): TrainConfig<ImportedOptions> {
  const defaults = defaultOptions();
  return defineConfig<ImportedOptions>({
    description: 'a network imported from Paddle by oar import-paddle',
    options: {
      data: { type: 'string', default: defaults.data, help: 'training samples, JSON lines (an object by input name, or an array in input order)' },
      test: { type: 'string', default: defaults.test, help: 'test samples, the same format (optional)' },
      optimizer: { type: 'string', default: defaults.optimizer, help: `update rule: ${OPTIMIZER_TYPES.join(', ')}` },
      learningRate: { type: 'number', default: defaults.learningRate, help: 'learning rate' },
    },
    build: (options) => {
      const folder = fileURLToPath(dir);
      const record = JSON.parse(readFileSync(join(folder, 'paddle', 'import.json'), 'utf8')) as ImportRecord;
      const imported = importOrExplain(readFileSync(join(folder, 'paddle', 'model.protostr'), 'utf8'), record.dataTypes);
      const output = imported.layers.get(record.output)!;
      const topology = folderTopology(imported, record.output);
      if (!(OPTIMIZER_TYPES as readonly string[]).includes(options.optimizer)) {
        throw new UsageError(`--optimizer must be one of ${OPTIMIZER_TYPES.join(', ')}, got ${JSON.stringify(options.optimizer)}`);
      }
      const needed = new Network(topology).needed([record.output]);
      const inferInputs = topology.inputNames.filter((n) => needed.has(n));
      return {
        cost: imported.outputs as LayerOutput[], output,
        optimizer: { type: options.optimizer, learningRate: options.learningRate } as OptimizerConfig,
        train: samplesOf(options.data, '--data', topology.inputNames),
        ...(options.test ? { test: samplesOf(options.test, '--test', topology.inputNames) } : {}),
        parseInput: (line) => sampleOf(line, 'input', topology.inputNames, inferInputs),
        // The input lines are JSON samples: print the output values alone, one line per sample.
        formatOutput: (row) => Array.from(row, (v) => v.toPrecision(7)).join(' '),
      };
    },
  });
}

/** A reader of a JSON lines file of samples; an imported model has no data of its own. */
function samplesOf(path: string, flag: string, inputs: readonly string[]): () => Iterable<unknown[]> {
  return () => {
    if (!path) throw new UsageError(`${flag}: this model was imported from Paddle and has no data of its own; give samples with ${flag} FILE (JSON lines, fields ${inputs.join(', ')})`);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new UsageError(`${flag}: cannot read ${path}`);
    }
    return text.split('\n').filter((l) => l.trim() !== '').map((l, i) => sampleOf(l, `${path}:${i + 1}`, inputs, inputs));
  };
}

/** One JSON line as the fields of `wanted` (a subset of `inputs`, in their order). */
function sampleOf(line: string, where: string, inputs: readonly string[], wanted: readonly string[]): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new UsageError(`${where}: not a JSON sample: ${JSON.stringify(line.slice(0, 60))}`);
  }
  if (Array.isArray(value)) {
    if (value.length !== inputs.length) throw new UsageError(`${where}: a sample array needs ${inputs.length} fields (${inputs.join(', ')}), got ${value.length}`);
    return wanted.map((n) => value[inputs.indexOf(n)]);
  }
  if (typeof value !== 'object' || value === null) throw new UsageError(`${where}: a sample is an object by input name or an array, got ${JSON.stringify(value)}`);
  return wanted.map((n) => {
    if (!(n in value)) throw new UsageError(`${where}: the sample has no field ${JSON.stringify(n)}`);
    return (value as Record<string, unknown>)[n];
  });
}
