import { describe, expect, it } from 'vitest';
import type { RemoteUpdater } from './RemoteUpdater.js';
import { countSamples, taskBatches } from './taskBatches.js';

/** The master's side, scripted: the tasks it deals in turn, and what the reader told the updater. */
function scripted(tasks: number[]) {
  const asked: [number, number][] = [];
  const completes: [number, number][] = [];
  const updater = {
    nextTask: async (pass: number, numTasks: number) => (asked.push([pass, numTasks]), tasks.shift() ?? -1),
    completesTask: (task: number, samples: number) => completes.push([task, samples]),
  } as unknown as RemoteUpdater;
  return { updater, asked, completes };
}

async function all(reader: () => Iterable<readonly unknown[]> | AsyncIterable<readonly unknown[]>) {
  const out: unknown[][] = [];
  for await (const b of reader()) out.push([...b]);
  return out;
}

describe('taskBatches', () => {
  it('reads the chunks it is dealt, in batches, and marks the last batch of each task', async () => {
    const { updater, asked, completes } = scripted([2, 0, 3]);
    let opened = 0;
    const passReader = () => () => {
      opened++;
      return Array.from({ length: 11 }, (_, i) => i);
    };
    const reader = taskBatches(updater, { passReader, numSamples: 11, taskSize: 3, batchSize: 2 });
    // Chunk 2 = samples 6..8, chunk 0 (behind the cursor: the pass is read again) = 0..2, chunk 3 = 9, 10 (the short last one).
    expect(await all(reader)).toEqual([[6, 7], [8], [0, 1], [2], [9, 10]]);
    expect(completes).toEqual([[2, 3], [0, 3], [3, 2]]);
    expect(asked).toEqual([[0, 4], [0, 4], [0, 4], [0, 4]]);
    expect(opened).toBe(2);
  });

  it('counts passes from firstPass, one per call', async () => {
    const { updater, asked } = scripted([]);
    const reader = taskBatches(updater, { passReader: () => () => [1, 2, 3], numSamples: 3, taskSize: 2, batchSize: 2, firstPass: 4 });
    await all(reader);
    await all(reader);
    expect(asked.map(([pass]) => pass)).toEqual([4, 5]);
  });

  it('a task past the end of this trainer\'s data is a clear error', async () => {
    const { updater } = scripted([5]);
    const reader = taskBatches(updater, { passReader: () => () => [1, 2, 3], numSamples: 12, taskSize: 2, batchSize: 2 });
    await expect(all(reader)).rejects.toThrow(/task 5 is past the end of this trainer's data \(2 chunks, the master counts 6\); every trainer must read the same training data/);
    expect(() => taskBatches(updater, { passReader: () => () => [], numSamples: 0, taskSize: 2, batchSize: 2 })).toThrow(/numSamples must be a positive integer, got 0/);
    expect(await countSamples(async function* () { yield* [1, 2, 3]; })).toBe(3);
  });
});
