import { ConfigError, NameScope, ScopedName, type LayerOutput } from '@oar/layers';
import { activation, biasAttrArg, bool, denseLayerArg, knownKeys, layerAttrArg, layerName, paramAttrArg, positiveInt } from './check.js';

/** Which options of a recurrent helper are activations, parameter, bias and layer attributes. */
export interface OptionKinds {
  acts?: readonly string[];
  params?: readonly string[];
  biases?: readonly string[];
  layerAttrs?: readonly string[];
  /** Layer attributes of layers Paddle gives no dropout (recurrent layers, sequence reductions). */
  noDropAttrs?: readonly string[];
  bools?: readonly string[];
}

/**
 * Checks a recurrent helper's options under the names the user wrote: unknown keys, then each given
 * activation, attribute and flag (left-out options keep the layers' Paddle defaults).
 */
export function checkOptions(where: string, args: object, keys: readonly string[], kinds: OptionKinds): void {
  knownKeys(where, args, keys);
  const value = (key: string) => (args as Record<string, unknown>)[key];
  const given = (list: readonly string[] | undefined) => (list ?? []).filter((k) => value(k) !== undefined);
  for (const key of given(kinds.acts)) activation(where, key, value(key));
  for (const key of given(kinds.params)) paramAttrArg(where, key, value(key));
  for (const key of given(kinds.biases)) biasAttrArg(where, key, value(key));
  for (const key of given(kinds.layerAttrs)) layerAttrArg(where, key, value(key));
  for (const key of given(kinds.bools)) bool(where, key, value(key));
  for (const key of given(kinds.noDropAttrs)) {
    layerAttrArg(where, key, value(key));
    const rate = (value(key) as { dropRate?: number }).dropRate;
    if (rate !== undefined) {
      throw new ConfigError(`${where}: ${key}.dropRate is not supported: that layer takes no dropout (as in Paddle), got dropRate ${rate}`);
    }
  }
}

/** A sequence of dense rows: what the sequence helpers project and step over. */
export function sequenceArg(where: string, arg: string, value: unknown): LayerOutput {
  const input = denseLayerArg(where, arg, value);
  if (input.seqLevel !== 1) {
    throw new ConfigError(`${where}: ${arg} must be a sequence (one row per step), got ${input.describe()}`);
  }
  return input;
}

/** A helper's name scope: its explicit name, a name derived by an enclosing helper, or Paddle's default. */
export function helperScope(where: string, prefix: string, name: unknown): NameScope {
  if (name instanceof ScopedName) return new NameScope(prefix, name);
  return new NameScope(prefix, name === undefined ? undefined : layerName(where, 'name', name));
}

/**
 * The hidden size of a unit whose input is projected to `gates · size` columns: `size` if given (then the
 * input must agree), else the input size / gates.
 */
export function unitSize(where: string, input: LayerOutput, size: unknown, gates: 3 | 4, layout: string): number {
  if (size !== undefined) {
    const h = positiveInt(where, 'size', size);
    if (input.size !== gates * h) {
      throw new ConfigError(`${where}: input must have ${gates}·size = ${gates * h} columns (${layout}), got ${input.describe()}`);
    }
    return h;
  }
  if (input.size % gates !== 0) throw new ConfigError(`${where}: input size must be a multiple of ${gates} (${layout}), got ${input.describe()}`);
  return input.size / gates;
}
