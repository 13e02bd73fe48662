import { ConfigError, show } from './errors.js';
import { ScopedName, type LayerName } from './NameScope.js';

/** Argument checks shared by every layer function; each throws a ConfigError naming `where: arg`. */
export function positiveInt(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${where}: ${arg} must be a positive integer, got ${show(value)}`);
  }
  return value;
}

export function nonNegativeInt(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ConfigError(`${where}: ${arg} must be a non-negative integer, got ${show(value)}`);
  }
  return value;
}

export function integer(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ConfigError(`${where}: ${arg} must be an integer, got ${show(value)}`);
  }
  return value;
}

export function finiteNumber(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(`${where}: ${arg} must be a finite number, got ${show(value)}`);
  }
  return value;
}

export function inRange(where: string, arg: string, value: unknown, lo: number, hi: number, hiOpen = false): number {
  const v = finiteNumber(where, arg, value);
  if (v < lo || (hiOpen ? v >= hi : v > hi)) {
    throw new ConfigError(`${where}: ${arg} must be in [${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${show(value)}`);
  }
  return v;
}

export function oneOf<T extends string>(where: string, arg: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${where}: ${arg} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

export function optionalName(where: string, value: unknown): LayerName | undefined {
  if (value === undefined || value instanceof ScopedName) return value;
  if (typeof value !== 'string' || value.length === 0 || /[\s@]/.test(value)) {
    throw new ConfigError(`${where}: name must be a non-empty string without spaces or '@', got ${show(value)}`);
  }
  return value;
}

export function bool(where: string, arg: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(`${where}: ${arg} must be true or false, got ${show(value)}`);
  return value;
}

/** Rejects option keys the function does not know, so a typo is an error rather than a silent default. */
export function knownKeys(where: string, args: object, allowed: readonly string[]): void {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new ConfigError(`${where}: expected an options object, got ${show(args)}`);
  }
  for (const key of Object.keys(args)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${where}: unknown option '${key}'; allowed options are ${allowed.join(', ')}`);
    }
  }
}
