import { readFile } from 'node:fs/promises';
import { datasetFile, type FileOptions, type PublishedFile } from './dataFiles.js';
import { DataError } from './errors.js';
import type { Reader } from './reader.js';
import { checkOptions } from './validate.js';

/** 13 normalized features and the median value (in $1000s) to predict. */
export type HousingSample = [features: Float32Array, price: Float32Array];

/** Options of the UCI housing readers: `housing.data` (default under `dataHome('uci_housing')`) and its MD5. */
export type UciHousingOptions = FileOptions;

const PUBLISHED: PublishedFile = {
  name: 'housing.data',
  url: 'https://archive.ics.uci.edu/ml/machine-learning-databases/housing/housing.data',
  md5: 'd4accdce7a25600298819f8e28e8d593',
};
const COLUMNS = 14;
const TRAIN_RATIO = 0.8;

/**
 * The Boston housing data (506 rows of 13 features and a price) from the UCI file `housing.data`,
 * prepared as Paddle does: each feature becomes `(x - mean) / (max - min)` over all rows (a constant
 * feature becomes 0 rather than NaN), the first `floor(0.8 × rows)` rows are `train`, the rest `test`.
 *
 * @paddle paddle.v2.dataset.uci_housing
 * @example
 * const train = uciHousing.train(); // [Float32Array(13), Float32Array([price])]
 */
export const uciHousing = {
  featureNames: ['CRIM', 'ZN', 'INDUS', 'CHAS', 'NOX', 'RM', 'AGE', 'DIS', 'RAD', 'TAX', 'PTRATIO', 'B', 'LSTAT'] as const,
  /** The first 80% of the rows. */
  train: (options?: UciHousingOptions): Reader<HousingSample> => housingReader('uciHousing.train', 'train', options),
  /** The last 20%. */
  test: (options?: UciHousingOptions): Reader<HousingSample> => housingReader('uciHousing.test', 'test', options),
  /** Parses and normalizes the text of `housing.data` (`name` is used in errors): rows of 14 numbers. */
  parse(text: string, name = 'housing.data'): number[][] {
    const values = text.split(/\s+/).filter(Boolean);
    const bad = values.findIndex((v) => !Number.isFinite(Number(v)));
    if (bad >= 0) throw new DataError(`uciHousing: ${name}: value ${bad} is ${JSON.stringify(values[bad])}, not a number`);
    if (values.length === 0 || values.length % COLUMNS !== 0) {
      throw new DataError(`uciHousing: ${name}: ${values.length} numbers is not a whole number of rows of ${COLUMNS} (truncated?)`);
    }
    const rows = Array.from({ length: values.length / COLUMNS }, (_, r) => values.slice(r * COLUMNS, (r + 1) * COLUMNS).map(Number));
    for (let c = 0; c < COLUMNS - 1; c++) {
      const column = rows.map((row) => row[c]!);
      const [max, min] = [Math.max(...column), Math.min(...column)];
      const mean = column.reduce((a, b) => a + b, 0) / rows.length;
      for (const row of rows) row[c] = max === min ? 0 : (row[c]! - mean) / (max - min);
    }
    return rows;
  },
};

function housingReader(fn: string, split: 'train' | 'test', options?: UciHousingOptions): Reader<HousingSample> {
  const file = datasetFile(fn, 'uci_housing', PUBLISHED, checkOptions(fn, options, ['file', 'md5']));
  let loading: Promise<number[][]> | undefined;
  return async function* () {
    loading ??= file()
      .then(async (path) => uciHousing.parse(await readFile(path, 'latin1'), path))
      .catch((e: unknown) => {
        loading = undefined;
        throw e;
      });
    const rows = await loading;
    const offset = Math.floor(rows.length * TRAIN_RATIO);
    for (const row of split === 'train' ? rows.slice(0, offset) : rows.slice(offset)) {
      yield [Float32Array.from(row.slice(0, COLUMNS - 1)), Float32Array.of(row[COLUMNS - 1]!)];
    }
  };
}
