// Argument checks shared by the readers (internal: not exported from index.ts).
import { ConfigError } from './errors.js';
import type { Reader } from './reader.js';

/** Renders a bad value for an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `array of length ${value.length}`;
  try {
    const json = JSON.stringify(value);
    return json.length > 60 ? `${json.slice(0, 57)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export function checkPositiveInt(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(`${fn}: ${arg} must be a positive integer, got ${show(value)}`);
  }
  return value;
}

export function checkNonNegativeInt(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(`${fn}: ${arg} must be a non-negative integer, got ${show(value)}`);
  }
  return value;
}

export function checkBoolean(fn: string, arg: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${fn}: ${arg} must be a boolean, got ${show(value)}`);
  return value;
}

export function checkReader<T>(fn: string, arg: string, value: unknown): Reader<T> {
  if (typeof value !== 'function') {
    throw new ConfigError(`${fn}: ${arg} must be a reader (a function returning an iterator), got ${show(value)}`);
  }
  return value as Reader<T>;
}

export function checkOptions(fn: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${fn}: options must be an object, got ${show(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`${fn}: unknown option ${show(key)}, allowed: ${allowed.join(', ')}`);
    }
  }
  return value as Record<string, unknown>;
}
