import { data } from './layers/data.js';
import { fc } from './layers/fc.js';
import { embedding, mixed } from './layers/mixed.js';
import { addto, concat, dropout, scaling, seqConcat } from './layers/combine.js';
import { expand, firstSeq, lastSeq, pooling } from './layers/sequence.js';
import { batchNorm, imgCmrnorm, imgConv, imgPool } from './layers/image.js';
import { classificationCost, crossEntropyCost, squareErrorCost } from './layers/cost.js';
import { getOutput } from './layers/getOutput.js';
import { repeat, slopeIntercept } from './layers/math.js';
import { selectiveFc } from './layers/selectiveFc.js';
import { trans } from './layers/trans.js';
import { grumemory, gruStep } from './layers/gru.js';
import { lstmemory, lstmStep } from './layers/lstm.js';
import { memory } from './layers/memory.js';
import { recurrent } from './layers/recurrent.js';
import { recurrentGroup, staticInput } from './layers/recurrentGroup.js';
import { beamSearch, generatedInput, maxId } from './layers/beamSearch.js';
import {
  contextProjection, dotmulOperator, dotmulProjection, fullMatrixProjection, identityProjection, scalingProjection,
  tableProjection, transFullMatrixProjection,
} from './projections.js';

/**
 * The layer functions, as `paddle.layer.*`: `layer.fc`, `layer.mixed`, `layer.fullMatrixProjection` ...
 * @example
 * const hidden = layer.fc({ input: layer.data({ name: 'x', type: dataType.denseVector(8) }), size: 4 });
 */
export const layer = {
  data, fc, selectiveFc, embedding, mixed, addto, concat, seqConcat, scaling, dropout, slopeIntercept, repeat, trans,
  pooling, firstSeq, lastSeq, expand,
  imgConv, imgPool, imgCmrnorm, batchNorm, classificationCost, crossEntropyCost, squareErrorCost,
  recurrentGroup, staticInput, memory, beamSearch, generatedInput, maxId, gruStep, lstmStep, getOutput, grumemory, lstmemory, recurrent,
  fullMatrixProjection, transFullMatrixProjection, tableProjection, identityProjection, dotmulProjection,
  scalingProjection, contextProjection, dotmulOperator,
} as const;
