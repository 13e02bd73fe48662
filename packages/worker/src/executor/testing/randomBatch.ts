import type { Topology } from '@oar/layers';
import { Random } from '../../Parameters.js';

/**
 * Random samples for every data layer of a topology: dense values ~ N(0, 1), ids uniform in range,
 * sequences of 1–`maxLen` rows, nested sequences of 1–3 sub-sequences.
 */
export function randomSamples(topology: Topology, count: number, seed: number, maxLen = 4): unknown[][] {
  const random = new Random(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random.uniform() * (hi - lo + 1));
  const samples: unknown[][] = [];
  for (let s = 0; s < count; s++) {
    samples.push(topology.inputNames.map((name) => {
      const type = topology.layer(name).data_type!;
      const one = () => (type.value === 'integer' ? int(0, type.dim - 1) : Array.from({ length: type.dim }, () => random.normal()));
      const sequence = () => Array.from({ length: int(1, maxLen) }, one);
      if (type.seq_level === 0) return one();
      if (type.seq_level === 1) return sequence();
      return Array.from({ length: int(1, 3) }, sequence);
    }));
  }
  return samples;
}
