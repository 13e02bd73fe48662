import { datasetFile, type FileOptions, type PublishedFile } from './dataFiles.js';
import { ConfigError, DataError } from './errors.js';
import { pythonRandom } from './pythonRandom.js';
import type { Reader } from './reader.js';
import { readZip } from './readZip.js';
import { checkOptions, show } from './validate.js';

/**
 * One rating, laid out as Paddle's: user id, gender (0 male, 1 female), age bucket (index in
 * `movielens.ageTable`), job id, movie id, category ids, title word ids, and `[rating × 2 − 5]`.
 */
export type MovielensSample = [
  userId: number,
  gender: 0 | 1,
  age: number,
  job: number,
  movieId: number,
  categories: Int32Array,
  title: Int32Array,
  score: Float32Array,
];

/** Options of the movielens readers. */
export interface MovielensOptions extends FileOptions {
  /** Seed of Python's `random.Random` deciding the split, as in Paddle (default 0). */
  seed?: number;
  /** Share of ratings in `test` (default 0.1). */
  testRatio?: number;
}

/** The users, movies and dictionaries of `ml-1m`. */
export interface MovielensMeta {
  users: Map<number, { gender: 0 | 1; age: number; job: number }>;
  movies: Map<number, { categories: string[]; title: string }>;
  /** Lowercased title word → id, words in code-unit order. */
  movieTitleDict: Map<string, number>;
  /** Category → id, in code-unit order. */
  categoriesDict: Map<string, number>;
  maxUserId: number;
  maxMovieId: number;
}

const PUBLISHED: PublishedFile = {
  name: 'ml-1m.zip',
  url: 'https://files.grouplens.org/datasets/movielens/ml-1m.zip',
  md5: 'c4d9eecfca2ab87c1945afe126590906',
};
const AGE_TABLE = [1, 18, 25, 35, 45, 50, 56] as const;

/**
 * MovieLens 1M (1,000,209 ratings of 3,883 movies by 6,040 users) from `ml-1m.zip` (default under
 * `dataHome('movielens')`), as Paddle reads it. The split is Paddle's exactly: a rating is in `test`
 * when the next `random.Random(seed).random()` of CPython is below `testRatio` (the same generator is
 * reproduced here). Unlike Paddle, whose title-word and category ids follow Python's set order (not
 * reproducible), ids here follow code-unit order. The `.dat` files are Latin-1.
 *
 * @paddle paddle.v2.dataset.movielens
 * @example
 * const train = movielens.train({ file: '/data/ml-1m.zip' });
 * const { movieTitleDict, maxUserId } = await movielens.meta({ file: '/data/ml-1m.zip' });
 */
export const movielens = {
  ageTable: AGE_TABLE,
  train: (options?: MovielensOptions): Reader<MovielensSample> => ratingReader('movielens.train', false, options),
  test: (options?: MovielensOptions): Reader<MovielensSample> => ratingReader('movielens.test', true, options),
  /** Users, movies, dictionaries and the largest ids (Paddle's get_movie_title_dict, max_user_id, ...). */
  async meta(options?: FileOptions): Promise<MovielensMeta> {
    const file = datasetFile('movielens.meta', 'movielens', PUBLISHED, checkOptions('movielens.meta', options, ['file', 'md5']));
    return (await load('movielens.meta', await file())).meta;
  },
};

function ratingReader(fn: string, isTest: boolean, options?: MovielensOptions): Reader<MovielensSample> {
  const { seed = 0, testRatio = 0.1, ...fileOptions } = checkOptions(fn, options, ['file', 'md5', 'seed', 'testRatio']);
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new ConfigError(`${fn}: seed must be an integer, got ${show(seed)}`);
  if (typeof testRatio !== 'number' || !(testRatio >= 0 && testRatio <= 1)) {
    throw new ConfigError(`${fn}: testRatio must be a number in [0, 1], got ${show(testRatio)}`);
  }
  const file = datasetFile(fn, 'movielens', PUBLISHED, fileOptions);
  let loading: ReturnType<typeof load> | undefined;
  return async function* () {
    loading ??= file()
      .then((path) => load(fn, path))
      .catch((e: unknown) => {
        loading = undefined;
        throw e;
      });
    const { meta, ratings, path } = await loading;
    const random = pythonRandom(seed);
    const lines = ratings.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '') continue;
      if ((random() < testRatio) !== isTest) continue;
      yield encodeRating(line, meta, `movielens: ${path}: ml-1m/ratings.dat:${i + 1}`);
    }
  };
}

