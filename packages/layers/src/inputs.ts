import { ConfigError, show } from './errors.js';
import { isLayerOutput, type LayerOutput } from './LayerOutput.js';

/** Checks that `value` is a layer; the error names the function and argument. */
export function asLayer(where: string, arg: string, value: unknown): LayerOutput {
  if (!isLayerOutput(value)) {
    throw new ConfigError(`${where}: ${arg} must be a layer (the result of a layer function), got ${show(value)}`);
  }
  return value;
}

/** Accepts one layer or a non-empty array of layers. */
export function asLayers(where: string, arg: string, value: unknown): LayerOutput[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new ConfigError(`${where}: ${arg} must hold at least one layer, got []`);
  return list.map((v, i) => asLayer(where, Array.isArray(value) ? `${arg}[${i}]` : arg, v));
}

export function denseInput(where: string, arg: string, layer: LayerOutput): LayerOutput {
  if (layer.valueKind === 'ids') {
    throw new ConfigError(
      `${where}: ${arg} must carry dense values, got ${layer.describe()}; integer ids go through layer.embedding or layer.tableProjection`,
    );
  }
  return layer;
}

export function idsInput(where: string, arg: string, layer: LayerOutput): LayerOutput {
  if (layer.valueKind !== 'ids') {
    throw new ConfigError(`${where}: ${arg} must be integer ids (a data layer of integer type), got ${layer.describe()}`);
  }
  return layer;
}

export function sequenceInput(where: string, arg: string, layer: LayerOutput, minLevel: 1 | 2 = 1): LayerOutput {
  if (layer.seqLevel < minLevel) {
    const what = minLevel === 2 ? 'a nested sequence' : 'a sequence';
    throw new ConfigError(`${where}: ${arg} must be ${what}, got ${layer.describe()}`);
  }
  return layer;
}

export function sameSize(where: string, layers: readonly LayerOutput[], arg = 'input'): number {
  const size = layers[0]!.size;
  layers.forEach((l, i) => {
    if (l.size !== size) {
      throw new ConfigError(`${where}: all ${arg} layers must have the same size; ${arg}[0] has ${size} but ${arg}[${i}] is ${l.describe()}`);
    }
  });
  return size;
}

export function maxSeqLevel(layers: readonly LayerOutput[]): 0 | 1 | 2 {
  return layers.reduce<0 | 1 | 2>((m, l) => (l.seqLevel > m ? l.seqLevel : m), 0);
}
