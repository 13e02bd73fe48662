import { describe, expect, it } from 'vitest';
import { TaskMaster, type TaskAnswer } from './TaskMaster.js';

const none = () => false;

/** Trainers taking tasks in turn and completing each before asking again, until the pass is over. */
function drain(master: TaskMaster, trainers: number[], pass: number, numTasks: number, dropped: (t: number) => boolean = none) {
  const got = new Map<number, number[]>(trainers.map((t) => [t, []]));
  for (let round = 0; round < 1000; round++) {
    const answers = trainers.map((t) => [t, master.request(t, pass, numTasks, dropped)] as [number, TaskAnswer]);
    for (const [t, a] of answers) {
      if (typeof a !== 'number') continue;
      got.get(t)!.push(a);
      expect(master.complete(t, pass, a)).toBe('done');
    }
    if (answers.every(([, a]) => a === 'over')) return got;
  }
  throw new Error('the pass did not end');
}

describe('TaskMaster', () => {
  it('deals each trainer its own chunks (k mod M), lowest first: with nobody lost, the shards of @oar/data', () => {
    const master = new TaskMaster(3, 'sync');
    const got = drain(master, [0, 1, 2], 0, 11);
    expect(got.get(0)).toEqual([0, 3, 6, 9]);
    expect(got.get(1)).toEqual([1, 4, 7, 10]);
    expect(got.get(2)).toEqual([2, 5, 8]);
    expect(master.passOver).toBe(true);
    expect(master.request(1, 0, 11, none)).toBe('over');
  });

  it('returns the task a trainer holds when it asks again, and waits while others hold the rest', () => {
    const master = new TaskMaster(2, 'sync');
    expect(master.request(0, 0, 3, none)).toBe(0);
    expect(master.request(0, 0, 3, none)).toBe(0);
    expect(master.request(1, 0, 3, none)).toBe(1);
    master.complete(1, 0, 1);
    // Trainer 1's chunks are used up; trainer 0 still holds 0 and will take 2: nothing for trainer 1.
    expect(master.request(1, 0, 3, none)).toBe('wait');
    master.complete(0, 0, 0);
    expect(master.request(0, 0, 3, none)).toBe(2);
    expect(master.request(1, 0, 3, none)).toBe('wait');
    master.complete(0, 0, 2);
    expect(master.request(1, 0, 3, none)).toBe('over');
    // The next pass starts when a trainer asks for it.
    expect(master.request(1, 1, 3, none)).toBe(1);
    expect(master.pass).toBe(1);
  });

  it('deals a dropped trainer\'s task and its remaining chunks to the others: every chunk done once', () => {
    const master = new TaskMaster(3, 'sync');
    expect(master.request(2, 0, 12, none)).toBe(2);
    expect(master.complete(2, 0, 2)).toBe('done');
    expect(master.request(2, 0, 12, none)).toBe(5);
    // Trainer 2 dies holding chunk 5: it is dealt again, as are 8 and 11.
    expect(master.drop(2)).toBe(5);
    const dropped = (t: number) => t === 2;
    const got = drain(master, [0, 1], 0, 12, dropped);
    const all = [2, ...got.get(0)!, ...got.get(1)!].sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(got.get(0)!.slice(0, 4)).toEqual([0, 3, 6, 9]);
    expect(master.doneBy(5)).not.toBe(2);
  });

  it('counts a task once when a trainer that was dropped comes back and completes it too', () => {
    const master = new TaskMaster(2, 'sync');
    expect(master.request(1, 0, 2, none)).toBe(1);
    master.drop(1);
    expect(master.request(0, 0, 2, (t) => t === 1)).toBe(0);
    master.complete(0, 0, 0);
    expect(master.request(0, 0, 2, (t) => t === 1)).toBe(1);
    expect(master.complete(0, 0, 1)).toBe('done');
    expect(master.complete(1, 0, 1)).toBe('already');
    expect(master.doneBy(1)).toBe(0);
  });

  it('async: a trainer out of chunks takes the last chunk of whoever has most left', () => {
    const master = new TaskMaster(2, 'async');
    expect(master.request(0, 0, 8, none)).toBe(0);
    master.complete(0, 0, 0);
    for (const k of [2, 4, 6]) {
      expect(master.request(0, 0, 8, none)).toBe(k);
      master.complete(0, 0, k);
    }
    // Trainer 1 has not started: trainer 0 steals from the end of its chunks.
    expect(master.request(0, 0, 8, none)).toBe(7);
    master.complete(0, 0, 7);
    expect(master.request(1, 0, 8, none)).toBe(1);
    expect(new TaskMaster(2, 'sync').request(0, 0, 1, none)).toBe(0);
  });

  it('refuses trainers that count the pass differently', () => {
    const master = new TaskMaster(2, 'sync');
    master.request(0, 0, 10, none);
    expect(() => master.request(1, 0, 11, none)).toThrow(/trainer 1 counts 11 tasks in pass 0, the master was told 10; every trainer must read the same training data/);
  });

  it('restores from a snapshot; a trainer completing a task dealt after the snapshot gets it counted', () => {
    const master = new TaskMaster(2, 'sync');
    master.request(0, 3, 6, none);
    master.complete(0, 3, 0);
    master.request(0, 3, 6, none); // holds 2
    master.request(1, 3, 6, none); // holds 1
    const saved = JSON.parse(JSON.stringify(master.snapshot()));
    // After the snapshot: trainer 1 completes 1 and takes 3, then the master dies and comes back.
    const back = TaskMaster.restore(2, 'sync', saved);
    expect(back.pass).toBe(3);
    expect(back.held(0)).toBe(2);
    expect(back.complete(1, 3, 3)).toBe('done');
    // It had finished 1 before taking 3.
    expect(back.doneBy(1)).toBe(1);
    expect(back.request(0, 3, 6, none)).toBe(2);
    const got = drain(back, [0, 1], 3, 6);
    expect([...got.get(0)!, ...got.get(1)!].sort()).toEqual([2, 4, 5]);
  });
});
