import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { OptionSpec, TrainConfig } from '@oar/worker';
import { UsageError } from './UsageError.js';

/** `maxTokens` ↔ `--max-tokens`. */
export const flagOf = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Imports a config module (TypeScript or JavaScript) and checks its shape. */
export async function loadConfig(path: string): Promise<{ config: TrainConfig; path: string }> {
  const file = resolve(path);
  if (!existsSync(file)) throw new UsageError(`--config: no such file ${path}`);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    throw new UsageError(`--config: cannot load ${path}: ${(err as Error).message}`);
  }
  const config = module.default as TrainConfig | undefined;
  if (!config || typeof config !== 'object' || typeof config.build !== 'function') {
    throw new UsageError(`--config: ${path} must export default defineConfig({ options, build }) (a build function), got ${typeof module.default}`);
  }
  return { config, path: file };
}

/**
 * Parses the flags `oar` did not know itself against the options the config declares. Returns every option
 * (defaults filled in) and the ones the command line gave.
 */
export function parseConfigOptions(config: TrainConfig, path: string, args: string[]): { options: Record<string, unknown>; given: Record<string, unknown> } {
  const specs = (config.options ?? {}) as Record<string, OptionSpec>;
  const flags: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [key, spec] of Object.entries(specs)) flags[flagOf(key)] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args, options: flags, strict: true, allowPositionals: false }) as { values: Record<string, string | boolean | undefined> });
  } catch (err) {
    const known = Object.keys(specs).map((k) => `--${flagOf(k)}`).join(', ') || 'none';
    throw new UsageError(`${(err as Error).message.split('\n')[0]} (${path} declares: ${known})`);
  }
  const options: Record<string, unknown> = {};
  const given: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const raw = values[flagOf(key)];
    if (raw === undefined) {
      options[key] = spec.default;
      continue;
    }
    if (spec.type === 'number') {
      const n = Number(raw);
      if (raw === '' || !Number.isFinite(n)) throw new UsageError(`--${flagOf(key)} must be a number, got ${JSON.stringify(raw)}`);
      given[key] = n;
    } else given[key] = raw;
    options[key] = given[key];
  }
  return { options, given };
}

/** Help text of a config's options. */
export function describeOptions(config: TrainConfig): string {
  const specs = Object.entries((config.options ?? {}) as Record<string, OptionSpec>);
  if (specs.length === 0) return '  (none)';
  return specs.map(([k, s]) => `  --${flagOf(k)} <${s.type}>  ${s.help}${s.default !== undefined ? ` (default ${JSON.stringify(s.default)})` : ''}`).join('\n');
}
