import { layerAttr, paramAttr } from '../attrs.js';
import { dataType } from '../layers/data.js';
import { layer } from '../layer.js';
import type { LayerOutput } from '../LayerOutput.js';

/**
 * One small network per layer and projection of the DSL, named after what it exercises. Tests use it to check
 * the saved-format round trip of every layer (and the worker's gradient checks can use the same list).
 */
export function layerCatalog(): Record<string, () => LayerOutput[]> {
  const dense = (n = 6) => layer.data({ name: 'x', type: dataType.denseVector(n) });
  const seq = (n = 4) => layer.data({ name: 's', type: dataType.denseVectorSequence(n) });
  const nested = (n = 4) => layer.data({ name: 'n', type: dataType.denseVectorSubSequence(n) });
  const ids = () => layer.data({ name: 'w', type: dataType.integerValueSequence(20) });
  const image = () => layer.data({ name: 'img', type: dataType.denseVector(2 * 6 * 6), height: 6, width: 6 });
  return {
    fc: () => [layer.fc({ input: dense(), size: 3, act: 'sigmoid' })],
    fcTwoInputs: () => [layer.fc({ input: [dense(), layer.data({ name: 'y', type: dataType.denseVector(2) })], size: 3, biasAttr: false })],
    fcDropout: () => [layer.fc({ input: dense(), size: 3, layerAttr: layerAttr({ dropRate: 0.5 }) })],
    embedding: () => [layer.embedding({ input: ids(), size: 5, paramAttr: paramAttr({ sparseUpdate: true }) })],
    fullMatrixProjection: () => [layer.mixed({ size: 3, input: layer.fullMatrixProjection({ input: dense() }), biasAttr: true })],
    transFullMatrixProjection: () => [layer.mixed({ size: 3, input: layer.transFullMatrixProjection({ input: dense() }) })],
    tableProjection: () => [layer.mixed({ size: 3, input: layer.tableProjection({ input: ids() }) })],
    identityProjection: () => [layer.mixed({ input: layer.identityProjection({ input: dense() }), act: 'tanh' })],
    identityOffsetProjection: () => [layer.mixed({ input: layer.identityProjection({ input: dense(), offset: 2, size: 3 }) })],
    dotmulProjection: () => [layer.mixed({ input: layer.dotmulProjection({ input: dense() }) })],
    scalingProjection: () => [layer.mixed({ input: layer.scalingProjection({ input: dense() }) })],
    contextProjectionZeroPadding: () => [layer.mixed({ input: layer.contextProjection({ input: seq(), contextLen: 3 }) })],
    contextProjectionTrainablePadding: () => [
      layer.mixed({ input: layer.contextProjection({ input: seq(), contextLen: 4, contextStart: -2, paddingAttr: paramAttr() }) }),
    ],
    dotmulOperator: () => {
      const x = dense();
      const y = layer.fc({ input: x, size: 6 });
      return [layer.mixed({ input: [layer.dotmulOperator({ a: x, b: y, scale: 2 }), layer.fullMatrixProjection({ input: x })] })];
    },
    addto: () => [layer.addto({ input: [dense(), layer.data({ name: 'y', type: dataType.denseVector(6) })], act: 'relu', biasAttr: true })],
    concat: () => [layer.concat({ input: [dense(), layer.data({ name: 'y', type: dataType.denseVector(2) })] })],
    seqConcat: () => [layer.seqConcat({ a: seq(), b: layer.data({ name: 't', type: dataType.denseVectorSequence(4) }) })],
    scaling: () => [layer.scaling({ input: dense(), weight: layer.data({ name: 'g', type: dataType.denseVector(1) }) })],
    dropout: () => [layer.dropout({ input: dense(), dropoutRate: 0.3 })],
    poolingMax: () => [layer.pooling({ input: seq(), poolingType: 'max' })],
    poolingAvg: () => [layer.pooling({ input: seq(), poolingType: 'avg' })],
    poolingSumPerSubSequence: () => [layer.pooling({ input: nested(), poolingType: 'sum', aggLevel: 'toSequence' })],
    firstSeq: () => [layer.firstSeq({ input: seq() })],
    lastSeqPerSubSequence: () => [layer.lastSeq({ input: nested(), aggLevel: 'toSequence' })],
    expand: () => [layer.expand({ input: dense(4), expandAs: seq() })],
    expandFromSequence: () => [layer.expand({ input: layer.data({ name: 's', type: dataType.denseVectorSequence(4) }), expandAs: layer.data({ name: 'n', type: dataType.denseVectorSubSequence(3) }), expandLevel: 'fromSequence' })],
    imgConv: () => [layer.imgConv({ input: image(), filterSize: 3, numFilters: 4, padding: 1, stride: 2 })],
    imgConvGroups: () => [layer.imgConv({ input: image(), filterSize: 3, numFilters: 4, groups: 2, act: 'tanh' })],
    imgPoolMax: () => [layer.imgPool({ input: image(), poolSize: 3, stride: 2 })],
    imgPoolAvg: () => [layer.imgPool({ input: image(), poolSize: 2, stride: 2, poolType: 'avg', padding: 1 })],
    batchNormImage: () => [layer.batchNorm({ input: image() })],
    batchNormDense: () => [layer.batchNorm({ input: dense(), act: 'linear', movingAverageFraction: 0.5 })],
    classificationCost: () => [
      layer.classificationCost({ input: layer.fc({ input: dense(), size: 3, act: 'softmax' }), label: layer.data({ name: 'label', type: dataType.integerValue(3) }) }),
    ],
    crossEntropyCost: () => [
      layer.crossEntropyCost({ input: layer.fc({ input: dense(), size: 3, act: 'softmax' }), label: layer.data({ name: 'label', type: dataType.integerValue(3) }), coeff: 0.5 }),
    ],
    squareErrorCost: () => [layer.squareErrorCost({ input: layer.fc({ input: dense(), size: 2 }), label: layer.data({ name: 'target', type: dataType.denseVector(2) }) })],
    sequenceSoftmax: () => [layer.fc({ input: seq(), size: 1, act: 'sequenceSoftmax' })],
  };
}
