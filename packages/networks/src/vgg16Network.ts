import { layer, layerAttr, type LayerOutput } from '@oar/layers';
import { imageInput, inner, knownKeys, positiveInt } from './check.js';
import { imgConvGroup } from './imgConvGroup.js';

export interface Vgg16NetworkArgs {
  inputImage: LayerOutput;
  numChannels: number;
  /** Default 1000 (ImageNet). */
  numClasses?: number;
}

/** Filters of the five conv groups of VGG-16 (configuration D of Simonyan and Zisserman). */
const BLOCKS = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];

/**
 * VGG-16: five conv groups (3x3 convolutions with padding 1 and relu, then 2x2 max pooling with stride 2),
 * two fc layers of 4096 with relu and dropout 0.5, and a softmax fc of `numClasses`.
 * @paddle paddle.networks.vgg_16_network (trainer_config_helpers.networks.vgg_16_network)
 * @example
 * const image = layer.data({ name: 'image', type: dataType.denseVector(3 * 32 * 32) });
 * const prediction = networks.vgg16Network({ inputImage: image, numChannels: 3, numClasses: 10 });
 */
export function vgg16Network(args: Vgg16NetworkArgs): LayerOutput {
  const where = 'networks.vgg16Network';
  knownKeys(where, args, ['inputImage', 'numChannels', 'numClasses']);
  const numChannels = positiveInt(where, 'numChannels', args.numChannels);
  const input = imageInput(where, 'inputImage', args.inputImage, 'numChannels', numChannels);
  const numClasses = positiveInt(where, 'numClasses', args.numClasses ?? 1000);
  const features = BLOCKS.reduce<LayerOutput>((tmp, convNumFilter, i) => inner(where, `conv group ${i}`, () => imgConvGroup({
    input: tmp, convNumFilter, convPadding: 1, convFilterSize: 3, convAct: 'relu', poolSize: 2, poolStride: 2, poolType: 'max',
    ...(i === 0 ? { numChannels } : {}),
  })), input);
  const drop = layerAttr({ dropRate: 0.5 });
  const fc1 = layer.fc({ input: features, size: 4096, act: 'relu', layerAttr: drop });
  const fc2 = layer.fc({ input: fc1, size: 4096, act: 'relu', layerAttr: drop });
  return layer.fc({ input: fc2, size: numClasses, act: 'softmax' });
}
