/**
 * The part of Paddle's `ModelConfig.proto` and `ParameterConfig.proto` (proto2) that Oar reads and writes:
 * every field's number, kind and default. The text format prints fields in number order; the comparison
 * of two dumps takes an absent scalar field as its default (proto2 semantics); the binary codec of the
 * parameter configs in a v2 tar uses the numbers and wire kinds.
 * Facts from PaddlePaddle's `proto/ModelConfig.proto` and `proto/ParameterConfig.proto`.
 */

export type ScalarKind = 'string' | 'bool' | 'double' | 'int32' | 'uint32' | 'uint64';

export interface FieldSpec {
  name: string;
  number: number;
  /** A scalar kind, or the name of a message type in `MESSAGES`. */
  kind: ScalarKind | MessageName;
  repeated?: boolean;
  /** The declared default; without one, proto2's implicit default of the kind ('' / false / 0). */
  default?: string | number | boolean;
}

export type MessageName =
  | 'ModelConfig' | 'LayerConfig' | 'LayerInputConfig' | 'ConvConfig' | 'PoolConfig' | 'NormConfig' | 'ImageConfig'
  | 'ProjectionConfig' | 'OperatorConfig' | 'ParameterConfig' | 'ParameterUpdaterHookConfig' | 'EvaluatorConfig'
  | 'LinkConfig' | 'MemoryConfig' | 'GeneratorConfig' | 'SubModelConfig';

const f = (name: string, number: number, kind: FieldSpec['kind'], extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, number, kind, ...extra });
const rep = { repeated: true } as const;

