import { readFileSync } from 'node:fs';
import { diffModelConfigs, exportProtostr, FormatError, importProtostr, parseProtostr, type DataTypeName, type Topology } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { CONFIGS, golden, goldenText, UNSUPPORTED } from './golden.js';

// A Paddle dump read into Oar (rebuilt with the layer DSL) and written back is the same ModelConfig, era fields
// aside; a dump with layers Oar lacks is a clear error naming the layer and its type.
describe('import a golden protostr, export it again', () => {
  it.each(Object.keys(CONFIGS))('%s gives the same protostr', (name) => {
    const imported = importProtostr(goldenText(name));
    const text = exportProtostr(imported.topology.config);
    expect(diffModelConfigs(parseProtostr(text), golden(name), { left: 'exported', right: 'golden' })).toEqual([]);
    // A second round changes nothing, to the byte.
    expect(exportProtostr(importProtostr(text).topology.config)).toBe(text);
  });

  it.each(Object.keys(CONFIGS))('%s imports the network its Oar config builds, given its data types', (name) => {
    const built = CONFIGS[name]!();
    const imported = importProtostr(goldenText(name), { dataTypes: dataTypesOf(built) });
    const ours = parseProtostr(exportProtostr(built.config));
    expect(diffModelConfigs(parseProtostr(exportProtostr(imported.topology.config)), ours, { left: 'imported', right: 'config' })).toEqual([]);
    expect(imported.topology.outputNames).toEqual(built.outputNames);
    // Standard deviations as the dump prints them: old dumps round to 12 digits (0.0441941738242), hence 1e-9.
    const params = (t: Topology) => [...t.parameters].sort((a, b) => a.name.localeCompare(b.name));
    expect(params(imported.topology).map((p) => [p.name, p.dims])).toEqual(params(built).map((p) => [p.name, p.dims]));
    params(imported.topology).forEach((p, i) => expect(p.initial_std).toBeCloseTo(params(built)[i]!.initial_std, 9));
    expect(imported.topology.layers.map((l) => [l.name, l.seq_level]).sort()).toEqual(built.layers.map((l) => [l.name, l.seq_level]).sort());
  });

  it.each(Object.keys(UNSUPPORTED))('%s is refused with a clear error', (name) => {
    expect(() => importProtostr(goldenText(name))).toThrow(FormatError);
    expect(() => importProtostr(goldenText(name))).toThrow(UNSUPPORTED[name]!);
  });

  // The networks helpers' goldens: dumps the importer was not written against.
  it.each(['shared_gru', 'test_bi_grumemory'])('%s (packages/networks/fixtures) also gives the same protostr', (name) => {
    const text = readFileSync(new URL(`../../packages/networks/fixtures/paddle-golden/${name}.protostr`, import.meta.url), 'utf8');
    const exported = exportProtostr(importProtostr(text).topology.config);
    expect(diffModelConfigs(parseProtostr(exported), parseProtostr(text))).toEqual([]);
  });

  it('the data types Paddle leaves out are inferred from the network, or given', () => {
    expect(importProtostr(goldenText('shared_lstm')).dataTypes).toEqual({
      data_a: 'dense_vector_sequence', data_b: 'dense_vector_sequence', label: 'integer_value',
    });
    // This era's dump does not mark nested links; the type can be given.
    expect(importProtostr(goldenText('test_rnn_group')).dataTypes.sub_seq_input).toBe('dense_vector_sequence');
    const nested = importProtostr(goldenText('test_rnn_group'), { dataTypes: { sub_seq_input: 'dense_vector_sub_sequence' } });
    expect(nested.topology.layer('sub_seq_input').seq_level).toBe(2);
    expect(diffModelConfigs(parseProtostr(exportProtostr(nested.topology.config)), golden('test_rnn_group'))).toEqual([]);
  });
});

function dataTypesOf(topology: Topology): Record<string, DataTypeName> {
  return Object.fromEntries(topology.layers.filter((l) => l.type === 'data').map((l) => {
    const kind = l.data_type!.value === 'dense' ? 'dense_vector' : 'integer_value';
    return [l.name, `${kind}${['', '_sequence', '_sub_sequence'][l.data_type!.seq_level]}` as DataTypeName];
  }));
}
