import { readFileSync } from 'node:fs';
import { ERA_FIELDS, IMPORTED_LAYER_TYPES, type ProtoMessage } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { CONFIGS, golden, goldenNames } from './golden.js';

// docs/PADDLE_COMPAT.md says which golden files pass and what Oar lacks for the others: it must agree with the tests.
const doc = readFileSync(new URL('../../docs/PADDLE_COMPAT.md', import.meta.url), 'utf8');
const rows = new Map([...doc.matchAll(/^\| `(\w+)` \| (passes|fails) \|(.*)\|$/gm)].map((m) => [m[1]!, { result: m[2]!, lacks: m[3]! }]));

const LAYER_TYPES = new Set(['data', 'recurrent_layer_group', 'scatter_agent', 'agent', 'gather_agent', ...IMPORTED_LAYER_TYPES]);
const PROJECTION_TYPES = new Set(['fc', 'trans_fc', 'table', 'identity', 'identity_offset', 'dot_mul', 'context', 'scaling']);
const OPERATOR_TYPES = new Set(['dot_mul']);

/** Layer, projection and operator types of a dump that Oar does not have. */
function missingTypes(model: ProtoMessage): string[] {
  const missing = new Set<string>();
  for (const l of (model.layers ?? []) as ProtoMessage[]) {
    if (!LAYER_TYPES.has(String(l.type![0]))) missing.add(String(l.type![0]));
    for (const input of (l.inputs ?? []) as ProtoMessage[]) {
      for (const p of (input.proj_conf ?? []) as ProtoMessage[]) if (!PROJECTION_TYPES.has(String(p.type![0]))) missing.add(String(p.type![0]));
    }
    for (const o of (l.operator_confs ?? []) as ProtoMessage[]) if (!OPERATOR_TYPES.has(String(o.type![0]))) missing.add(String(o.type![0]));
  }
  return [...missing];
}

describe('docs/PADDLE_COMPAT.md', () => {
  it('has a row for every golden file, "passes" exactly for those with an Oar config', () => {
    expect([...rows.keys()].sort()).toEqual(goldenNames());
    for (const [name, row] of rows) expect([name, row.result]).toEqual([name, name in CONFIGS ? 'passes' : 'fails']);
    expect(doc).toContain(`${Object.keys(CONFIGS).length} of the ${goldenNames().length} pass.`);
  });

  it.each(goldenNames().filter((n) => !(n in CONFIGS)))('names every type %s needs that Oar lacks', (name) => {
    const row = rows.get(name)!;
    for (const type of missingTypes(golden(name))) expect(row.lacks).toContain(`\`${type}\``);
  });

  it('lists every era field, and the README links to it', () => {
    for (const field of Object.keys(ERA_FIELDS)) expect(doc).toContain(`| \`${field}\` |`);
    expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toMatch(/\[docs\/PADDLE_COMPAT\.md\]\(docs\/PADDLE_COMPAT\.md\)/);
  });
});
