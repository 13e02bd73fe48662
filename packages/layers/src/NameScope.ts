import { ConfigError, show } from './errors.js';

/**
 * The name of a helper (a network such as `simpleGru`) whose inner layers take names derived from it:
 * `${base}${suffix}`. The base is the helper's explicit name or, when it has none, a Paddle-style default
 * (`__simple_gru_0__`) that the trace assigns, so no counter lives outside a builder.
 * @example
 * const scope = new NameScope('simple_gru', args.name);
 * layer.mixed({ name: scope.sub('_transform'), ... });
 */
export class NameScope {
  readonly prefix: string;
  readonly explicit: string | undefined;

  constructor(prefix: string, explicit?: string) {
    if (explicit !== undefined && (typeof explicit !== 'string' || explicit.length === 0 || /[\s@]/.test(explicit))) {
      throw new ConfigError(`${prefix}: name must be a non-empty string without spaces or '@', got ${show(explicit)}`);
    }
    this.prefix = prefix;
    this.explicit = explicit;
  }

  /** A layer name `${base}${suffix}` (the suffix may be empty: the helper's own output layer). */
  sub(suffix = ''): ScopedName {
    return new ScopedName(this, suffix);
  }
}

export class ScopedName {
  constructor(
    readonly scope: NameScope,
    readonly suffix: string,
  ) {}

  toString(): string {
    return `${this.scope.explicit ?? `__${this.scope.prefix}_?__`}${this.suffix}`;
  }
}

/** A layer's `name` argument: a plain string, or a name derived from a helper's scope. */
export type LayerName = string | ScopedName;
