import { Topology } from '@oar/layers';
import { describe, expect, it } from 'vitest';
import { outputs } from './outputs.js';
import { readGolden } from './testing/golden.js';
import { recurrentGoldenNetworks } from './testing/recurrentGoldenNetworks.js';

// As golden.test.ts, for the recurrent helpers and the seed's sequence-to-sequence network: each network is
// rebuilt and traced, and its saved JSON must equal the committed file. The facts they pin are asserted one by
// one in the helpers' tests, and against Paddle's dumps in recurrentParity.test.ts where Paddle has one.
describe('golden topologies of the recurrent helpers', () => {
  for (const [name, build] of Object.entries(recurrentGoldenNetworks())) {
    it(name, () => {
      const topology = outputs(build());
      const golden = readGolden(name, topology);
      expect(JSON.parse(topology.serialize())).toEqual(golden);
      expect(Topology.fromJSON(golden).serialize()).toBe(topology.serialize());
    });
  }
});
