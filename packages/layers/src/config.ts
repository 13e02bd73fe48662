/**
 * The saved topology format: JSON with snake_case keys and Paddle's layer type strings. Its shape follows
 * Paddle's `ModelConfig` (layers, parameters, input/output names, evaluators, sub_models), so that the
 * Paddle text format is a plain mapping of it.
 *
 * A recurrent group is laid out as Paddle does: in `layers`, its `recurrent_layer_group` layer, then its
 * `scatter_agent`s (one per in-link), its memory `agent`s (static inputs first), the step's layers (names
 * ending `@GROUP`), and after them, in the enclosing scope, one `gather_agent` per output. Agents and the group
 * layer have no inputs: the group's sub-model (same name) says what feeds them (`in_links`, `memories`,
 * `out_links`). Beyond Paddle, every layer's `seq_level` says what it holds (a scatter agent: one row, or one
 * sub-sequence, per step), and a memory says `is_static_input` when it is a static input. The root sub-model
 * lists only root-level layers.
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

/** Paddle's NormConfig, of `cmrnorm-projection` (cross-map response normalisation); `scale` is the user's scale / size. */
export interface NormConfig {
  norm_type: 'cmrnorm-projection';
  channels: number;
  size: number;
  scale: number;
  pow: number;
  output_x: number;
  img_size: number;
  blocked: boolean;
  output_y: number;
  img_size_y: number;
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
  norm_conf?: NormConfig;
  image_conf?: ImageConfig;
  /** Which output of a multi-output input layer to read (`get_output`: 'state' of `lstm_step`). */
  input_layer_argument?: string;
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
  /** `seqlastins`: one row per window of this many rows (Paddle's stride; absent or -1: whole sequences). */
  seq_pool_stride?: number;
  /** `max` pooling: the index of each maximum (its row in the batch) instead of its value. */
  output_max_index?: boolean;
  num_filters?: number;
  shared_biases?: boolean;
  height?: number;
  width?: number;
  moving_average_fraction?: number;
  use_global_stats?: boolean;
  coeff?: number;
  /** `slope_intercept`: y = slope · x + intercept. */
  slope?: number;
  intercept?: number;
  /** `selective_fc`: Paddle's generation mode (always false in Oar), whether the last input selects columns, and its `mul_ratio`. */
  selective_fc_pass_generation?: boolean;
  has_selected_colums?: boolean;
  selective_fc_full_mul_ratio?: number;
  /** `featmap_expand`: 'as_col_vec' repeats each value in turn instead of the whole row. */
  user_arg?: string;
  /** Recurrent layers (`recurrent`, `lstmemory`, `gated_recurrent`): run from the last step to the first. */
  reversed?: boolean;
  /** Gate activation of `lstmemory`, `gated_recurrent`, `lstm_step`, `gru_step`. */
  active_gate_type?: string;
  /** State (cell) activation of `lstmemory` and `lstm_step`. */
  active_state_type?: string;
  /** Oar: for a `recurrent_layer_group` layer, the name of its sub-model (the same name). */
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

/**
 * A link between a recurrent group and its parent: an in-link scatters the outer `layer_name` into the
 * per-step agent `link_name`; an out-link gathers the inner `layer_name` of every step into `link_name`.
 */
export interface LinkConfig {
  layer_name: string;
  link_name: string;
  /** The outer side is a nested sequence: each step sees (or yields) one sub-sequence per sequence. */
  has_subseq: boolean;
}

/**
 * A memory of a recurrent group: the agent `link_name` holds, at step t, the value `layer_name` had at
 * step t−1; at the first step zeros, or the boot layer's row (one per sequence), or act(boot bias), or the id
 * `boot_with_const_id`. A static input is a memory that boots from the outer layer and links to itself.
 */
export interface MemoryConfig {
  layer_name: string;
  link_name: string;
  boot_layer_name?: string;
  boot_bias_parameter_name?: string;
  boot_bias_active_type?: string;
  boot_with_const_id?: number;
  /** The memory's value is a sequence at every step (a sequence static input, or an `isSeq` memory). */
  is_sequence: boolean;
  /** Oar: a `staticInput` — the boot layer's whole value, the same at every step (layer_name = link_name). */
  is_static_input?: boolean;
}

/**
 * How a generating group searches (Paddle's GeneratorConfig): paths start from `bos_id`; a path ends at
 * `eos_id` or after `max_num_frames` tokens; each source keeps its `beam_size` best paths and returns
 * `num_results_per_sample`. Oar: `length_penalty` α ranks finished paths by score / length^α (0 = Paddle).
 */
export interface GeneratorConfig {
  bos_id: number;
  eos_id: number;
  beam_size: number;
  max_num_frames: number;
  num_results_per_sample: number;
  length_penalty: number;
}

/**
 * A named group of layers: `root`, and one per recurrent group with its links and memories. Sub-models are
 * listed in the order their groups begin (an enclosing group before the groups of its step).
 */
export interface SubModelConfig {
  name: string;
  layer_names: string[];
  input_layer_names: string[];
  output_layer_names: string[];
  evaluator_names: string[];
  is_recurrent_layer_group: boolean;
  reversed?: boolean;
  memories?: MemoryConfig[];
  in_links?: LinkConfig[];
  out_links?: LinkConfig[];
  /** Set on a generating group (beam search). */
  generator?: GeneratorConfig;
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
