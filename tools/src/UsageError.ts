/** A mistake on the command line or in a config module: printed without a stack, exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
