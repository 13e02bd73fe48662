import { ConfigError, show } from './errors.js';

/**
 * The name of a helper (a network such as `simpleGru`) whose inner layers take names derived from it:
 * `${prefix}${base}${suffix}`. The base is the helper's explicit name, a name derived from an enclosing
 * helper's scope (`bidirectionalLstm` names its two `simpleLstm`s `${base}_fw` and `${base}_bw`), or, when it
 * has none, a Paddle-style default (`__simple_gru_0__`) that the trace assigns, so no counter lives outside a
 * builder.
 * @example
 * const scope = new NameScope('simple_gru', args.name);
 * layer.mixed({ name: scope.sub('_transform'), ... });
 */
export class NameScope {
  readonly prefix: string;
  readonly explicit: string | ScopedName | undefined;

  constructor(prefix: string, explicit?: string | ScopedName) {
    if (explicit !== undefined && !(explicit instanceof ScopedName)
      && (typeof explicit !== 'string' || explicit.length === 0 || /[\s@]/.test(explicit))) {
      throw new ConfigError(`${prefix}: name must be a non-empty string without spaces or '@', got ${show(explicit)}`);
    }
    this.prefix = prefix;
    this.explicit = explicit;
  }

  /** A layer name `${prefix}${base}${suffix}` (both may be empty: the helper's own output layer). */
  sub(suffix = '', prefix = ''): ScopedName {
    return new ScopedName(this, suffix, prefix);
  }
}

export class ScopedName {
  constructor(
    readonly scope: NameScope,
    readonly suffix: string,
    readonly prefix = '',
  ) {}

  toString(): string {
    const base = this.scope.explicit ?? `__${this.scope.prefix}_?__`;
    return `${this.prefix}${String(base)}${this.suffix}`;
  }

  /** The final name when no default name is involved (an explicit base all the way up), else undefined. */
  get fixed(): string | undefined {
    const base = this.scope.explicit;
    if (base === undefined) return undefined;
    const inner = typeof base === 'string' ? base : base.fixed;
    return inner === undefined ? undefined : `${this.prefix}${inner}${this.suffix}`;
  }
}

/** A layer's `name` argument: a plain string, or a name derived from a helper's scope. */
export type LayerName = string | ScopedName;

/** Whether two layer names will resolve to the same final name (used to match a memory with its layer). */
export function sameLayerName(a: LayerName | undefined, b: LayerName | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const fa = typeof a === 'string' ? a : a.fixed;
  const fb = typeof b === 'string' ? b : b.fixed;
  if (fa !== undefined || fb !== undefined) return fa === fb;
  const sa = a as ScopedName;
  const sb = b as ScopedName;
  return sa.prefix === sb.prefix && sa.suffix === sb.suffix && sameBase(sa.scope, sb.scope);
}

function sameBase(a: NameScope, b: NameScope): boolean {
  if (a === b) return true;
  return a.explicit instanceof ScopedName && b.explicit instanceof ScopedName && sameLayerName(a.explicit, b.explicit);
}

/** Text of a layer name for messages. */
export function nameText(name: LayerName): string {
  return typeof name === 'string' ? name : String(name);
}