export const MESSAGES: Record<MessageName, readonly FieldSpec[]> = {
  ModelConfig: [
    f('type', 1, 'string', { default: 'nn' }), f('layers', 2, 'LayerConfig', rep), f('parameters', 3, 'ParameterConfig', rep),
    f('input_layer_names', 4, 'string', rep), f('output_layer_names', 5, 'string', rep), f('evaluators', 6, 'EvaluatorConfig', rep),
    f('sub_models', 8, 'SubModelConfig', rep),
  ],
  LayerConfig: [
    f('name', 1, 'string'), f('type', 2, 'string'), f('size', 3, 'uint64'), f('active_type', 4, 'string'),
    f('inputs', 5, 'LayerInputConfig', rep), f('bias_parameter_name', 6, 'string'), f('num_filters', 7, 'uint32'),
    f('shared_biases', 8, 'bool'), f('partial_sum', 9, 'uint32'), f('drop_rate', 10, 'double'), f('num_classes', 11, 'uint32'),
    f('device', 12, 'int32', { default: -1 }), f('reversed', 13, 'bool'), f('active_gate_type', 14, 'string'),
    f('active_state_type', 15, 'string'), f('num_neg_samples', 16, 'int32', { default: 10 }), f('output_max_index', 19, 'bool'),
    f('softmax_selfnorm_alpha', 21, 'double', { default: 0.1 }), f('norm_by_times', 25, 'bool'), f('coeff', 26, 'double', { default: 1 }),
    f('average_strategy', 27, 'string'), f('error_clipping_threshold', 28, 'double'), f('operator_confs', 29, 'OperatorConfig', rep),
    f('slope', 32, 'double'), f('intercept', 33, 'double'), f('cos_scale', 34, 'double'), f('bos_id', 37, 'uint32'),
    f('eos_id', 38, 'uint32'), f('beam_size', 39, 'uint32'), f('select_first', 40, 'bool'), f('trans_type', 41, 'string', { default: 'non-seq' }),
    f('selective_fc_pass_generation', 42, 'bool'), f('has_selected_colums', 43, 'bool', { default: true }),
    f('selective_fc_full_mul_ratio', 44, 'double', { default: 0.02 }), f('selective_fc_parallel_plain_mul_thread_num', 45, 'uint32'),
    f('use_global_stats', 46, 'bool'), f('moving_average_fraction', 47, 'double', { default: 0.9 }), f('bias_size', 48, 'uint32'),
    f('user_arg', 49, 'string'), f('height', 50, 'uint64'), f('width', 51, 'uint64'), f('blank', 52, 'uint32'),
    f('seq_pool_stride', 53, 'int32', { default: -1 }), f('axis', 54, 'int32', { default: 2 }), f('delta', 57, 'double', { default: 1 }),
    f('depth', 58, 'uint64', { default: 1 }),
  ],
  LayerInputConfig: [
    f('input_layer_name', 1, 'string'), f('input_parameter_name', 2, 'string'), f('conv_conf', 3, 'ConvConfig'),
    f('pool_conf', 4, 'PoolConfig'), f('norm_conf', 5, 'NormConfig'), f('proj_conf', 6, 'ProjectionConfig'),
    f('image_conf', 8, 'ImageConfig'), f('input_layer_argument', 9, 'string'),
  ],
  ConvConfig: [
    f('filter_size', 1, 'uint32'), f('channels', 2, 'uint32'), f('stride', 3, 'uint32'), f('padding', 4, 'uint32'),
    f('groups', 5, 'uint32'), f('filter_channels', 6, 'uint32'), f('output_x', 7, 'uint32'), f('img_size', 8, 'uint32'),
    f('caffe_mode', 9, 'bool', { default: true }), f('filter_size_y', 10, 'uint32'), f('padding_y', 11, 'uint32'),
    f('stride_y', 12, 'uint32'), f('output_y', 13, 'uint32'), f('img_size_y', 14, 'uint32'), f('dilation', 15, 'uint32', { default: 1 }),
    f('dilation_y', 16, 'uint32', { default: 1 }),
  ],
  PoolConfig: [
    f('pool_type', 1, 'string'), f('channels', 2, 'uint32'), f('size_x', 3, 'uint32'), f('start', 4, 'uint32'),
    f('stride', 5, 'uint32', { default: 1 }), f('output_x', 6, 'uint32'), f('img_size', 7, 'uint32'), f('padding', 8, 'uint32'),
    f('size_y', 9, 'uint32'), f('stride_y', 10, 'uint32'), f('output_y', 11, 'uint32'), f('img_size_y', 12, 'uint32'),
    f('padding_y', 13, 'uint32'),
  ],
  NormConfig: [
    f('norm_type', 1, 'string'), f('channels', 2, 'uint32'), f('size', 3, 'uint32'), f('scale', 4, 'double'), f('pow', 5, 'double'),
    f('output_x', 6, 'uint32'), f('img_size', 7, 'uint32'), f('blocked', 8, 'bool'), f('output_y', 9, 'uint32'), f('img_size_y', 10, 'uint32'),
  ],
  ImageConfig: [f('channels', 2, 'uint32'), f('img_size', 8, 'uint32'), f('img_size_y', 9, 'uint32')],
  ProjectionConfig: [
    f('type', 1, 'string'), f('name', 2, 'string'), f('input_size', 3, 'uint64'), f('output_size', 4, 'uint64'),
    f('context_start', 5, 'int32'), f('context_length', 6, 'int32'), f('trainable_padding', 7, 'bool'), f('conv_conf', 8, 'ConvConfig'),
    f('num_filters', 9, 'int32'), f('offset', 11, 'uint64'), f('pool_conf', 12, 'PoolConfig'),
  ],
  OperatorConfig: [
    f('type', 1, 'string'), f('input_indices', 2, 'int32', rep), f('input_sizes', 3, 'uint64', rep), f('output_size', 4, 'uint64'),
    f('dotmul_scale', 5, 'double', { default: 1 }), f('conv_conf', 6, 'ConvConfig'), f('num_filters', 7, 'int32'),
  ],
  ParameterConfig: [
    f('name', 1, 'string'), f('size', 2, 'uint64'), f('learning_rate', 3, 'double', { default: 1 }), f('momentum', 4, 'double'),
    f('initial_mean', 5, 'double'), f('initial_std', 6, 'double', { default: 0.01 }), f('decay_rate', 7, 'double'),
    f('decay_rate_l1', 8, 'double'), f('dims', 9, 'uint64', rep), f('device', 10, 'int32', { default: -1 }),
    f('initial_strategy', 11, 'int32'), f('initial_smart', 12, 'bool'), f('num_batches_regularization', 13, 'int32', { default: 1 }),
    f('is_sparse', 14, 'bool'), f('format', 15, 'string'), f('sparse_remote_update', 16, 'bool'),
    f('gradient_clipping_threshold', 17, 'double'), f('is_static', 18, 'bool'), f('para_id', 19, 'uint64'),
    f('update_hooks', 20, 'ParameterUpdaterHookConfig', rep), f('need_compact', 21, 'bool'), f('sparse_update', 22, 'bool'),
    f('is_shared', 23, 'bool'), f('parameter_block_size', 24, 'uint64'),
  ],
  ParameterUpdaterHookConfig: [f('type', 1, 'string'), f('sparsity_ratio', 2, 'double', { default: 0.8 })],
  EvaluatorConfig: [
    f('name', 1, 'string'), f('type', 2, 'string'), f('input_layers', 3, 'string', rep), f('chunk_scheme', 4, 'string'),
    f('num_chunk_types', 5, 'int32'), f('classification_threshold', 6, 'double', { default: 0.5 }),
    f('positive_label', 7, 'int32', { default: -1 }), f('num_results', 10, 'int32', { default: 1 }), f('top_k', 13, 'int32', { default: 1 }),
  ],
  LinkConfig: [f('layer_name', 1, 'string'), f('link_name', 2, 'string'), f('has_subseq', 3, 'bool')],
  MemoryConfig: [
    f('layer_name', 1, 'string'), f('link_name', 2, 'string'), f('boot_layer_name', 3, 'string'),
    f('boot_bias_parameter_name', 4, 'string'), f('boot_bias_active_type', 5, 'string'), f('is_sequence', 6, 'bool'),
    f('boot_with_const_id', 7, 'uint32'),
  ],
  GeneratorConfig: [
    f('max_num_frames', 1, 'uint32'), f('eos_layer_name', 2, 'string'), f('num_results_per_sample', 3, 'int32', { default: 1 }),
    f('beam_size', 4, 'int32', { default: 1 }), f('log_prob', 5, 'bool', { default: true }),
  ],
  SubModelConfig: [
    f('name', 1, 'string'), f('layer_names', 2, 'string', rep), f('input_layer_names', 3, 'string', rep),
    f('output_layer_names', 4, 'string', rep), f('evaluator_names', 5, 'string', rep), f('is_recurrent_layer_group', 6, 'bool'),
    f('reversed', 7, 'bool'), f('memories', 8, 'MemoryConfig', rep), f('in_links', 9, 'LinkConfig', rep),
    f('out_links', 10, 'LinkConfig', rep), f('generator', 11, 'GeneratorConfig'), f('target_inlinkid', 12, 'int32'),
  ],
};

const byName = new Map(Object.entries(MESSAGES).map(([type, fields]) => [type, new Map(fields.map((s) => [s.name, s]))]));

/** The spec of a field of a message type, or undefined when Oar's schema does not list it. */
export function fieldSpec(type: MessageName, field: string): FieldSpec | undefined {
  return byName.get(type)?.get(field);
}

export function isMessageKind(kind: FieldSpec['kind']): kind is MessageName {
  return kind in MESSAGES;
}

/** The value an absent scalar field has (its declared default, else proto2's '' / false / 0). */
export function defaultOf(spec: FieldSpec): string | number | boolean | undefined {
  if (spec.repeated || isMessageKind(spec.kind)) return undefined;
  if (spec.default !== undefined) return spec.default;
  return spec.kind === 'string' ? '' : spec.kind === 'bool' ? false : 0;
}
