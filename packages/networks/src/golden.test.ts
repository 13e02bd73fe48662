import { Topology } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { outputs } from './outputs.js';
import { readGolden } from './testing/golden.js';
import { goldenNetworks } from './testing/goldenNetworks.js';

// Each network is rebuilt and traced, and its saved JSON must equal the committed golden file exactly.
// The goldens were reviewed against Paddle's networks.py; the facts they pin are also asserted one by one
// in the helpers' own tests. UPDATE_GOLDEN=1 rewrites them (review the diff before committing).
describe('golden topologies', () => {
  for (const [name, build] of Object.entries(goldenNetworks())) {
    it(name, () => {
      const topology = outputs(build());
      const golden = readGolden(name, topology);
      expect(JSON.parse(topology.serialize())).toEqual(golden);
      // The golden is a valid saved topology in its own right.
      expect(Topology.fromJSON(golden).serialize()).toBe(topology.serialize());
    });
  }

  it('building twice gives the same JSON (no state kept between builds)', () => {
    const build = goldenNetworks().text_classifier!;
    expect(outputs(build()).serialize()).toBe(outputs(build()).serialize());
  });
});