function encodeRating(line: string, meta: MovielensMeta, where: string): MovielensSample {
  const [uid, mid, rating] = line.split('::').map(Number) as [number, number, number];
  const user = meta.users.get(uid);
  const movie = meta.movies.get(mid);
  if (user === undefined || movie === undefined || !Number.isFinite(rating)) {
    throw new DataError(`${where}: ${JSON.stringify(line)} names an unknown user or movie, or has no rating`);
  }
  return [
    uid,
    user.gender,
    user.age,
    user.job,
    mid,
    Int32Array.from(movie.categories, (c) => meta.categoriesDict.get(c)!),
    Int32Array.from(titleWords(movie.title), (w) => meta.movieTitleDict.get(w)!),
    Float32Array.of(rating * 2 - 5),
  ];
}

const titleWords = (title: string) => title.split(/\s+/).filter(Boolean).map((w) => w.toLowerCase());

async function load(fn: string, path: string): Promise<{ meta: MovielensMeta; ratings: string; path: string }> {
  let zip;
  try {
    zip = await readZip(path);
  } catch (e) {
    throw e instanceof DataError ? new DataError(`${fn}: ${e.message}`, { cause: e }) : e;
  }
  const text = (name: string) => {
    try {
      return zip.read(name).toString('latin1');
    } catch (e) {
      throw new DataError(`${fn}: ${(e as Error).message} (is it ml-1m.zip?)`, { cause: e });
    }
  };
  const movies = parseLines(text('ml-1m/movies.dat'), `${path}: ml-1m/movies.dat`, 3, ([id, title, categories], where) => {
    const m = /^(.*)\((\d+)\)$/.exec(title!);
    if (!m) throw new DataError(`${where}: title ${JSON.stringify(title)} does not end with "(year)"`);
    return [Number(id), { title: m[1]!, categories: categories!.split('|') }] as const;
  });
  const users = parseLines(text('ml-1m/users.dat'), `${path}: ml-1m/users.dat`, 5, ([id, gender, age, job], where) => {
    const bucket = AGE_TABLE.indexOf(Number(age) as (typeof AGE_TABLE)[number]);
    if (bucket < 0 || (gender !== 'M' && gender !== 'F')) {
      throw new DataError(`${where}: gender ${JSON.stringify(gender)} / age ${JSON.stringify(age)} not in M, F / ${AGE_TABLE.join(', ')}`);
    }
    return [Number(id), { gender: gender === 'M' ? (0 as const) : (1 as const), age: bucket, job: Number(job) }] as const;
  });
  const sortedIds = (words: Iterable<string>) => new Map([...new Set(words)].sort().map((w, i) => [w, i]));
  const meta: MovielensMeta = {
    users: new Map(users),
    movies: new Map(movies),
    movieTitleDict: sortedIds(movies.flatMap(([, m]) => titleWords(m.title))),
    categoriesDict: sortedIds(movies.flatMap(([, m]) => m.categories)),
    maxUserId: Math.max(...users.map(([id]) => id)),
    maxMovieId: Math.max(...movies.map(([id]) => id)),
  };
  return { meta, ratings: text('ml-1m/ratings.dat'), path };
}

function parseLines<T>(text: string, name: string, fields: number, parse: (f: string[], where: string) => T): T[] {
  const out: T[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const f = line.split('::');
    const where = `movielens: ${name}:${i + 1}`;
    if (f.length !== fields || !/^\d+$/.test(f[0]!)) {
      throw new DataError(`${where}: expected ${fields} fields separated by "::" starting with an id, got ${JSON.stringify(line)}`);
    }
    out.push(parse(f, where));
  });
  return out;
}
