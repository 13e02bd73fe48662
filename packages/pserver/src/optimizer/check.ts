import { ConfigError, show } from '../errors.js';

/** Argument checks for optimizer settings; each throws a ConfigError naming `where: arg`. */
export function positive(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${where}: ${arg} must be a positive number, got ${show(value)}`);
  }
  return value;
}

export function nonNegative(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`${where}: ${arg} must be a non-negative number, got ${show(value)}`);
  }
  return value;
}

/** A number in [0, 1): a momentum, a beta, a decay rho. */
export function unitOpen(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
    throw new ConfigError(`${where}: ${arg} must be in [0, 1), got ${show(value)}`);
  }
  return value;
}

/** Rejects option keys the function does not know, so a typo is an error rather than a silent default. */
export function knownKeys(where: string, args: unknown, allowed: readonly string[]): void {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new ConfigError(`${where}: expected an options object, got ${show(args)}`);
  }
  for (const key of Object.keys(args)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${where}: unknown option '${key}'; allowed options are ${allowed.join(', ')}`);
    }
  }
}
