/**
 * The saved topology format: JSON with snake_case keys and Paddle's layer type strings. Its shape follows
 * Paddle's `ModelConfig` (layers, parameters, input/output names, evaluators, sub_models), so that the
 * Paddle text format is a plain mapping of it.
 */
export const TOPOLOGY_FORMAT = 'oar-topology';
export const TOPOLOGY_VERSION = 1;

export type SeqLevel = 0 | 1 | 2;

export interface ProjectionConfig {
  type: 'fc' | 'trans_fc' | 'table' | 'identity' | 'identity_offset' | 'dot_mul' | 'context' | 'scaling';
  name: string;
  input_size: number;
  output_size: number;
  offset?: number;
  context_start?: number;
  context_length?: number;
  trainable_padding?: boolean;
}

export interface OperatorConfig {
  type: 'dot_mul';
  input_indices: number[];
  input_sizes: number[];
  output_size: number;
  dotmul_scale: number;
}

export interface ConvConfig {
  filter_size: number;
  filter_size_y: number;
  channels: number;
  stride: number;
  stride_y: number;
  padding: number;
  padding_y: number;
  groups: number;
  filter_channels: number;
  output_x: number;
  output_y: number;
  img_size: number;
  img_size_y: number;
  caffe_mode: boolean;
  dilation?: number;
  dilation_y?: number;
}

export interface PoolConfig {
  pool_type: 'max-projection' | 'avg-projection';
  channels: number;
  size_x: number;
  size_y: number;
  stride: number;
  stride_y: number;
  padding: number;
  padding_y: number;
  img_size: number;
  img_size_y: number;
  output_x: number;
  output_y: number;
}

export interface ImageConfig {
  channels: number;
  img_size: number;
  img_size_y: number;
}

export interface LayerInputConfig {
  input_layer_name: string;
  input_parameter_name?: string;
  proj_conf?: ProjectionConfig;
  conv_conf?: ConvConfig;
  pool_conf?: PoolConfig;
  image_conf?: ImageConfig;
}

/** How a data layer's samples look: dense floats or integer ids, plain, sequence or nested sequence. */
export interface DataTypeConfig {
  value: 'dense' | 'integer';
  dim: number;
  seq_level: SeqLevel;
}

export interface LayerConfig {
  name: string;
  type: string;
  size: number;
  active_type: string;
  inputs: LayerInputConfig[];
  bias_parameter_name?: string;
  /** Oar: sequence level of the output (0 none, 1 sequence, 2 nested), for readers and the executor. */
  seq_level: SeqLevel;
  data_type?: DataTypeConfig;
  drop_rate?: number;
  operator_confs?: OperatorConfig[];
  trans_type?: 'seq' | 'non-seq';
  average_strategy?: 'average' | 'sum';
  select_first?: boolean;
  num_filters?: number;
  shared_biases?: boolean;
  height?: number;
  width?: number;
  moving_average_fraction?: number;
  use_global_stats?: boolean;
  coeff?: number;
  /** Oar: for a recurrent group layer, the name of its sub-model. */
  sub_model?: string;
}

export interface ParameterConfig {
  name: string;
  size: number;
  dims: number[];
  initial_mean: number;
  initial_std: number;
  /** 0: normal(mean, std); 1: uniform(mean - std, mean + std). */
  initial_strategy: 0 | 1;
  initial_smart: boolean;
  learning_rate?: number;
  momentum?: number;
  decay_rate?: number;
  gradient_clipping_threshold?: number;
  sparse_update?: boolean;
  is_static?: boolean;
}

export interface EvaluatorConfig {
  name: string;
  type: 'classification_error';
  input_layers: string[];
}

/** A named group of layers: `root`, and later one per recurrent group (with its links and memories). */
export interface SubModelConfig {
  name: string;
  layer_names: string[];
  input_layer_names: string[];
  output_layer_names: string[];
  evaluator_names: string[];
  is_recurrent_layer_group: boolean;
  reversed?: boolean;
}

export interface TopologyConfig {
  format: typeof TOPOLOGY_FORMAT;
  version: number;
  type: 'nn' | 'recurrent_nn';
  layers: LayerConfig[];
  parameters: ParameterConfig[];
  input_layer_names: string[];
  output_layer_names: string[];
  evaluators: EvaluatorConfig[];
  sub_models: SubModelConfig[];
}
