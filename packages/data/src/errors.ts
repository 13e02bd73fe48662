/**
 * Raised when data is missing, malformed or inconsistent: a missing or corrupt file, readers that are
 * not aligned, a mapper that throws inside a worker.
 *
 * @example
 * try { await toArray(fashionMnist.test({ dir: '/nowhere' })); } catch (e) { if (e instanceof DataError) ... }
 */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Raised at the call site when an argument is invalid, e.g.
 * `batch: batchSize must be a positive integer, got 0`.
 *
 * @example
 * expect(() => batch(reader, 0)).toThrow(ConfigError);
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
