export { ConfigError, FormatError, ProtocolError, ShapeError } from './errors.js';
export {
  LEARNING_RATE_SCHEDULES,
  LearningRateSchedule,
  parseLearningRateArgs,
  type LearningRateScheduleName,
  type LearningRateScheduleOptions,
  type LearningRateSegments,
  type TrainingProgress,
} from './optimizer/learningRateSchedule.js';
export {
  OPTIMIZER_TYPES,
  resolveOptimizerConfig,
  resolveParameterSettings,
  type AdadeltaConfig,
  type AdagradConfig,
  type AdamConfig,
  type MomentumConfig,
  type OptimizerCommonConfig,
  type OptimizerConfig,
  type OptimizerType,
  type ParameterAttributes,
  type ParameterSettings,
  type ResolvedOptimizerConfig,
  type RmspropConfig,
  type SgdConfig,
} from './optimizer/optimizerConfig.js';
export {
  cloneOptimizerState,
  decodeOptimizerState,
  encodeOptimizerState,
  type OptimizerState,
} from './optimizer/optimizerState.js';
export { createOptimizer, ParameterOptimizer } from './optimizer/parameterOptimizer.js';
export { ParameterClient, type ParameterClientOptions, type PullArgs, type PushArgs, type TableRowValues } from './cluster/ParameterClient.js';
export { ParameterServer, type ParameterServerOptions } from './cluster/ParameterServer.js';
export { PROTOCOL_VERSION, type ServerStats, type SyncMode } from './cluster/protocol.js';
export { DEFAULT_BLOCK_SIZE, localRowCount, planShards, type Block, type ParameterSpec, type ShardPlan } from './cluster/shardPlan.js';
