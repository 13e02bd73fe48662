/** Levenshtein distance between two token sequences (substitutions, insertions, deletions cost 1). */
export function editDistance(a: readonly string[], b: readonly string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * Grapheme-to-phoneme scores against every reference pronunciation of each word (CMUdict lists
 * variants): a word is right when the hypothesis equals one of them (WER counts the wrong words); PER is
 * the summed edit distance to the closest reference (fewest edits; on a tie, the longer one, i.e. the lower
 * per-word rate) over the summed length of those references.
 */
export function g2pScores(results: { hypothesis: readonly string[]; references: readonly (readonly string[])[] }[]): { wer: number; per: number } {
  let wrongWords = 0;
  let edits = 0;
  let refLength = 0;
  for (const { hypothesis, references } of results) {
    let best = Infinity;
    let bestLen = 0;
    for (const ref of references) {
      const d = editDistance(hypothesis, ref);
      if (d < best || (d === best && ref.length > bestLen)) {
        best = d;
        bestLen = ref.length;
      }
    }
    if (best > 0) wrongWords++;
    edits += best;
    refLength += bestLen;
  }
  return { wer: results.length ? wrongWords / results.length : NaN, per: refLength ? edits / refLength : NaN };
}
