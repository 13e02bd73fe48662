import { dataType, layer, Topology } from '@oar/layers';

/**
 * Paddle's `trainer_config_helpers/tests/configs/img_layers.py` in Oar's DSL: a convolution, a batch norm and a
 * cross-map normalisation after it, and a max pooling of the convolution. Paddle made the normalisation before
 * the pooling: it is traced first as an extra layer (Paddle's order), the outputs keep theirs.
 */
export default function imgLayers(): Topology {
  const image = layer.data({ name: 'image', type: dataType.denseVector(256 * 256) });
  const conv = layer.imgConv({ input: image, numChannels: 1, numFilters: 64, filterSize: 32, padding: 1, stride: 1, act: 'linear' });
  const normed = layer.imgCmrnorm({ input: layer.batchNorm({ input: conv, act: 'relu' }), size: 32 });
  const pool = layer.imgPool({ input: conv, poolSize: 32, poolType: 'max' });
  return Topology.fromOutputs([pool, normed], { extraLayers: [normed] });
}
