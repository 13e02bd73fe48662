import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError } from './errors.js';
import { movielens } from './movielens.js';
import { pythonRandom } from './pythonRandom.js';
import { toArray } from './reader.js';
import { makeZip } from './testing/archives.js';

const dir = mkdtempSync(join(tmpdir(), 'oar-movielens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;
const put = (files: Record<string, string | Uint8Array>) => {
  const file = join(dir, `m${serial++}.zip`);
  writeFileSync(file, makeZip(files));
  return { file, md5: false as const };
};

const movies = [
  '1::Toy Story (1995)::Animation|Children\'s|Comedy',
  '2::Jumanji (1995)::Adventure|Children\'s|Fantasy',
  '5::Misérables, Les (1995)::Drama',
].join('\n');
const users = ['1::F::1::10::48067', '2::M::56::16::70072', '3::M::25::15::55117'].join('\n');
const ratingLines = Array.from({ length: 40 }, (_, i) => `${(i % 3) + 1}::${[1, 2, 5][i % 3]}::${(i % 5) + 1}::978300760`);
const files = {
  'ml-1m/movies.dat': Buffer.from(movies, 'latin1'),
  'ml-1m/users.dat': users,
  'ml-1m/ratings.dat': ratingLines.join('\n') + '\n',
};

describe('movielens (ml-1m.zip, on an archive the test writes)', () => {
  it('builds Paddle-shaped samples with sorted dictionaries', async () => {
    const archive = put(files);
    const meta = await movielens.meta(archive);
    expect([...meta.categoriesDict.keys()]).toEqual(['Adventure', 'Animation', "Children's", 'Comedy', 'Drama', 'Fantasy']);
    expect([...meta.movieTitleDict.keys()]).toEqual(['jumanji', 'les', 'misérables,', 'story', 'toy']);
    expect([meta.maxUserId, meta.maxMovieId]).toEqual([3, 5]);
    const [first] = await toArray(movielens.train({ ...archive, testRatio: 0 }));
    expect(first).toEqual([1, 1, 0, 10, 1, Int32Array.of(1, 2, 3), Int32Array.of(4, 3), Float32Array.of(1 * 2 - 5)]);
  });

  it("splits with CPython's random.Random(seed), as Paddle does", async () => {
    const archive = put(files);
    const train = await toArray(movielens.train(archive));
    const test = await toArray(movielens.test(archive));
    const random = pythonRandom(0);
    const expectedTest = ratingLines.map((_, i) => [i, random() < 0.1] as const).filter(([, t]) => t).map(([i]) => i);
    expect(test.map(([uid, , , , mid, , , score]) => [uid, mid, score[0]])).toEqual(
      expectedTest.map((i) => [(i % 3) + 1, [1, 2, 5][i % 3], ((i % 5) + 1) * 2 - 5]),
    );
    expect(train.length + test.length).toBe(40);
    expect(test.length).toBeGreaterThan(0);
    const other = await toArray(movielens.test({ ...archive, seed: 7 }));
    expect(other.map((s) => s[0])).not.toEqual(test.map((s) => s[0]));
  });

  it('names malformed, truncated and missing files', async () => {
    await expect(toArray(movielens.train(put({ ...files, 'ml-1m/users.dat': '1::X::1::10::1' })))).rejects.toThrow(
      /movielens: .*ml-1m\/users\.dat:1: gender "X" \/ age "1" not in M, F \/ 1, 18, 25, 35, 45, 50, 56/,
    );
    await expect(toArray(movielens.train(put({ ...files, 'ml-1m/movies.dat': '1::No Year::Drama' })))).rejects.toThrow(
      /ml-1m\/movies\.dat:1: title "No Year" does not end with "\(year\)"/,
    );
    await expect(toArray(movielens.train(put({ ...files, 'ml-1m/ratings.dat': '9::1::5::0\n' })))).rejects.toThrow(
      /ml-1m\/ratings\.dat:1: "9::1::5::0" names an unknown user or movie/,
    );
    const { ['ml-1m/ratings.dat']: _, ...noRatings } = files;
    await expect(toArray(movielens.train(put(noRatings)))).rejects.toThrow(/no member "ml-1m\/ratings\.dat" .*\(is it ml-1m\.zip\?\)/);
    const file = join(dir, 'cut.zip');
    writeFileSync(file, makeZip(files).subarray(0, 100));
    await expect(toArray(movielens.train({ file, md5: false }))).rejects.toThrow(DataError);
    await expect(toArray(movielens.train({ file: join(dir, 'none.zip') }))).rejects.toThrow(
      /movielens\.train: missing file .*none\.zip; download https:\/\/files\.grouplens\.org\/datasets\/movielens\/ml-1m\.zip \(md5 c4d9eecfca2ab87c1945afe126590906\)/,
    );
  });

  it('validates options', () => {
    expect(() => movielens.train({ testRatio: 2 })).toThrow(ConfigError);
    expect(() => movielens.train({ testRatio: 2 })).toThrow(/movielens\.train: testRatio must be a number in \[0, 1\], got 2/);
    expect(() => movielens.test({ seed: 0.5 })).toThrow(/movielens\.test: seed must be an integer, got 0\.5/);
  });
});
