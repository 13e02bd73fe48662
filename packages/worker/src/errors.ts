/** A batch that does not fit the network: wrong feature count, ids out of range, bad sequence layout. */
export class DataError extends Error {
  override name = 'DataError';
}

/** A topology the worker cannot run (unknown layer type, unsupported option). */
export class CompileError extends Error {
  override name = 'CompileError';
}

/** Misuse of the worker's API: a bad trainer option, a missing parameter. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
