import { layerAttr, paramAttr } from '../attrs.js';
import { dataType } from '../layers/data.js';
import { layer } from '../layer.js';
import type { LayerOutput } from '../LayerOutput.js';
import { staticInput } from '../layers/recurrentGroup.js';

/** A step `fc([x, memory of itself])`: the tutorial's simple RNN. */
const rnnStep = (size: number, name = 'rnn') => (x: LayerOutput) =>
  layer.fc({ input: [x, layer.memory({ name, size })], size, name });

/**
 * One small network per layer and projection of the DSL, named after what it exercises. Tests use it to check
 * the saved-format round trip of every layer (and the worker's gradient checks can use the same list).
 */
export function layerCatalog(): Record<string, () => LayerOutput[]> {
  return { ...plainCatalog(), ...recurrentCatalog() };
}

function plainCatalog(): Record<string, () => LayerOutput[]> {
  const dense = (n = 6) => layer.data({ name: 'x', type: dataType.denseVector(n) });
  const seq = (n = 4) => layer.data({ name: 's', type: dataType.denseVectorSequence(n) });
  const nested = (n = 4) => layer.data({ name: 'n', type: dataType.denseVectorSubSequence(n) });
  const ids = () => layer.data({ name: 'w', type: dataType.integerValueSequence(20) });
  const image = () => layer.data({ name: 'img', type: dataType.denseVector(2 * 6 * 6), height: 6, width: 6 });
  return {
    fc: () => [layer.fc({ input: dense(), size: 3, act: 'sigmoid' })],
    fcTwoInputs: () => [layer.fc({ input: [dense(), layer.data({ name: 'y', type: dataType.denseVector(2) })], size: 3, biasAttr: false })],
    fcDropout: () => [layer.fc({ input: dense(), size: 3, layerAttr: layerAttr({ dropRate: 0.5 }) })],
    selectiveFc: () => [layer.selectiveFc({ input: dense(), size: 3, select: layer.data({ name: 'm', type: dataType.denseVector(3) }), act: 'sigmoid' })],
    selectiveFcTwoInputsAllColumns: () => [layer.selectiveFc({ input: [dense(), layer.data({ name: 'y', type: dataType.denseVector(2) })], size: 3, biasAttr: false, mulRatio: 0.5 })],
    // The batch transposed: the gradient checks feed 3 samples.
    trans: () => [layer.fc({ input: layer.trans({ input: dense(3) }), size: 2 })],
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
    concatProjections: () => [layer.concat({
      input: [layer.identityProjection({ input: dense() }), layer.fullMatrixProjection({ input: layer.data({ name: 'y', type: dataType.denseVector(2) }), size: 3 })],
      act: 'tanh', biasAttr: true,
    })],
    seqConcat: () => [layer.seqConcat({ a: seq(), b: layer.data({ name: 't', type: dataType.denseVectorSequence(4) }) })],
    scaling: () => [layer.scaling({ input: dense(), weight: layer.data({ name: 'g', type: dataType.denseVector(1) }) })],
    slopeIntercept: () => [layer.slopeIntercept({ input: dense(), slope: -2, intercept: 0.5 })],
    repeat: () => [layer.repeat({ input: dense(3), numRepeats: 2 })],
    repeatAsColumn: () => [layer.repeat({ input: dense(3), numRepeats: 3, asRowVector: false, act: 'tanh' })],
    dropout: () => [layer.dropout({ input: dense(), dropoutRate: 0.3 })],
    poolingMax: () => [layer.pooling({ input: seq(), poolingType: 'max' })],
    poolingAvg: () => [layer.pooling({ input: seq(), poolingType: 'avg' })],
    poolingSumPerSubSequence: () => [layer.pooling({ input: nested(), poolingType: 'sum', aggLevel: 'toSequence' })],
    poolingMaxIndexPerSubSequence: () => [layer.pooling({ input: nested(), poolingType: 'max', aggLevel: 'toSequence', outputMaxIndex: true })],
    firstSeq: () => [layer.firstSeq({ input: seq() })],
    firstSeqStride: () => [layer.firstSeq({ input: seq(), stride: 2 })],
    lastSeqStride: () => [layer.lastSeq({ input: seq(), stride: 3 })],
    lastSeqPerSubSequence: () => [layer.lastSeq({ input: nested(), aggLevel: 'toSequence' })],
    expand: () => [layer.expand({ input: dense(4), expandAs: seq() })],
    expandFromSequence: () => [layer.expand({ input: layer.data({ name: 's', type: dataType.denseVectorSequence(4) }), expandAs: layer.data({ name: 'n', type: dataType.denseVectorSubSequence(3) }), expandLevel: 'fromSequence' })],
    imgConv: () => [layer.imgConv({ input: image(), filterSize: 3, numFilters: 4, padding: 1, stride: 2 })],
    imgConvGroups: () => [layer.imgConv({ input: image(), filterSize: 3, numFilters: 4, groups: 2, act: 'tanh' })],
    imgPoolMax: () => [layer.imgPool({ input: image(), poolSize: 3, stride: 2 })],
    imgPoolAvg: () => [layer.imgPool({ input: image(), poolSize: 2, stride: 2, poolType: 'avg', padding: 1 })],
    imgCmrnorm: () => [layer.imgCmrnorm({ input: image(), size: 3, scale: 0.5, power: 0.75 })],
    imgCmrnormEvenSize: () => [layer.imgCmrnorm({ input: layer.imgConv({ input: image(), filterSize: 3, numFilters: 5, act: 'tanh' }), size: 4, scale: 0.3 })],
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
    poolingWithBias: () => [layer.pooling({ input: seq(), poolingType: 'avg', biasAttr: true })],
  };
}

