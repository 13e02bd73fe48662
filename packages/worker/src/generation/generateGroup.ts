import type { GeneratorConfig, LayerConfig } from '@oar/layers';
import { CompileError } from '../errors.js';
import type { ForwardContext, LayerForward } from '../executor/ForwardContext.js';
import { sequencePrefix, type GroupConfig, type MemoryConfig } from '../executor/recurrent/RecurrentGroup.js';
import { activation } from '../executor/activation.js';
import { flat, int32 } from '../executor/shapes.js';
import { tf } from '../executor/tf.js';
import type { Value } from '../executor/Value.js';
import { beamSearch, type BeamSearchOptions, type Hypothesis } from './beamSearch.js';

/** Search settings that may override the saved generator's. */
export interface GenerateOverrides {
  beamSize?: number;
  maxLength?: number;
  numResults?: number;
  lengthPenalty?: number;
}

/**
 * Runs a generating group (layer.beamSearch) for a batch of sources: the step's layers run once per step on
 * every live path of every source together; memories follow their paths (reordered by each step's parent
 * indices), static inputs are each path's source's value, the generated input is the path's last token.
 */
export function generateGroup(
  config: GroupConfig & { generator: GeneratorConfig }, layerOf: (name: string) => LayerConfig, forwards: Record<string, LayerForward>,
  outer: Map<string, Value>, numSources: number, ctx: ForwardContext, overrides: GenerateOverrides = {},
): Hypothesis[][] {
  const g = config.generator;
  const memories = config.memories ?? [];
  const predict = memories.find((m) => m.boot_with_const_id !== undefined);
  if (!predict) throw new CompileError(`generating group ${JSON.stringify(config.name)} has no generated-input memory (boot_with_const_id)`);
  const maxIdLayer = layerOf(predict.layer_name);
  const probLayer = maxIdLayer.inputs[0]!.input_layer_name;
  const layers = config.layer_names.map(layerOf).filter((l) => l.name !== maxIdLayer.name);
  const statics = memories.filter((m) => m.is_static_input);
  const states = memories.filter((m) => m !== predict && !m.is_static_input);
  const boots = new Map(states.map((m) => [m.link_name, bootOf(m, layerOf, outer, numSources, ctx)]));
  let kept = new Map<string, tf.Tensor2D>();

  const step = (tokens: Int32Array, parents: Int32Array | null, sources: Int32Array): Float32Array => {
    tf.engine().startScope();
    try {
      const values = new Map<string, Value>();
      const src = int32(sources);
      for (const m of statics) {
        const boot = outer.get(m.boot_layer_name!)!;
        values.set(m.link_name, m.is_sequence ? sequencePrefix(boot, sources) : { data: tf.gather(flat(boot), src) });
      }
      for (const m of states) {
        const data = parents === null ? tf.gather(boots.get(m.link_name)!, src) : tf.gather(kept.get(m.link_name)!, int32(parents));
        values.set(m.link_name, { data });
      }
      values.set(predict.link_name, { data: tf.zeros([tokens.length, 0]), ids: tokens });
      for (const layer of layers) {
        if (values.has(layer.name)) continue;
        const forward = forwards[layer.type];
        if (!forward) throw new CompileError(`generating group: layer ${JSON.stringify(layer.name)} of type ${JSON.stringify(layer.type)} cannot run in a group`);
        values.set(layer.name, forward(layer, layer.inputs.map((i) => values.get(i.input_layer_name)!), ctx));
      }
      const next = new Map<string, tf.Tensor2D>();
      for (const m of states) next.set(m.link_name, tf.keep(flat(values.get(m.layer_name)!)));
      for (const t of kept.values()) t.dispose();
      kept = next;
      const probs = flat(values.get(probLayer)!);
      return tf.log(tf.maximum(probs, 1e-30)).dataSync() as Float32Array;
    } finally {
      tf.engine().endScope();
    }
  };

  const options: BeamSearchOptions = {
    bosId: g.bos_id, eosId: g.eos_id,
    beamSize: overrides.beamSize ?? g.beam_size,
    maxLength: overrides.maxLength ?? g.max_num_frames,
    numResults: Math.min(overrides.numResults ?? g.num_results_per_sample, overrides.beamSize ?? g.beam_size),
    lengthPenalty: overrides.lengthPenalty ?? g.length_penalty,
  };
  try {
    return beamSearch(step, numSources, options);
  } finally {
    for (const t of kept.values()) t.dispose();
    for (const t of boots.values()) t.dispose();
  }
}

/** A state memory's value before the first step, one row per source (kept until the search ends). */
function bootOf(m: MemoryConfig, layerOf: (name: string) => LayerConfig, outer: Map<string, Value>, numSources: number, ctx: ForwardContext): tf.Tensor2D {
  const size = layerOf(m.link_name).size;
  if (m.boot_layer_name) return tf.keep(flat(outer.get(m.boot_layer_name)!));
  if (m.boot_bias_parameter_name) {
    const bias = ctx.param(m.boot_bias_parameter_name).reshape([1, size]) as tf.Tensor2D;
    return tf.keep(activation(m.boot_bias_active_type ?? '')(tf.tile(bias, [numSources, 1]) as tf.Tensor2D, undefined));
  }
  return tf.keep(tf.zeros([numSources, size]));
}
