// SpamAssassin spam/ham with a bidirectional LSTM over word embeddings (Paddle's understand_sentiment
// "stacked/bidirectional LSTM" style): embedding → bidirectionalLstm (both directions as sequences) →
// max pooling over time → softmax. Messages are long (mean ~500 body tokens, max ~25,000): each is cut to
// --max-tokens tokens (default 200), subject first.
import { layer, paramAttr } from '@oar/layers';
import { networks } from '@oar/networks';
import { defineConfig } from '@oar/worker';
import { SPAM_DATA_OPTIONS, spamData } from '../spam/spamData.js';

export default defineConfig({
  description: 'spam/ham on SpamAssassin: embedding → bidirectionalLstm → max pooling → softmax',
  options: {
    ...SPAM_DATA_OPTIONS,
    embSize: { type: 'number', default: 64, help: 'word embedding size' },
    hiddenSize: { type: 'number', default: 64, help: 'LSTM units per direction' },
    learningRate: { type: 'number', default: 2e-3, help: 'Adam learning rate' },
  },
  async build(o, ctx) {
    const { words, label, setup } = await spamData(o, ctx);
    const emb = layer.embedding({ input: words, size: o.embSize as number, paramAttr: paramAttr({ sparseUpdate: true }) });
    const both = networks.bidirectionalLstm({ input: emb, size: o.hiddenSize as number, returnSeq: true });
    const pooled = layer.pooling({ input: both, poolingType: 'max' });
    const output = layer.fc({ input: pooled, size: 2, act: 'softmax' });
    const cost = layer.classificationCost({ input: output, label });
    return {
      ...setup, cost, output, batchSize: 32,
      optimizer: { type: 'adam', learningRate: o.learningRate as number, gradientClipping: 5 },
    };
  },
});
