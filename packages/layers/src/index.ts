export { layer } from './layer.js';
export { data, dataType, type DataArgs, type DataType } from './layers/data.js';
export { fc, type FcArgs } from './layers/fc.js';
export { selectiveFc, type SelectiveFcArgs } from './layers/selectiveFc.js';
export { trans } from './layers/trans.js';
export { embedding, mixed, mixedLayer, type EmbeddingArgs, type MixedArgs } from './layers/mixed.js';
export { addto, concat, dropout, scaling, seqConcat, type AddtoArgs, type ConcatArgs } from './layers/combine.js';
export {
  expand, firstSeq, lastSeq, pooling, AGG_LEVELS, type AggLevel, type PoolingArgs, type PoolingType, type SeqInstanceArgs,
} from './layers/sequence.js';
export {
  batchNorm, imgCmrnorm, imgConv, imgPool, imageShape, type BatchNormArgs, type ImgCmrnormArgs, type ImgConvArgs, type ImgPoolArgs,
} from './layers/image.js';
export { classificationCost, crossEntropyCost, squareErrorCost } from './layers/cost.js';
export { beamSearch, generatedInput, maxId, type BeamSearchArgs, type GeneratedInput } from './layers/beamSearch.js';
export { recurrentGroup, staticInput, type GroupInput, type RecurrentGroupArgs, type StaticInput } from './layers/recurrentGroup.js';
export { memory, MemoryLayer, type MemoryArgs } from './layers/memory.js';
export { grumemory, gruStep, type GrumemoryArgs, type GruStepArgs } from './layers/gru.js';
export { lstmemory, lstmStep, type LstmemoryArgs, type LstmStepArgs } from './layers/lstm.js';
export { getOutput } from './layers/getOutput.js';
export { repeat, slopeIntercept, type RepeatArgs, type SlopeInterceptArgs } from './layers/math.js';
export { recurrent, type RecurrentArgs } from './layers/recurrent.js';
export {
  contextProjection, dotmulOperator, dotmulProjection, fullMatrixProjection, identityProjection, scalingProjection,
  tableProjection, transFullMatrixProjection, type ContextProjectionArgs, type Operator, type Projection,
} from './projections.js';
export { ACTIVATIONS, activationOf, type Activation } from './activation.js';
export { layerAttr, paramAttr, type BiasAttr, type LayerAttr, type LayerAttrArgs, type ParamAttr, type ParamAttrArgs } from './attrs.js';
export { ConfigError, FormatError, show } from './errors.js';
export { bool, finiteNumber, inRange, integer, knownKeys, nonNegativeInt, oneOf, optionalName, positiveInt } from './check.js';
export { asLayer, asLayers, denseInput, idsInput, sequenceInput } from './inputs.js';
export { LayerOutput, isLayerOutput, type EmitContext, type ImageShape, type LayerSpec, type ValueKind } from './LayerOutput.js';
export { Topology } from './Topology.js';
export { TopologyBuilder, traceTopology, type TraceOptions } from './trace.js';
export {
  TOPOLOGY_FORMAT, TOPOLOGY_VERSION, type ConvConfig, type DataTypeConfig, type EvaluatorConfig, type GeneratorConfig, type ImageConfig,
  type LayerConfig, type LayerInputConfig, type LinkConfig, type MemoryConfig, type NormConfig, type OperatorConfig, type ParameterConfig, type PoolConfig,
  type ProjectionConfig, type SeqLevel, type SubModelConfig, type TopologyConfig,
} from './config.js';
export { formatProtostr, parseProtostr, type ProtoMessage, type ProtoValue } from './paddle/protostr.js';
export { diffAgainstProtostr } from './paddle/diffProtostr.js';
export { diffModelConfigs, ERA_FIELDS, type DiffLabels } from './paddle/diffModelConfigs.js';
export { exportProtostr, toModelConfig } from './paddle/toModelConfig.js';
export { importProtostr, type ImportOptions, type PaddleImport } from './paddle/importProtostr.js';
export { DATA_TYPE_NAMES, type DataTypeName } from './paddle/inferDataTypes.js';
export { IMPORTED_LAYER_TYPES } from './paddle/replayLayers.js';
export { decodeMessage, decodeParameterConfig, encodeMessage, encodeParameterConfig } from './paddle/protoBinary.js';
export { NameScope, ScopedName, type LayerName } from './NameScope.js';
export { layerCatalog } from './testing/catalog.js';
