import { FormatError } from '../errors.js';
import { fieldSpec, MESSAGES, type FieldSpec, type MessageName } from './modelConfigSchema.js';

/** A protobuf text-format message: every field as the list of its values (repeated or not). */
export interface ProtoMessage {
  [field: string]: ProtoValue[];
}
export type ProtoValue = string | number | boolean | ProtoMessage;

type Token =
  | { kind: 'ident'; text: string; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'punct'; text: string; at: number };

const TOKEN = /\s*(?:#[^\n]*\n?|([A-Za-z_][\w.]*)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|([-+]?(?:0[xX][\da-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[fF]?|inf(?:inity)?|nan))|([:{}<>[\],;-]))/iy;

/**
 * Parses Paddle's text-format `ModelConfig` dumps (`*.protostr`, protobuf text format) into plain objects:
 * strings (with C escapes), numbers (inf, nan), booleans, enum identifiers as strings, nested messages,
 * `[a, b]` lists, comments.
 * @example
 * const model = parseProtostr(readFileSync('test_fc.protostr', 'utf8'));
 * model.layers.length;
 */
export function parseProtostr(text: string): ProtoMessage {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const fail = (what: string, token = peek()): never => {
    const at = token?.at ?? text.length;
    throw new FormatError(`protostr: ${what} at line ${lineOf(text, at)} (${JSON.stringify(text.slice(at, at + 30))})`);
  };
  const value = (): ProtoValue => {
    const token = tokens[pos++];
    if (!token) return fail('a value is missing');
    if (token.kind === 'number') return token.value;
    if (token.kind === 'ident') return BOOLEANS.get(token.text) ?? token.text;
    if (token.kind === 'string') {
      let s = token.value;
      while (peek()?.kind === 'string') s += (tokens[pos++] as { value: string }).value;
      return s;
    }
    return fail(`expected a value, got '${token.text}'`, token);
  };
  const message = (close: string | undefined): ProtoMessage => {
    const out: ProtoMessage = {};
    for (;;) {
      const token = peek();
      if (!token) {
        if (close) fail(`'${close}' is missing`);
        return out;
      }
      if (token.kind === 'punct' && (token.text === ',' || token.text === ';')) {
        pos++;
        continue;
      }
      if (token.kind === 'punct' && token.text === close) {
        pos++;
        return out;
      }
      if (token.kind !== 'ident') return fail('expected a field name');
      pos++;
      const key = token.text;
      const colon = peek()?.kind === 'punct' && (peek() as { text: string }).text === ':';
      if (colon) pos++;
      const next = peek();
      const put = (v: ProtoValue) => (out[key] ??= []).push(v);
      if (next?.kind === 'punct' && (next.text === '{' || next.text === '<')) {
        pos++;
        put(message(next.text === '{' ? '}' : '>'));
      } else if (next?.kind === 'punct' && next.text === '[') {
        pos++;
        while (!(peek()?.kind === 'punct' && (peek() as { text: string }).text === ']')) {
          const item = peek();
          if (item?.kind === 'punct' && (item.text === '{' || item.text === '<')) {
            pos++;
            put(message(item.text === '{' ? '}' : '>'));
          } else put(value());
          if (peek()?.kind === 'punct' && (peek() as { text: string }).text === ',') pos++;
          else if (!(peek()?.kind === 'punct' && (peek() as { text: string }).text === ']')) fail("expected ',' or ']'");
        }
        pos++;
      } else if (!colon) {
        fail(`expected ':' or '{' after ${key}`);
      } else put(value());
    }
  };
  return message(undefined);
}

const BOOLEANS = new Map<string, boolean>([['true', true], ['True', true], ['t', true], ['false', false], ['False', false], ['f', false]]);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) {
      if (/^\s*$/.test(text.slice(pos))) break;
      throw new FormatError(`protostr: unexpected text at line ${lineOf(text, pos)}: ${JSON.stringify(text.slice(pos, pos + 30).trim())}`);
    }
    const at = m.index + m[0].length - (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').length;
    pos = TOKEN.lastIndex;
    if (m[1] !== undefined) {
      // A minus sign before an identifier is a signed inf/nan, caught by the number branch; an identifier here.
      tokens.push(isNumberWord(m[1]) ? { kind: 'number', value: numberOf(m[1]), at } : { kind: 'ident', text: m[1], at });
    } else if (m[2] !== undefined) tokens.push({ kind: 'string', value: unescape(m[2].slice(1, -1), text, at), at });
    else if (m[3] !== undefined) tokens.push({ kind: 'number', value: numberOf(m[3]), at });
    else if (m[4] !== undefined) tokens.push({ kind: 'punct', text: m[4], at });
  }
  return tokens;
}

