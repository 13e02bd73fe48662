import { ACTIVATIONS, asLayer, ConfigError, positiveInt, show, type Activation, type LayerOutput } from '@oar/layers';

/**
 * Argument checks of the network helpers. Every helper checks its own arguments, under its own argument
 * names, before it calls a layer function, so a message names what the user wrote (`networks.x: convStride ...`).
 */

// The generic checks are @oar/layers' own (the same messages), re-exported so a helper imports from one place.
export { integer, knownKeys, nonNegativeInt, oneOf, positiveInt, show } from '@oar/layers';

/** A layer argument: `where: arg must be a layer (the result of a layer function), got ...`. */
export const layerArg = asLayer;

/** A layer of dense values (integer ids must go through an embedding first). */
export function denseLayerArg(where: string, arg: string, value: unknown): LayerOutput {
  const layer = layerArg(where, arg, value);
  if (layer.valueKind === 'ids') {
    throw new ConfigError(`${where}: ${arg} must carry dense values, got ${layer.describe()}; integer ids go through layer.embedding first`);
  }
  return layer;
}

/** A rate in [0, 1). */
export function rate(where: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
    throw new ConfigError(`${where}: ${arg} must be a number in [0, 1), got ${show(value)}`);
  }
  return value;
}

export function bool(where: string, arg: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${where}: ${arg} must be true or false, got ${show(value)}`);
  return value;
}

export function activation(where: string, arg: string, value: unknown): Activation {
  if (typeof value !== 'string' || !Object.hasOwn(ACTIVATIONS, value)) {
    throw new ConfigError(`${where}: ${arg} must be one of ${Object.keys(ACTIVATIONS).join(', ')}, got ${show(value)}`);
  }
  return value as Activation;
}

/** A layer name given by the user: non-empty, without spaces or '@' (Paddle's reserved separator). */
export function layerName(where: string, arg: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || /[\s@]/.test(value)) {
    throw new ConfigError(`${where}: ${arg} must be a non-empty string without spaces or '@', got ${show(value)}`);
  }
  return value;
}

function madeBy(value: unknown, kind: string): boolean {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === kind;
}

export function paramAttrArg(where: string, arg: string, value: unknown): void {
  if (value !== undefined && !madeBy(value, 'paramAttr')) {
    throw new ConfigError(`${where}: ${arg} must be made by paramAttr({...}), got ${show(value)}`);
  }
}

/** A bias: false (none), true or undefined (the default bias), or a paramAttr. */
export function biasAttrArg(where: string, arg: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean' && !madeBy(value, 'paramAttr')) {
    throw new ConfigError(`${where}: ${arg} must be false, true or made by paramAttr({...}), got ${show(value)}`);
  }
}

export function layerAttrArg(where: string, arg: string, value: unknown): void {
  if (value !== undefined && !madeBy(value, 'layerAttr')) {
    throw new ConfigError(`${where}: ${arg} must be made by layerAttr({...}), got ${show(value)}`);
  }
}

/**
 * The input of an image helper: dense, with an image shape known upstream or given by `numChannels`
 * (then the input must hold a square image), consistent with each other.
 */
export function imageInput(where: string, arg: string, value: unknown, channelsArg: string, channels: unknown): LayerOutput {
  const input = denseLayerArg(where, arg, value);
  if (channels !== undefined) positiveInt(where, channelsArg, channels);
  if (input.image) {
    if (channels !== undefined && channels !== input.image.channels) {
      throw new ConfigError(`${where}: ${channelsArg} ${show(channels)} contradicts the ${input.image.channels} channels of ${arg} ${input.describe()}`);
    }
    return input;
  }
  if (channels === undefined) {
    throw new ConfigError(`${where}: ${channelsArg} is needed: ${arg} ${input.describe()} has no image shape (or give its data layer height and width)`);
  }
  const c = channels as number;
  const side = Math.round(Math.sqrt(input.size / c));
  if (side * side * c !== input.size) {
    throw new ConfigError(`${where}: ${arg} size ${input.size} is not ${channelsArg} (${c}) times a square image; give its data layer height and width`);
  }
  return input;
}

/**
 * Runs a layer function for a helper; a ConfigError it throws (a geometry that does not fit, say) is
 * re-raised under the helper's name with the inner layer's role: `networks.x (conv): filter 5x5 ... does not fit`.
 */
export function inner<T>(where: string, role: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new ConfigError(`${where} (${role}): ${err.message.replace(/^[\w.]+: /, '')}`, { cause: err });
    }
    throw err;
  }
}

/** One value for every layer of a group, or a list with one value per layer (Paddle's img_conv_group rule). */
export function perLayer<T>(where: string, arg: string, value: T | readonly T[], count: number, check: (v: unknown, arg: string) => T): T[] {
  if (!Array.isArray(value)) {
    const one = check(value, arg);
    return Array.from({ length: count }, () => one);
  }
  if (value.length !== count) {
    throw new ConfigError(`${where}: ${arg} must be one value or a list of ${count} (one per conv layer), got a list of ${value.length}`);
  }
  return value.map((v, i) => check(v, `${arg}[${i}]`));
}
