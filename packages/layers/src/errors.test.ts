import { describe, expect, it } from 'vitest';
import { ConfigError, dataType, layer, layerAttr, NameScope, paramAttr, Topology } from './index.js';

const dense = (n = 4, name = 'x') => layer.data({ name, type: dataType.denseVector(n) });
const ids = () => layer.data({ name: 'w', type: dataType.integerValueSequence(10) });
const seq = () => layer.data({ name: 's', type: dataType.denseVectorSequence(4) });

describe('misuse is a ConfigError at the call site that names the argument, the value and what is allowed', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['fc size', () => layer.fc({ input: dense(), size: 12.5 }), /^layer\.fc: size must be a positive integer, got 12\.5$/],
    ['fc act', () => layer.fc({ input: dense(), size: 2, act: 'swish' as never }), /^layer\.fc: act must be one of linear, tanh, .*, got "swish"$/],
    ['fc input', () => layer.fc({ input: 3 as never, size: 2 }), /^layer\.fc: input must be a layer \(the result of a layer function\), got 3$/],
    ['fc ids input', () => layer.fc({ input: ids(), size: 2 }), /^layer\.fc: input\[0\] must carry dense values, got data "w" \(size 10, sequence, integer ids\); integer ids go through layer\.embedding/],
    ['fc unknown option', () => layer.fc({ input: dense(), size: 2, activation: 'tanh' } as never), /^layer\.fc: unknown option 'activation'; allowed options are input, size, act/],
    ['embedding of dense', () => layer.embedding({ input: dense(), size: 3 }), /^layer\.embedding: input must be integer ids \(a data layer of integer type\), got data "x" \(size 4\)$/],
    ['table of dense', () => layer.tableProjection({ input: dense() }), /^layer\.tableProjection: input must be integer ids/],
    ['context of non-sequence', () => layer.contextProjection({ input: dense(), contextLen: 3 }), /^layer\.contextProjection: input must be a sequence, got data "x" \(size 4\)$/],
    ['context length', () => layer.contextProjection({ input: seq(), contextLen: 0 }), /contextLen must be a positive integer, got 0/],
    ['mixed size mismatch', () => layer.mixed({ size: 5, input: layer.identityProjection({ input: dense() }) }), /^layer\.mixed: input\[0\] produces size 4 but the mixed layer has size 5; they must match$/],
    ['mixed without size', () => layer.mixed({ input: layer.fullMatrixProjection({ input: dense() }) }), /^layer\.mixed: size is needed when no projection fixes it/],
    ['mixed of a layer', () => layer.mixed({ size: 3, input: dense() as never }), /^layer\.mixed: input\[0\] must be a projection .*, got layer "data \\"x\\" \(size 4\)"$/],
    ['identity offset', () => layer.identityProjection({ input: dense(), offset: 3, size: 2 }), /offset \+ size must be within the input size 4, got offset 3 and size 2/],
    ['addto sizes', () => layer.addto({ input: [dense(4), dense(5, 'y')] }), /^layer\.addto: all input layers must have the same size; input\[0\] has 4 but input\[1\] is data "y" \(size 5\)$/],
    ['concat of layers and projections', () => layer.concat({ input: [dense(), layer.identityProjection({ input: dense(4, 'y') })] }), /^layer\.concat: input must be all layers or all projections, got a projection \(identity\) at input\[1\] among layers$/],
    ['concat of an unsized projection', () => layer.concat({ input: [layer.fullMatrixProjection({ input: dense() })] }), /^layer\.concat: input\[0\] \(a fc projection\) must fix its own size \(give it size: N\), got none/],
    ['concat of layers with a bias', () => layer.concat({ input: [dense()], biasAttr: true }), /^layer\.concat: biasAttr needs projection inputs \(Paddle's concat2\); a concat of layers has no bias, got true$/],
    ['slopeIntercept slope', () => layer.slopeIntercept({ input: dense(), slope: Number.NaN }), /^layer\.slopeIntercept: slope must be a finite number, got NaN$/],
    ['slopeIntercept intercept', () => layer.slopeIntercept({ input: dense(), intercept: '1' as never }), /^layer\.slopeIntercept: intercept must be a finite number, got "1"$/],
    ['slopeIntercept of ids', () => layer.slopeIntercept({ input: ids() }), /^layer\.slopeIntercept: input must carry dense values, got data "w"/],
    ['repeat count', () => layer.repeat({ input: dense(), numRepeats: 0 }), /^layer\.repeat: numRepeats must be a positive integer, got 0$/],
    ['repeat asRowVector', () => layer.repeat({ input: dense(), numRepeats: 2, asRowVector: 'yes' as never }), /^layer\.repeat: asRowVector must be true or false, got "yes"$/],
    ['trans of a sequence', () => layer.trans({ input: seq() }), /^layer\.trans: input must not be a sequence \(the whole batch is transposed\), got data "s" \(size 4, sequence\)$/],
    ['selectiveFc select size', () => layer.selectiveFc({ input: dense(), size: 3, select: dense(4, 'm') }), /^layer\.selectiveFc: select must have the layer's size \(3\) and its inputs' sequence level, got data "m" \(size 4\)$/],
    ['selectiveFc mulRatio', () => layer.selectiveFc({ input: dense(), size: 3, mulRatio: 2 }), /^layer\.selectiveFc: mulRatio must be in \[0, 1\], got 2$/],
    ['pooling max index of avg', () => layer.pooling({ input: seq(), poolingType: 'avg', outputMaxIndex: true }), /^layer\.pooling: outputMaxIndex needs poolingType 'max' and no biasAttr \(Paddle adds no bias to indices\), got poolingType "avg"$/],
    ['pooling max index with a bias', () => layer.pooling({ input: seq(), outputMaxIndex: true, biasAttr: true }), /^layer\.pooling: outputMaxIndex needs poolingType 'max' and no biasAttr .*, got poolingType "max" with a bias$/],
    ['imgCmrnorm size', () => layer.imgCmrnorm({ input: dense(4), numChannels: 1, size: 0 }), /^layer\.imgCmrnorm: size must be a positive integer, got 0$/],
    ['imgCmrnorm without an image', () => layer.imgCmrnorm({ input: dense(4), size: 3 }), /^layer\.imgCmrnorm: numChannels is needed: the input data "x" \(size 4\) has no image shape/],
    ['imgCmrnorm dropout', () => layer.imgCmrnorm({ input: dense(4), numChannels: 1, size: 1, layerAttr: layerAttr({ dropRate: 0.5 }) }), /^layer\.imgCmrnorm: layerAttr\.dropRate is not supported by this layer/],
    ['lastSeq stride', () => layer.lastSeq({ input: seq(), stride: 0 }), /^layer\.lastSeq: stride must be a positive integer, got 0$/],
    ['firstSeq stride of a nested sequence', () => layer.firstSeq({ input: layer.data({ name: 'n', type: dataType.denseVectorSubSequence(4) }), stride: 2 }), /^layer\.firstSeq: stride needs a plain sequence and aggLevel 'toNoSequence' \(as in Paddle\), got data "n" \(size 4, nested sequence\) with aggLevel 'toNoSequence'$/],
    ['pooling of non-sequence', () => layer.pooling({ input: dense() }), /^layer\.pooling: input must be a sequence, got data "x" \(size 4\)$/],
    ['pooling type', () => layer.pooling({ input: seq(), poolingType: 'median' as never }), /^layer\.pooling: poolingType must be one of 'max', 'avg', 'sum', got "median"$/],
    ['pooling toSequence of a plain sequence', () => layer.pooling({ input: seq(), aggLevel: 'toSequence' }), /aggLevel 'toSequence' reduces each sub-sequence and needs a nested sequence/],
    ['conv channels', () => layer.imgConv({ input: dense(10), filterSize: 3, numFilters: 2, numChannels: 1 }), /^layer\.imgConv: input size 10 is not numChannels \(1\) times a square image/],
    ['conv too big', () => layer.imgConv({ input: dense(16), filterSize: 5, numFilters: 2, numChannels: 1 }), /filter 5x5 with padding 0,0 does not fit the 4x4 input image/],
    ['conv groups', () => layer.imgConv({ input: layer.data({ name: 'i', type: dataType.denseVector(3 * 16), height: 4, width: 4 }), filterSize: 3, numFilters: 4, groups: 2 }), /groups must divide both the input channels \(3\) and numFilters \(4\), got 2/],
    ['classification cost without softmax', () => layer.classificationCost({ input: layer.fc({ input: dense(), size: 3 }), label: layer.data({ name: 'l', type: dataType.integerValue(3) }) }), /input must end in a softmax activation \(probabilities\), got fc_layer \(size 3\) with act 'tanh'$/],
    ['classification cost label range', () => layer.classificationCost({ input: layer.fc({ input: dense(), size: 3, act: 'softmax' }), label: layer.data({ name: 'l', type: dataType.integerValue(4) }) }), /label range \(4\) must equal the input size \(3\)/],
    ['data type', () => layer.data({ name: 'x', type: 784 as never }), /^layer\.data: type must be made by dataType\.\* \(e\.g\. dataType\.denseVector\(784\)\), got 784$/],
    ['data dim', () => dataType.denseVector(-1), /^dataType\.denseVector: dim must be a positive integer, got -1$/],
    ['dropout rate', () => layer.dropout({ input: dense(), dropoutRate: 1 }), /^layer\.dropout: dropoutRate must be in \[0, 1\), got 1$/],
    ['layerAttr drop rate', () => layerAttr({ dropRate: -0.1 }), /^layerAttr: dropRate must be in \[0, 1\), got -0\.1$/],
    ['paramAttr std', () => paramAttr({ initialStd: -1 }), /^paramAttr: initialStd must be >= 0, got -1$/],
    ['paramAttr uniform', () => paramAttr({ initialMin: 1 }), /^paramAttr: initialMin and initialMax go together/],
    ['paramAttr given a plain object', () => layer.fc({ input: dense(), size: 2, paramAttr: { name: 'w' } as never }), /^layer\.fc: paramAttr must be made by paramAttr\(\{\.\.\.\}\), got \{"name":"w"\}$/],
    ['helper scope name', () => new NameScope('simple_gru', 'a b'), /^simple_gru: name must be a non-empty string without spaces or '@', got "a b"$/],
  ];
  it.each(cases)('%s', (_label, call, message) => {
    let error: unknown;
    try {
      call();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it('a shared parameter name with two shapes fails when traced', () => {
    const w = paramAttr({ name: 'shared' });
    const a = layer.fc({ input: dense(4), size: 2, paramAttr: w });
    const b = layer.fc({ input: dense(5, 'y'), size: 2, paramAttr: w });
    expect(() => Topology.fromOutputs([a, b])).toThrow(/shared parameter "shared" has shape \[4,2\] in one layer and \[5,2\] in layer "__fc_layer_1__"/);
  });

  it('two layers with one explicit name fail when traced', () => {
    const x = dense();
    const a = layer.fc({ input: x, size: 2, name: 'h' });
    const b = layer.fc({ input: x, size: 3, name: 'h' });
    expect(() => Topology.fromOutputs([a, b])).toThrow(/layer name "h" is given to two different layers/);
  });
});
