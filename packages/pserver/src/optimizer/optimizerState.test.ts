import { describe, expect, it } from 'vitest';
import { FormatError } from '../errors.js';
import { cloneOptimizerState, decodeOptimizerState, encodeOptimizerState, type OptimizerState } from './optimizerState.js';

function sample(): OptimizerState {
  return {
    step: 41,
    slots: {
      momentum: Float32Array.from([1.5, -2.25, 3e-38, Number.NaN, -0]),
      secondMomentum: Float32Array.from([0.125, 7, 8, 9, 1e30]),
      rowSeen: new Float32Array(0),
    },
  };
}

describe('optimizer state for checkpoints', () => {
  it('round-trips through bytes exactly, including NaN, -0 and empty slots', () => {
    const state = sample();
    const back = decodeOptimizerState(encodeOptimizerState(state));
    expect(back.step).toBe(41);
    expect(Object.keys(back.slots)).toEqual(['momentum', 'secondMomentum', 'rowSeen']);
    for (const name of Object.keys(state.slots)) {
      expect(new Uint8Array(back.slots[name]!.buffer)).toEqual(new Uint8Array(state.slots[name]!.buffer));
    }
  });

  it('reads bytes at any offset of a larger buffer', () => {
    const bytes = encodeOptimizerState(sample());
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(decodeOptimizerState(padded.subarray(3)).slots.secondMomentum).toEqual(sample().slots.secondMomentum);
  });

  it('clones into new buffers', () => {
    const state = sample();
    const copy = cloneOptimizerState(state);
    copy.slots.momentum![0] = 99;
    expect(state.slots.momentum![0]).toBe(1.5);
  });

  it('rejects bytes that are not an encoded state', () => {
    const bytes = encodeOptimizerState(sample());
    expect(() => decodeOptimizerState(new Uint8Array(4))).toThrow(FormatError);
    expect(() => decodeOptimizerState(new Uint8Array(4))).toThrow(/decodeOptimizerState: expected the bytes of an encoded state, got 4 bytes/);
    const badMagic = bytes.slice();
    badMagic[0] = 0;
    expect(() => decodeOptimizerState(badMagic)).toThrow(/not an optimizer state \(bad magic\)/);
    const badVersion = bytes.slice();
    badVersion[4] = 9;
    expect(() => decodeOptimizerState(badVersion)).toThrow(/version 9 is not supported \(expected 1\)/);
    expect(() => decodeOptimizerState(bytes.subarray(0, bytes.length - 4))).toThrow(/expected \d+ bytes for the slots in the header, got \d+/);
    const badHeader = bytes.slice();
    badHeader[12] = 0x5b; // '[' where '{' was
    expect(() => decodeOptimizerState(badHeader)).toThrow(/header (is not valid JSON|must be)/);
    const longHeader = bytes.slice();
    new DataView(longHeader.buffer).setUint32(8, 1e6, true);
    expect(() => decodeOptimizerState(longHeader)).toThrow(/header of 1000000 bytes runs past the end/);
  });
});
