import { diffModelConfigs, exportProtostr, parseProtostr } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { CONFIGS, golden, goldenNames, UNSUPPORTED } from './golden.js';

// Every Paddle golden dump whose layers Oar supports, built with Oar's DSL (configs/NAME.ts) and exported as a
// protostr, must describe the same network as Paddle's dump: every field of every layer, parameter, input and
// output list and recurrent sub-model (era fields aside, see ERA_FIELDS; floats within 1e-9).
describe("Oar's configs export to Paddle's golden protostr", () => {
  it.each(Object.keys(CONFIGS))('%s', (name) => {
    const exported = parseProtostr(exportProtostr(CONFIGS[name]!().config));
    expect(diffModelConfigs(exported, golden(name))).toEqual([]);
  });

  it('every golden file has an Oar config or is listed as unsupported, not both', () => {
    const listed = [...Object.keys(CONFIGS), ...Object.keys(UNSUPPORTED)].sort();
    expect(listed).toEqual(goldenNames());
    expect(Object.keys(CONFIGS).filter((n) => n in UNSUPPORTED)).toEqual([]);
  });

  it('a config that differs from the dump is reported (the comparison can fail)', () => {
    const shared = CONFIGS.shared_fc!().config;
    const changed = structuredClone(shared);
    changed.parameters.find((p) => p.name === 'fc_param')!.initial_std = 0.5;
    changed.layers.find((l) => l.type === 'multi-class-cross-entropy')!.coeff = 2;
    const diffs = diffModelConfigs(parseProtostr(exportProtostr(changed)), golden('shared_fc'));
    expect(diffs).toEqual(['layer __cost_0__.coeff: Oar 2, Paddle 1', 'parameter fc_param.initial_std: Oar 0.5, Paddle 1']);
    const otherNet = parseProtostr(exportProtostr(CONFIGS.test_seq_concat!().config));
    expect(diffModelConfigs(otherNet, golden('shared_fc')).length).toBeGreaterThan(5);
  });
});
