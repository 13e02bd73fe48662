/** Misuse of the layer DSL, thrown at the user's call site: names the argument, the value and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A saved topology that cannot be read: wrong version, missing fields, dangling references. */
export class FormatError extends Error {
  override name = 'FormatError';
}

/** Formats a value for an error message: short, unambiguous (strings quoted, objects as JSON). */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'function') return 'a function';
  if (isLayerLike(value)) return `layer ${JSON.stringify((value as { describe(): string }).describe())}`;
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function isLayerLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'describe' in value && 'size' in value;
}
