import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../errors.js';
import { formatProtostr, parseProtostr } from './protostr.js';

const GOLDEN = new URL('../../fixtures/paddle-golden/', import.meta.url);
const goldens = readdirSync(GOLDEN).filter((n) => n.endsWith('.protostr'));

describe('parseProtostr', () => {
  it('reads nested messages, repeated fields, numbers, booleans and enum identifiers', () => {
    const m = parseProtostr(`
      type: "nn"  # a comment
      layers { name: "a" size: 3 reversed: true }
      layers: { name: 'b' drop_rate: -2.5e-3 mode: FAST }
      dims: 1 dims: 2
    `);
    expect(m).toEqual({
      type: ['nn'],
      layers: [{ name: ['a'], size: [3], reversed: [true] }, { name: ['b'], drop_rate: [-0.0025], mode: ['FAST'] }],
      dims: [1, 2],
    });
  });

  it('reads C escapes (octal bytes as UTF-8), inf, nan, lists and angle brackets', () => {
    const m = parseProtostr('s: "caf\\303\\251 \\"q\\"\\n" t: "\\x41" a: inf b: -inf c: nan l: [1, 2.5] n < k: 1 >');
    expect(m.s).toEqual(['café "q"\n']);
    expect(m.t).toEqual(['A']);
    expect(m.a).toEqual([Infinity]);
    expect(m.b).toEqual([-Infinity]);
    expect(Number.isNaN(m.c![0])).toBe(true);
    expect(m.l).toEqual([1, 2.5]);
    expect(m.n).toEqual([{ k: [1] }]);
  });

  it('says where malformed text is', () => {
    expect(() => parseProtostr('layers {\n  name: "a"\n')).toThrow(/'}' is missing at line 3/);
    expect(() => parseProtostr('a: 1\n}')).toThrow(/expected a field name at line 2/);
    expect(() => parseProtostr('a 1')).toThrow(/expected ':' or '\{' after a at line 1/);
    expect(() => parseProtostr('a: "\\q"')).toThrow(FormatError);
    expect(() => parseProtostr('a: @')).toThrow(/unexpected text at line 1: "@"/);
  });
});

describe('formatProtostr', () => {
  it("writes ModelConfig fields in field-number order, doubles with a decimal point, as Paddle's dumps", () => {
    const text = formatProtostr({
      parameters: [{ initial_smart: [true], dims: [1, 3], name: ['w'], initial_std: [0], size: [3], initial_mean: [0.5] }],
      type: ['nn'],
    });
    expect(text).toBe([
      'type: "nn"', 'parameters {', '  name: "w"', '  size: 3', '  initial_mean: 0.5', '  initial_std: 0.0', '  dims: 1', '  dims: 3',
      '  initial_smart: true', '}', '',
    ].join('\n'));
  });

  it('escapes strings and writes inf and nan so that they parse back', () => {
    const m = { type: ['a "b"\\\n\tc'], unknown_field: [Infinity, -Infinity, 1e-7] };
    const back = parseProtostr(formatProtostr(m));
    expect(back).toEqual(m);
  });

  it.each(goldens)('%s parses back to the same message after formatting', (file) => {
    const message = parseProtostr(readFileSync(new URL(file, GOLDEN), 'utf8'));
    expect(parseProtostr(formatProtostr(message))).toEqual(message);
  });
});
