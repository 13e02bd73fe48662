/** A bad optimizer or server setting, thrown where it is given: names the argument, the value and what is allowed. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Arrays whose lengths or row ids do not fit together (a gradient, a value, an optimizer state). */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** Bytes that cannot be read back: a corrupt or foreign optimizer state or checkpoint. */
export class FormatError extends Error {
  override name = 'FormatError';
}

/** A malformed message on the wire; a server answers it with an error and goes on. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** Formats a value for an error message: short and unambiguous (strings quoted, objects as JSON). */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'function') return 'a function';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