/** Recurrent groups (plain, reversed, static inputs, nested, several memories, booted memories) and RNN layers. */
function recurrentCatalog(): Record<string, () => LayerOutput[]> {
  const dense = (n: number, name = 'x') => layer.data({ name, type: dataType.denseVector(n) });
  const seq = (n = 4, name = 's') => layer.data({ name, type: dataType.denseVectorSequence(n) });
  const projected = (n: number) => layer.mixed({ size: n, input: layer.fullMatrixProjection({ input: seq() }) });
  return {
    recurrentGroup: () => [layer.recurrentGroup({ input: seq(), step: rnnStep(3) })],
    recurrentGroupReversed: () => [layer.recurrentGroup({ input: seq(), reverse: true, step: rnnStep(3) })],
    recurrentGroupStaticInputs: () => [layer.recurrentGroup({
      input: [seq(), staticInput(seq(3, 't'), { isSeq: true }), staticInput(dense(2))],
      step: (x, encoded, global) => {
        const h = layer.memory({ name: 'rnn', size: 3 });
        const context = layer.pooling({ input: layer.scaling({ input: encoded, weight: layer.fc({ input: [encoded, layer.expand({ input: h, expandAs: encoded })], size: 1, act: 'sequenceSoftmax', biasAttr: false }) }), poolingType: 'sum' });
        return layer.fc({ input: [x, context, global, h], size: 3, name: 'rnn' });
      },
    })],
    recurrentGroupNested: () => [layer.recurrentGroup({
      input: layer.data({ name: 'n', type: dataType.denseVectorSubSequence(4) }),
      step: (sentence) => rnnStep(3)(layer.pooling({ input: sentence, poolingType: 'avg' })),
    })],
    recurrentGroupMemories: () => layer.recurrentGroup({
      input: seq(),
      step: (x) => {
        const previousB = layer.memory({ name: 'b', size: 2 });
        const a = layer.fc({ input: [x, layer.memory({ name: 'a', size: 3 }), previousB], size: 3, name: 'a' });
        return [a, layer.fc({ input: [a, previousB], size: 2, act: 'sigmoid', name: 'b' })];
      },
    }),
    recurrentGroupBootedMemories: () => [layer.recurrentGroup({
      input: seq(),
      step: (x) => {
        const h = layer.fc({ input: [x, layer.memory({ name: 'h', size: 3, bootLayer: layer.fc({ input: dense(2), size: 3 }) })], size: 3, name: 'h' });
        const g = layer.mixed({ name: 'g', size: 2, act: 'tanh', input: [layer.fullMatrixProjection({ input: h }), layer.fullMatrixProjection({ input: layer.memory({ name: 'g', size: 2, bootBias: true, bootBiasActiveType: 'tanh' }) })] });
        return layer.concat({ input: [h, g] });
      },
    })],
    memorySetInput: () => [layer.recurrentGroup({
      input: seq(),
      step: (x) => {
        const previous = layer.memory({ size: 3 });
        const h = layer.fc({ input: [x, previous], size: 3 });
        previous.setInput(h);
        return h;
      },
    })],
    gruStep: () => [layer.recurrentGroup({
      input: projected(9),
      step: (x) => layer.gruStep({ name: 'gru', input: x, outputMem: layer.memory({ name: 'gru', size: 3 }) }),
    })],
    lstmStep: () => [layer.recurrentGroup({
      input: seq(),
      step: (x) => {
        const gates = layer.mixed({ size: 12, biasAttr: true, input: [layer.fullMatrixProjection({ input: x }), layer.fullMatrixProjection({ input: layer.memory({ name: 'lstm', size: 3 }) })] });
        const h = layer.lstmStep({ name: 'lstm', input: gates, state: layer.memory({ name: 'lstm_state', size: 3 }) });
        layer.getOutput({ name: 'lstm_state', input: h, argName: 'state' });
        return h;
      },
    })],
    grumemory: () => [layer.grumemory({ input: projected(9) })],
    grumemoryReversed: () => [layer.grumemory({ input: projected(6), reverse: true, act: 'sigmoid', gateAct: 'tanh' })],
    lstmemory: () => [layer.lstmemory({ input: projected(12) })],
    lstmemoryReversed: () => [layer.lstmemory({ input: projected(8), reverse: true, stateAct: 'sigmoid' })],
    recurrentLayer: () => [layer.recurrent({ input: seq() })],
    recurrentLayerReversed: () => [layer.recurrent({ input: seq(), reverse: true, act: 'sigmoid', biasAttr: false })],
  };
}
