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
export { CheckpointDir, decodeCheckpoint, encodeCheckpoint, type CheckpointContents } from './cluster/Checkpoint.js';
export { crc32 } from './cluster/crc32.js';
export {
  isZ85Key, readAuthorizedKeys, readKeyPair, readPublicKey, writeKeyPair,
  type CurveClientOptions, type CurveKeyPair, type CurveServerOptions,
} from './cluster/curve.js';
export {
  ParameterClient, type ParameterClientOptions, type PullArgs, type PushArgs, type PushResult, type TableRowValues,
} from './cluster/ParameterClient.js';
export { ParameterServer, type ParameterServerOptions } from './cluster/ParameterServer.js';
export {
  decodeHeader, encodeRequestHeader, MAX_HEADER_BYTES, PROTOCOL_VERSION, type Reply, type ServerStats, type SyncMode,
} from './cluster/protocol.js';
export { TaskMaster, type TaskAnswer, type TaskMasterState } from './cluster/TaskMaster.js';
export { DEFAULT_BLOCK_SIZE, localRowCount, planShards, type Block, type ParameterSpec, type ShardPlan } from './cluster/shardPlan.js';
