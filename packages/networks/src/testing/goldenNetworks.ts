import { dataType, layer, layerAttr, paramAttr, type LayerOutput } from '@oar/layers';
import { networks } from '../index.js';

/** The sentiment classifier of Paddle's book and demo (convolution_net): two text convolutions, fc softmax, cost. */
export function textClassifier(dictSize = 10000, embDim = 128, hidDim = 128, classDim = 2): LayerOutput {
  const words = layer.data({ name: 'word', type: dataType.integerValueSequence(dictSize) });
  const emb = layer.embedding({ input: words, size: embDim });
  const conv3 = networks.sequenceConvPool({ input: emb, contextLen: 3, hiddenSize: hidDim });
  const conv4 = networks.sequenceConvPool({ input: emb, contextLen: 4, hiddenSize: hidDim });
  const output = layer.fc({ input: [conv3, conv4], size: classDim, act: 'softmax' });
  const label = layer.data({ name: 'label', type: dataType.integerValue(classDim) });
  return layer.classificationCost({ input: output, label });
}

/** LeNet-5 of Paddle's recognize_digits book chapter: two conv-pool groups, fc softmax, cost. */
export function imageClassifier(): LayerOutput {
  const pixel = layer.data({ name: 'pixel', type: dataType.denseVector(28 * 28) });
  const convPool1 = networks.simpleImgConvPool({
    input: pixel, filterSize: 5, numFilters: 20, numChannel: 1, poolSize: 2, poolStride: 2, act: 'relu',
  });
  const convPool2 = networks.simpleImgConvPool({
    input: convPool1, filterSize: 5, numFilters: 50, numChannel: 20, poolSize: 2, poolStride: 2, act: 'relu',
  });
  const predict = layer.fc({ input: convPool2, size: 10, act: 'softmax' });
  const label = layer.data({ name: 'label', type: dataType.integerValue(10) });
  return layer.classificationCost({ input: predict, label });
}

/** Two conv + batch-norm + pool blocks on a CIFAR-size image, then fc softmax and cost. */
export function convBnClassifier(): LayerOutput {
  const image = layer.data({ name: 'image', type: dataType.denseVector(3 * 32 * 32), height: 32, width: 32 });
  const block1 = networks.imgConvBnPool({ input: image, filterSize: 3, numFilters: 32, convPadding: 1, poolSize: 2, poolStride: 2 });
  const block2 = networks.imgConvBnPool({ input: block1, filterSize: 3, numFilters: 64, convPadding: 1, poolSize: 2, poolStride: 2 });
  const predict = layer.fc({ input: block2, size: 10, act: 'softmax' });
  const label = layer.data({ name: 'label', type: dataType.integerValue(10) });
  return layer.classificationCost({ input: predict, label });
}

/** VGG-16 on 3x32x32 images (CIFAR-10), as in Paddle's image_classification chapter, with its cost. */
export function vggCifar10(): LayerOutput {
  const image = layer.data({ name: 'image', type: dataType.denseVector(3 * 32 * 32) });
  const predict = networks.vgg16Network({ inputImage: image, numChannels: 3, numClasses: 10 });
  const label = layer.data({ name: 'label', type: dataType.integerValue(10) });
  return layer.classificationCost({ input: predict, label });
}

/**
 * Every golden network by the name of its file under fixtures/golden: one per helper (defaults, and the
 * options), then the seed's networks.
 */
export function goldenNetworks(): Record<string, () => LayerOutput[]> {
  const words = () => layer.embedding({ input: layer.data({ name: 'word', type: dataType.integerValueSequence(50) }), size: 8 });
  const seq = () => layer.data({ name: 'features', type: dataType.denseVectorSequence(6) });
  const gray = () => layer.data({ name: 'image', type: dataType.denseVector(8 * 8), height: 8, width: 8 });
  const rgb = () => layer.data({ name: 'image', type: dataType.denseVector(3 * 8 * 8) });
  return {
    sequence_conv_pool: () => [networks.sequenceConvPool({ input: words(), contextLen: 3, hiddenSize: 5 })],
    sequence_conv_pool_options: () => [networks.sequenceConvPool({
      input: words(), contextLen: 4, hiddenSize: 5, name: 'conv', poolType: 'sum', contextProjParamAttr: paramAttr({ initialStd: 0.1 }),
      fcLayerName: 'conv_hidden', fcAct: 'relu', fcBiasAttr: false, fcParamAttr: paramAttr({ name: 'conv_w', l2Rate: 0.001 }),
      fcAttr: layerAttr({ dropRate: 0.2 }),
    })],
    text_conv_pool: () => [networks.textConvPool({ input: seq(), contextLen: 2, hiddenSize: 4, poolType: 'avg', contextProjParamAttr: true })],
    simple_img_conv_pool: () => [networks.simpleImgConvPool({ input: gray(), filterSize: 3, numFilters: 4, poolSize: 2, poolStride: 2 })],
    simple_img_conv_pool_options: () => [networks.simpleImgConvPool({
      input: rgb(), numChannel: 3, filterSize: 3, numFilters: 6, groups: 3, convStride: 2, convPadding: 1, act: 'tanh',
      name: 'cp', poolSize: 3, poolType: 'avg', poolPadding: 1, sharedBias: false,
      convLayerAttr: layerAttr({ dropRate: 0.1 }),
    })],
    img_conv_bn_pool: () => [networks.imgConvBnPool({ input: gray(), filterSize: 3, numFilters: 4, poolSize: 2, poolStride: 2 })],
    img_conv_bn_pool_options: () => [networks.imgConvBnPool({
      input: rgb(), numChannel: 3, name: 'block', filterSize: 3, numFilters: 4, convPadding: 1, act: 'tanh', poolSize: 2,
      poolStride: 2, poolType: 'avg', convBiasAttr: false, bnLayerAttr: layerAttr({ dropRate: 0.3 }),
    })],
    img_conv_group: () => [networks.imgConvGroup({ input: rgb(), numChannels: 3, convNumFilter: [4, 4], poolSize: 2, poolStride: 2 })],
    img_conv_group_batchnorm: () => [networks.imgConvGroup({
      input: rgb(), numChannels: 3, convNumFilter: [4, 6, 8], convFilterSize: [3, 3, 1], convPadding: [1, 1, 0],
      convAct: ['relu', 'relu', 'tanh'], convWithBatchnorm: [true, false, true], convBatchnormDropRate: [0.3, 0, 0],
      poolSize: 2, poolStride: 2, poolType: 'avg',
    })],
    dropout_layer: () => [networks.dropoutLayer({
      input: layer.fc({ input: layer.data({ name: 'x', type: dataType.denseVector(6) }), size: 4 }), dropoutRate: 0.5,
    })],
    text_classifier: () => [textClassifier()],
    image_classifier: () => [imageClassifier()],
    conv_bn_classifier: () => [convBnClassifier()],
    vgg16_cifar10: () => [vggCifar10()],
  };
}
