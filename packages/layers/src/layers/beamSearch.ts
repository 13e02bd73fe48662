import { paramAttr } from '../attrs.js';
import { finiteNumber, knownKeys, nonNegativeInt, optionalName, positiveInt } from '../check.js';
import { ConfigError, show } from '../errors.js';
import { asLayer } from '../inputs.js';
import { LayerOutput, isLayerOutput } from '../LayerOutput.js';
import type { LayerName } from '../NameScope.js';
import { embedding } from './mixed.js';
import { memory } from './memory.js';
import { buildGroup, type StaticInput } from './recurrentGroup.js';

/** The input of a generating step that holds the embedding of the token generated at the previous step. */
export interface GeneratedInput {
  readonly kind: 'generatedInput';
  /** Size of the target dictionary (the ids generated). */
  readonly size: number;
  /** Name of the embedding parameter, shared with the training network's target embedding. */
  readonly embeddingName: string;
  readonly embeddingSize: number;
}

/**
 * Marks where, among a generating step's inputs, the embedding of the last generated token goes (the
 * start mark `bosId` at the first step). The embedding's parameter is found by name, so generation uses the
 * one training learned.
 * @paddle paddle.layer.GeneratedInput
 * @example
 * const trg = generatedInput({ size: targetDictSize, embeddingName: '_target_language_embedding', embeddingSize: 512 });
 */
export function generatedInput(args: { size: number; embeddingName: string; embeddingSize: number }): GeneratedInput {
  const where = 'generatedInput';
  knownKeys(where, args, ['size', 'embeddingName', 'embeddingSize']);
  positiveInt(where, 'size', args.size);
  positiveInt(where, 'embeddingSize', args.embeddingSize);
  if (typeof args.embeddingName !== 'string' || args.embeddingName === '') {
    throw new ConfigError(`${where}: embeddingName must name the training network's target embedding parameter, got ${show(args.embeddingName)}`);
  }
  return Object.freeze({ kind: 'generatedInput', ...args });
}

/**
 * The id of each row's largest value (the most likely token of a softmax).
 * @paddle paddle.layer.max_id (maxid_layer)
 * @example
 * const predicted = layer.maxId({ input: probabilities });
 */
export function maxId(args: { input: LayerOutput; name?: LayerName }): LayerOutput {
  const where = 'layer.maxId';
  knownKeys(where, args, ['input', 'name']);
  const input = asLayer(where, 'input', args.input);
  const name = optionalName(where, args.name);
  return new LayerOutput({
    prefix: 'maxid_layer', ...(name !== undefined ? { name } : {}), size: input.size, seqLevel: input.seqLevel, valueKind: 'ids', inputs: [input],
    emit: (ctx) => ({ type: 'maxid', size: input.size, active_type: '', inputs: [{ input_layer_name: ctx.nameOf(input) }] }),
  });
}

export interface BeamSearchArgs {
  name?: LayerName;
  /** The decoder step, as in training: returns the softmax over the target dictionary. */
  step: (...inputs: LayerOutput[]) => LayerOutput;
  /** The step's inputs in order: static inputs and exactly one generatedInput. */
  input: readonly (StaticInput | GeneratedInput)[];
  bosId: number;
  eosId: number;
  beamSize: number;
  /** Most tokens per result (eos included); default 500 as in Paddle. */
  maxLength?: number;
  /** Results per source, best first; default beamSize. */
  numResultsPerSample?: number;
  /** Beyond Paddle: rank finished paths by score / length^α; default 0 (sum of log-probabilities). */
  lengthPenalty?: number;
}

const PREDICT = '__beam_search_predict__';

