import { DataError } from '../../errors.js';

/**
 * How a batch of sequences runs step by step: sequences sorted by length (longest first, stable), so the
 * ones still running at step t are a prefix of `active[t]` rows; no padded work.
 *
 * Per-step inputs are taken from one gather of the input rows in step-major order (`stepRows`: step 0's
 * rows, then step 1's, ...); per-step outputs, concatenated in the same order, go back to the original
 * row order with one gather by `outputIndex`.
 */
export class StepSchedule {
  /** Sequence indices, longest first. */
  readonly order: Int32Array;
  /** Number of sequences still running at each step. */
  readonly active: Int32Array;
  /** Offset of each step's block in step-major order. */
  readonly offsets: Int32Array;
  /** Input row of every (step, sorted position), step-major. */
  readonly stepRows: Int32Array;
  /** For every input row, its position in step-major order. */
  readonly outputIndex: Int32Array;
  readonly starts: Int32Array;
  readonly reverse: boolean;

  constructor(starts: Int32Array, reverse: boolean) {
    const n = starts.length - 1;
    const lengths = Array.from({ length: n }, (_, s) => starts[s + 1]! - starts[s]!);
    this.order = Int32Array.from(Array.from({ length: n }, (_, s) => s).sort((a, b) => lengths[b]! - lengths[a]! || a - b));
    const maxLen = n === 0 ? 0 : lengths[this.order[0]!]!;
    this.active = new Int32Array(maxLen);
    for (const len of lengths) for (let t = 0; t < len; t++) this.active[t]!++;
    this.offsets = new Int32Array(maxLen + 1);
    for (let t = 0; t < maxLen; t++) this.offsets[t + 1] = this.offsets[t]! + this.active[t]!;
    const rows = starts[n]!;
    this.stepRows = new Int32Array(rows);
    this.outputIndex = new Int32Array(rows);
    for (let i = 0; i < n; i++) {
      const s = this.order[i]!;
      const len = lengths[s]!;
      for (let t = 0; t < len; t++) {
        const row = starts[s]! + (reverse ? len - 1 - t : t);
        const at = this.offsets[t]! + i;
        this.stepRows[at] = row;
        this.outputIndex[row] = at;
      }
    }
    this.starts = starts;
    this.reverse = reverse;
  }

  get steps(): number {
    return this.active.length;
  }

  get numSequences(): number {
    return this.order.length;
  }

  /** The schedule's sequence layout must match another input's: same number of sequences, same lengths. */
  checkSameLayout(other: Int32Array, what: string): void {
    const a = this.starts;
    if (other.length !== a.length || other.some((v, i) => v !== a[i])) {
      throw new DataError(`${what}: sequence lengths differ from the group's first sequence input (${describeLengths(a)} vs ${describeLengths(other)}); all sequence inputs of a recurrent group must have the same lengths`);
    }
  }
}

function describeLengths(starts: Int32Array): string {
  const lens = Array.from({ length: starts.length - 1 }, (_, s) => starts[s + 1]! - starts[s]!);
  return `[${lens.slice(0, 8).join(', ')}${lens.length > 8 ? ', ...' : ''}]`;
}
