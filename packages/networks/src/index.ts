import { dropoutLayer } from './dropoutLayer.js';
import { imgConvBnPool } from './imgConvBnPool.js';
import { imgConvGroup } from './imgConvGroup.js';
import { outputs } from './outputs.js';
import { sequenceConvPool } from './sequenceConvPool.js';
import { simpleImgConvPool } from './simpleImgConvPool.js';
import { textConvPool } from './textConvPool.js';
import { vgg16Network } from './vgg16Network.js';

export { dropoutLayer, type DropoutLayerArgs } from './dropoutLayer.js';
export { imgConvBnPool, type ImgConvBnPoolArgs } from './imgConvBnPool.js';
export { imgConvGroup, type ImgConvGroupArgs } from './imgConvGroup.js';
export { outputs } from './outputs.js';
export { sequenceConvPool, type SequenceConvPoolArgs } from './sequenceConvPool.js';
export { simpleImgConvPool, type SimpleImgConvPoolArgs } from './simpleImgConvPool.js';
export { textConvPool } from './textConvPool.js';
export { vgg16Network, type Vgg16NetworkArgs } from './vgg16Network.js';

/**
 * The network helpers, as `paddle.networks.*`: `networks.sequenceConvPool`, `networks.imgConvGroup` ...
 * @paddle paddle.networks (trainer_config_helpers.networks)
 * @example
 * const conv3 = networks.sequenceConvPool({ input: emb, contextLen: 3, hiddenSize: 128 });
 */
export const networks = {
  sequenceConvPool, textConvPool, simpleImgConvPool, imgConvBnPool, imgConvGroup, vgg16Network, dropoutLayer, outputs,
} as const;