/**
 * Generates sequences with beam search: the step runs on every live path, the generated input feeding it
 * the embedding of the path's last token; scores are summed log-probabilities; a path ends at `eosId` or
 * after `maxLength` tokens; each source keeps its `beamSize` best. `beamSize: 1` is greedy decoding. Layers
 * and parameters of the step are named as in the training group of the same `name`, so they share values.
 * @paddle paddle.layer.beam_search
 * @example
 * const generated = layer.beamSearch({
 *   name: 'decoder_group', step: decoderStep, bosId: 0, eosId: 1, beamSize: 5, maxLength: 30,
 *   input: [staticInput(encoded, { isSeq: true }), staticInput(encodedProj, { isSeq: true }), generatedInput({ size: V, embeddingName: 'trg_emb', embeddingSize: 64 })],
 * });
 */
export function beamSearch(args: BeamSearchArgs): LayerOutput {
  const where = 'layer.beamSearch';
  knownKeys(where, args, ['name', 'step', 'input', 'bosId', 'eosId', 'beamSize', 'maxLength', 'numResultsPerSample', 'lengthPenalty']);
  if (typeof args.step !== 'function') throw new ConfigError(`${where}: step must be a function, got ${show(args.step)}`);
  const inputs = Array.isArray(args.input) ? args.input : [args.input];
  const generated = inputs.filter((i) => (i as GeneratedInput)?.kind === 'generatedInput') as GeneratedInput[];
  if (generated.length !== 1) {
    throw new ConfigError(`${where}: input must hold exactly one generatedInput(...), got ${generated.length}`);
  }
  const gen = generated[0]!;
  const at = inputs.indexOf(gen);
  const statics = inputs.filter((i) => i !== gen) as StaticInput[];
  statics.forEach((s, i) => {
    if (isLayerOutput(s) || s?.kind !== 'staticInput') throw new ConfigError(`${where}: input[${i}] must be staticInput(...) or the generatedInput, got ${show(s)}`);
  });
  const bos = nonNegativeInt(where, 'bosId', args.bosId);
  const eos = nonNegativeInt(where, 'eosId', args.eosId);
  if (bos >= gen.size || eos >= gen.size) throw new ConfigError(`${where}: bosId (${bos}) and eosId (${eos}) must be ids below the generated input's size ${gen.size}`);
  const beamSize = positiveInt(where, 'beamSize', args.beamSize);
  const maxLength = args.maxLength === undefined ? 500 : positiveInt(where, 'maxLength', args.maxLength);
  const numResults = args.numResultsPerSample === undefined ? beamSize : positiveInt(where, 'numResultsPerSample', args.numResultsPerSample);
  if (numResults > beamSize) throw new ConfigError(`${where}: numResultsPerSample (${numResults}) cannot exceed beamSize (${beamSize})`);
  const lengthPenalty = args.lengthPenalty === undefined ? 0 : finiteNumber(where, 'lengthPenalty', args.lengthPenalty);
  if (lengthPenalty < 0) throw new ConfigError(`${where}: lengthPenalty must be >= 0, got ${lengthPenalty}`);
  const step = (...agents: LayerOutput[]) => {
    const previous = memory({ name: PREDICT, size: gen.size, bootWithConstId: bos });
    const emb = embedding({ input: previous, size: gen.embeddingSize, paramAttr: paramAttr({ name: gen.embeddingName }) });
    const stepInputs = [...agents.slice(0, at), emb, ...agents.slice(at)];
    const probabilities = args.step(...stepInputs);
    if (!isLayerOutput(probabilities) || probabilities.size !== gen.size || probabilities.activation !== 'softmax') {
      throw new ConfigError(`${where}: step must return a softmax over the ${gen.size} generated ids, got ${show(probabilities)}`);
    }
    return maxId({ input: probabilities, name: PREDICT });
  };
  return buildGroup(where, { step, input: statics, ...(args.name !== undefined ? { name: args.name } : {}) }, {
    bos_id: bos, eos_id: eos, beam_size: beamSize, max_num_frames: maxLength, num_results_per_sample: numResults, length_penalty: lengthPenalty,
  }) as LayerOutput;
}
