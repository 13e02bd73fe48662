import { DataError } from '../errors.js';

/**
 * Where sequences start in a stack of rows: `starts` has numSeq + 1 offsets (Paddle's
 * sequenceStartPositions); nested sequences also have `subStarts` over the same rows
 * (subSequenceStartPositions), every sequence boundary being a sub-sequence boundary too.
 */
export interface SeqInfo {
  readonly starts: Int32Array;
  readonly subStarts?: Int32Array;
}

export function numSequences(seq: SeqInfo): number {
  return seq.starts.length - 1;
}

export function lengths(starts: Int32Array): Int32Array {
  const out = new Int32Array(starts.length - 1);
  for (let i = 0; i < out.length; i++) out[i] = starts[i + 1]! - starts[i]!;
  return out;
}

export function maxLength(starts: Int32Array): number {
  let max = 0;
  for (let i = 0; i + 1 < starts.length; i++) max = Math.max(max, starts[i + 1]! - starts[i]!);
  return max;
}

export function startsFromLengths(lens: ArrayLike<number>): Int32Array {
  const starts = new Int32Array(lens.length + 1);
  for (let i = 0; i < lens.length; i++) starts[i + 1] = starts[i]! + lens[i]!;
  return starts;
}

/** For each row, the index of the segment (sequence) it belongs to. */
export function segmentIds(starts: Int32Array): Int32Array {
  const rows = starts[starts.length - 1]!;
  const ids = new Int32Array(rows);
  for (let s = 0; s + 1 < starts.length; s++) ids.fill(s, starts[s]!, starts[s + 1]!);
  return ids;
}

/**
 * Indices that lay segments out as a [numSeg, maxLen] grid (row-major); cells past a segment's end point
 * at `padIndex` (a row the caller appends: zeros, or a very negative value for max).
 */
export function paddedIndex(starts: Int32Array, maxLen: number, padIndex: number): Int32Array {
  const n = starts.length - 1;
  const index = new Int32Array(n * maxLen).fill(padIndex);
  for (let s = 0; s < n; s++) {
    for (let t = starts[s]!; t < starts[s + 1]!; t++) index[s * maxLen + (t - starts[s]!)] = t;
  }
  return index;
}

/** The inverse of paddedIndex: for every row, its cell in the [numSeg, maxLen] grid. */
export function unpaddedIndex(starts: Int32Array, maxLen: number): Int32Array {
  const rows = starts[starts.length - 1]!;
  const index = new Int32Array(rows);
  for (let s = 0; s + 1 < starts.length; s++) {
    for (let t = starts[s]!; t < starts[s + 1]!; t++) index[t] = s * maxLen + (t - starts[s]!);
  }
  return index;
}

/** The row of each segment's first (or last) element. */
export function edgeRows(starts: Int32Array, first: boolean): Int32Array {
  const n = starts.length - 1;
  const rows = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    if (starts[s + 1] === starts[s]) throw new DataError(`sequence ${s} is empty; first/last of an empty sequence is undefined`);
    rows[s] = first ? starts[s]! : starts[s + 1]! - 1;
  }
  return rows;
}

/** Number of sub-sequences in each outer sequence, as outer starts over the sub-sequence list. */
export function subSequenceStarts(seq: SeqInfo): Int32Array {
  const sub = seq.subStarts;
  if (!sub) throw new DataError('expected a nested sequence (sub-sequence start positions), got a plain sequence');
  const out = new Int32Array(seq.starts.length);
  let j = 0;
  for (let s = 0; s < seq.starts.length; s++) {
    while (j < sub.length && sub[j]! < seq.starts[s]!) j++;
    if (sub[j] !== seq.starts[s]) throw new DataError(`sequence start ${seq.starts[s]} is not a sub-sequence start`);
    out[s] = j;
  }
  return out;
}

/**
 * Context window rows: for row t of its sequence and offset k in [0, len), the source row
 * t + start + k if it lies in the same sequence, else a padding slot. Padding slots index past the
 * input rows: `rows + p` for learned padding row p (rows before the sequence first, then after), or
 * `rows` (one zero row) when `trainable` is false.
 */
export function contextIndex(starts: Int32Array, start: number, len: number, trainable: boolean): Int32Array {
  const rows = starts[starts.length - 1]!;
  const before = Math.max(0, -start);
  const index = new Int32Array(rows * len);
  for (let s = 0; s + 1 < starts.length; s++) {
    const b = starts[s]!;
    const e = starts[s + 1]!;
    for (let t = b; t < e; t++) {
      for (let k = 0; k < len; k++) {
        const src = t + start + k;
        let slot: number;
        if (src >= b && src < e) slot = src;
        else if (!trainable) slot = rows;
        else if (src < b) slot = rows + (src - b + before); // rows before the start: padding rows 0..before-1
        else slot = rows + before + (src - e); // rows past the end: padding rows before..
        index[(t * len) + k] = slot;
      }
    }
  }
  return index;
}

/** Rows of `a` then `b` for each sequence in turn: the gather index into concat([a, b]) rows. */
export function seqConcatIndex(a: Int32Array, b: Int32Array): { index: Int32Array; starts: Int32Array } {
  const n = a.length - 1;
  if (b.length - 1 !== n) throw new DataError(`seqConcat: a has ${n} sequences but b has ${b.length - 1}`);
  const aRows = a[n]!;
  const starts = new Int32Array(n + 1);
  const index = new Int32Array(aRows + b[n]!);
  let o = 0;
  for (let s = 0; s < n; s++) {
    for (let t = a[s]!; t < a[s + 1]!; t++) index[o++] = t;
    for (let t = b[s]!; t < b[s + 1]!; t++) index[o++] = aRows + t;
    starts[s + 1] = o;
  }
  return { index, starts };
}

/** Row r of the output takes segment(r) of the input: repeat each input row over a target segment. */
export function expandIndex(targetStarts: Int32Array, inputRows: number): Int32Array {
  if (targetStarts.length - 1 !== inputRows) {
    throw new DataError(`expand: the input has ${inputRows} rows but expandAs has ${targetStarts.length - 1} segments`);
  }
  return segmentIds(targetStarts);
}
