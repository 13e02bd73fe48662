import { bidirectionalGru } from './bidirectionalGru.js';
import { bidirectionalLstm } from './bidirectionalLstm.js';
import { dropoutLayer } from './dropoutLayer.js';
import { gruGroup } from './gruGroup.js';
import { gruUnit } from './gruUnit.js';
import { imgConvBnPool } from './imgConvBnPool.js';
import { imgConvGroup } from './imgConvGroup.js';
import { lstmemoryGroup } from './lstmemoryGroup.js';
import { lstmemoryUnit } from './lstmemoryUnit.js';
import { outputs } from './outputs.js';
import { sequenceConvPool } from './sequenceConvPool.js';
import { simpleAttention } from './simpleAttention.js';
import { simpleGru } from './simpleGru.js';
import { simpleGru2 } from './simpleGru2.js';
import { simpleImgConvPool } from './simpleImgConvPool.js';
import { simpleLstm } from './simpleLstm.js';
import { simpleRnn } from './simpleRnn.js';
import { textConvPool } from './textConvPool.js';
import { vgg16Network } from './vgg16Network.js';

export { bidirectionalGru, type BidirectionalGruArgs } from './bidirectionalGru.js';
export { bidirectionalLstm, type BidirectionalLstmArgs } from './bidirectionalLstm.js';
export { dropoutLayer, type DropoutLayerArgs } from './dropoutLayer.js';
export { gruGroup, type GruGroupArgs } from './gruGroup.js';
export { gruUnit, type GruUnitArgs } from './gruUnit.js';
export { imgConvBnPool, type ImgConvBnPoolArgs } from './imgConvBnPool.js';
export { imgConvGroup, type ImgConvGroupArgs } from './imgConvGroup.js';
export { lstmemoryGroup, type LstmemoryGroupArgs } from './lstmemoryGroup.js';
export { lstmemoryUnit, type LstmemoryUnitArgs } from './lstmemoryUnit.js';
export { outputs } from './outputs.js';
export { sequenceConvPool, type SequenceConvPoolArgs } from './sequenceConvPool.js';
export { simpleAttention, type SimpleAttentionArgs } from './simpleAttention.js';
export { simpleGru, type SimpleGruArgs } from './simpleGru.js';
export { simpleGru2, type SimpleGru2Args } from './simpleGru2.js';
export { simpleImgConvPool, type SimpleImgConvPoolArgs } from './simpleImgConvPool.js';
export { simpleLstm, type SimpleLstmArgs } from './simpleLstm.js';
export { simpleRnn, type SimpleRnnArgs } from './simpleRnn.js';
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
  simpleRnn, lstmemoryUnit, lstmemoryGroup, simpleLstm, bidirectionalLstm, gruUnit, gruGroup, simpleGru, simpleGru2,
  bidirectionalGru, simpleAttention,
} as const;
