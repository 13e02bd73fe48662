import { describe, expect, it } from 'vitest';
import { editDistance, g2pScores } from '../examples/g2p/metrics.js';

describe('g2p metrics', () => {
  it('edit distance counts substitutions, insertions and deletions', () => {
    expect(editDistance([], [])).toBe(0);
    expect(editDistance(['K', 'AE', 'T'], ['K', 'AE', 'T'])).toBe(0);
    expect(editDistance(['K', 'AE', 'T'], ['K', 'AH', 'T'])).toBe(1);
    expect(editDistance(['K', 'AE', 'T'], ['K', 'T'])).toBe(1);
    expect(editDistance(['K', 'T'], ['K', 'AE', 'T', 'S'])).toBe(2);
    expect(editDistance(['A', 'B', 'C'], ['C', 'B', 'A'])).toBe(2);
  });

  it('scores a word against its closest reference pronunciation', () => {
    const scores = g2pScores([
      { hypothesis: ['T', 'AH', 'M', 'EY', 'T', 'OW'], references: [['T', 'AH', 'M', 'EY', 'T', 'OW'], ['T', 'AH', 'M', 'AA', 'T', 'OW']] },
      { hypothesis: ['K', 'AE', 'T'], references: [['K', 'AE', 'T', 'S']] },
      { hypothesis: ['D', 'AO', 'G'], references: [['D', 'AA', 'G'], ['D', 'AO', 'G', 'Z']] },
    ]);
    expect(scores.wer).toBeCloseTo(2 / 3, 12);
    // edits: 0 + 1 (vs KAETS, 4) + 1 (DAAG, 3 beats DAOGZ by length tie-break: both 1 edit, longer wins -> 4)
    expect(scores.per).toBeCloseTo((0 + 1 + 1) / (6 + 4 + 4), 12);
  });
});
