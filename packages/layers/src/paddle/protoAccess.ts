import { FormatError } from '../errors.js';
import type { ProtoMessage } from './protostr.js';

/** Typed reads of a parsed text-format message; a wrong type is a FormatError naming `where`. */
export function str(m: ProtoMessage, key: string, where: string): string | undefined {
  const v = m[key]?.[0];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new FormatError(`${where}: ${key} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

export function num(m: ProtoMessage, key: string, where: string): number | undefined {
  const v = m[key]?.[0];
  if (v === undefined) return undefined;
  if (typeof v !== 'number') throw new FormatError(`${where}: ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

export function bool(m: ProtoMessage, key: string, where: string): boolean | undefined {
  const v = m[key]?.[0];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new FormatError(`${where}: ${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function msgs(m: ProtoMessage, key: string): ProtoMessage[] {
  return (m[key] ?? []).filter((v): v is ProtoMessage => typeof v === 'object');
}

export function msg(m: ProtoMessage, key: string): ProtoMessage | undefined {
  return msgs(m, key)[0];
}

export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new FormatError(`${what} is missing`);
  return value;
}

/** A layer's name and type, checked. */
export function layerHead(layer: ProtoMessage): { name: string; type: string } {
  const name = need(str(layer, 'name', 'a layer'), 'a layer: name');
  const type = need(str(layer, 'type', `layer ${JSON.stringify(name)}`), `layer ${JSON.stringify(name)}: type`);
  return { name, type };
}

/** The names of a layer's inputs, in order. */
export function inputNames(layer: ProtoMessage): string[] {
  return msgs(layer, 'inputs').map((input) => need(str(input, 'input_layer_name', 'an input'), 'an input: input_layer_name'));
}

/** The name a layer has in its own scope: `rnn@__recurrent_group_0__` is `rnn`. */
export function baseName(name: string): string {
  const at = name.indexOf('@');
  return at < 0 ? name : name.slice(0, at);
}
