import type { LayerConfig, MemoryConfig, SubModelConfig } from '../config.js';
import type { LayerOutput } from '../LayerOutput.js';
import type { MemorySpec } from './roles.js';

export type AgentType = 'recurrent_layer_group' | 'scatter_agent' | 'agent' | 'gather_agent';

/**
 * The config of a group's own layers, as Paddle writes them: no inputs (the sub-model's links and memories
 * say what feeds them), no parameters. `seq_level` is what the layer holds: a scatter agent one row (or one
 * sub-sequence) per step, a memory agent its value at a step, a gather agent the outer sequence.
 */
export function agentConfig(type: AgentType, layer: LayerOutput, name: string): LayerConfig {
  const group = type === 'recurrent_layer_group';
  return {
    name, type, size: group ? 0 : layer.size, active_type: '', inputs: [],
    ...(group ? { sub_model: name } : {}),
    seq_level: layer.seqLevel,
  };
}

/** An empty sub-model of a recurrent group, filled in as the group is written. */
export function groupSubModel(name: string, reversed: boolean): SubModelConfig {
  return {
    name, layer_names: [], input_layer_names: [], output_layer_names: [], evaluator_names: [],
    is_recurrent_layer_group: true, reversed, memories: [], in_links: [], out_links: [],
  };
}

export interface MemoryNames {
  layer: string;
  link: string;
  bootLayer?: string;
  bootBias?: string;
}

/** A memory of a group's sub-model (Paddle's MemoryConfig, plus Oar's `is_static_input`). */
export function memoryConfig(memory: MemorySpec, names: MemoryNames): MemoryConfig {
  return {
    layer_name: names.layer,
    link_name: names.link,
    ...(names.bootLayer !== undefined ? { boot_layer_name: names.bootLayer } : {}),
    ...(names.bootBias !== undefined ? { boot_bias_parameter_name: names.bootBias, boot_bias_active_type: memory.bootBiasActiveType } : {}),
    ...(memory.bootWithConstId !== undefined ? { boot_with_const_id: memory.bootWithConstId } : {}),
    is_sequence: memory.seqLevel > 0,
    ...(memory.staticInput ? { is_static_input: true } : {}),
  };
}