function isNumberWord(word: string): boolean {
  return /^(inf|infinity|nan)$/i.test(word);
}

function numberOf(text: string): number {
  const t = text.replace(/(?<=[\d.])[fF]$/, '').toLowerCase();
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[-+]/, '');
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  if (body === 'nan') return NaN;
  return sign * (body.startsWith('0x') ? parseInt(body.slice(2), 16) : Number(body));
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, '"': 34, "'": 39, '\\': 92, a: 7, b: 8, f: 12, v: 11, '?': 63 };

/** C-style escapes of the text format; octal and hex escapes are bytes, the result is decoded as UTF-8. */
function unescape(body: string, text: string, at: number): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      const code = body.codePointAt(i)!;
      if (code > 0xffff) i++;
      bytes.push(...encoder.encode(String.fromCodePoint(code)));
      continue;
    }
    const e = body[++i]!;
    const octal = /^[0-7]{1,3}/.exec(body.slice(i));
    const hex = /^x([\da-fA-F]{1,2})/.exec(body.slice(i));
    if (SIMPLE_ESCAPES[e] !== undefined) bytes.push(SIMPLE_ESCAPES[e]!);
    else if (octal) {
      bytes.push(parseInt(octal[0], 8) & 0xff);
      i += octal[0].length - 1;
    } else if (hex) {
      bytes.push(parseInt(hex[1]!, 16));
      i += hex[0].length - 1;
    } else throw new FormatError(`protostr: unknown escape '\\${e}' in a string at line ${lineOf(text, at)}`);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function lineOf(text: string, at: number): number {
  let line = 1;
  for (let i = 0; i < at && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Writes a message in protobuf text format as Paddle prints it: fields in field-number order (fields the
 * schema does not know after them), doubles with a decimal point, nested messages indented by two spaces.
 * @paddle str(ModelConfig) (python protobuf text_format)
 * @example
 * writeFileSync('model.protostr', formatProtostr(toModelConfig(topology.config)));
 */
export function formatProtostr(message: ProtoMessage, type: MessageName = 'ModelConfig'): string {
  const lines: string[] = [];
  writeMessage(message, type, '', lines);
  return `${lines.join('\n')}\n`;
}

function writeMessage(message: ProtoMessage, type: MessageName | undefined, pad: string, lines: string[]): void {
  const known = type ? MESSAGES[type].filter((s) => message[s.name] !== undefined).map((s) => s.name) : [];
  const rest = Object.keys(message).filter((k) => !known.includes(k));
  for (const key of [...known, ...rest]) {
    const spec = type ? fieldSpec(type, key) : undefined;
    for (const value of message[key]!) {
      if (typeof value === 'object') {
        lines.push(`${pad}${key} {`);
        const child = spec && spec.kind in MESSAGES ? (spec.kind as MessageName) : undefined;
        writeMessage(value, child, `${pad}  `, lines);
        lines.push(`${pad}}`);
      } else lines.push(`${pad}${key}: ${formatScalar(value, spec)}`);
    }
  }
}

function formatScalar(value: string | number | boolean, spec: FieldSpec | undefined): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'boolean') return String(value);
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  if (spec?.kind === 'double' && Number.isInteger(value) && Math.abs(value) < 1e16) return `${value}.0`;
  return String(value);
}

function quote(s: string): string {
  return `"${s.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]!)}"`;
}
