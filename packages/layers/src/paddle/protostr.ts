import { FormatError } from '../errors.js';

/** A protobuf text-format message: every field as the list of its values (repeated or not). */
export interface ProtoMessage {
  [field: string]: ProtoValue[];
}
export type ProtoValue = string | number | boolean | ProtoMessage;

const TOKEN = /\s*(?:([A-Za-z_][\w]*)\s*(:)?\s*|(\{)|(\})|("(?:[^"\\]|\\.)*")|(-?[\d.]+(?:e[-+]?\d+)?|-?inf|nan))/y;

/**
 * Parses Paddle's text-format `ModelConfig` dumps (`*.protostr`) into plain objects.
 * @example
 * const model = parseProtostr(readFileSync('test_fc.protostr', 'utf8'));
 * model.layers.length;
 */
export function parseProtostr(text: string): ProtoMessage {
  let pos = 0;
  const stack: ProtoMessage[] = [{}];
  let pendingKey: string | null = null;
  const put = (key: string, value: ProtoValue) => {
    const top = stack[stack.length - 1]!;
    (top[key] ??= []).push(value);
  };
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw new FormatError(`protostr: unexpected text at offset ${pos}: ${JSON.stringify(text.slice(pos, pos + 30))}`);
    pos = TOKEN.lastIndex;
    const [, ident, , open, close, str, num] = m;
    if (open) {
      if (!pendingKey) throw new FormatError(`protostr: '{' without a field name at offset ${pos}`);
      const child: ProtoMessage = {};
      put(pendingKey, child);
      stack.push(child);
      pendingKey = null;
    } else if (close) {
      if (stack.length === 1) throw new FormatError(`protostr: unbalanced '}' at offset ${pos}`);
      stack.pop();
    } else if (str !== undefined) {
      put(need(pendingKey, pos), JSON.parse(str) as string);
      pendingKey = null;
    } else if (num !== undefined) {
      put(need(pendingKey, pos), Number(num));
      pendingKey = null;
    } else if (ident !== undefined) {
      if (pendingKey) {
        put(pendingKey, ident === 'true' ? true : ident === 'false' ? false : ident);
        pendingKey = null;
      } else {
        pendingKey = ident;
      }
    }
  }
  if (stack.length !== 1) throw new FormatError('protostr: unbalanced braces at end of text');
  return stack[0]!;
}

function need(key: string | null, pos: number): string {
  if (!key) throw new FormatError(`protostr: a value without a field name at offset ${pos}`);
  return key;
}
