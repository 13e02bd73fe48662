import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointDir, decodeCheckpoint, encodeCheckpoint } from './Checkpoint.js';

const work = mkdtempSync(join(tmpdir(), 'oar-checkpoint-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const floats = (n: number, seed: number) => new Uint8Array(Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i)).buffer);

describe('checkpoint files', () => {
  it('round-trip a header and sections of any length', () => {
    const sections = [floats(5, 1), new Uint8Array([1, 2, 3]), new Uint8Array(0), floats(1000, 2)];
    const bytes = encodeCheckpoint({ step: 42, name: 'x' }, sections);
    const back = decodeCheckpoint<{ step: number; name: string }>(bytes);
    expect(back.header).toMatchObject({ step: 42, name: 'x' });
    expect(back.sections.map((s) => [...s])).toEqual(sections.map((s) => [...s]));
  });

  it('refuse a truncated, damaged or foreign file with a message saying which', () => {
    const bytes = encodeCheckpoint({ step: 1 }, [floats(64, 3)]);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 1))).toThrow(/checksum \(SHA-256\) does not match|truncated/);
    expect(() => decodeCheckpoint(bytes.subarray(0, 20))).toThrow(/too short \(truncated\?\)/);
    for (const at of [13, 100, bytes.length - 40, bytes.length - 1]) {
      const flipped = Buffer.from(bytes);
      flipped[at]! ^= 0x10;
      expect(() => decodeCheckpoint(flipped)).toThrow(/checksum \(SHA-256\) does not match its contents/);
    }
    expect(() => decodeCheckpoint(Buffer.alloc(100))).toThrow(/not an oar checkpoint/);
  });
});

describe('CheckpointDir', () => {
  it('keeps the newest N, and falls back past a truncated or damaged newest file (set aside as .corrupt)', () => {
    const dir = join(work, 'rotate');
    const lines: string[] = [];
    const ckpt = new CheckpointDir(dir, { keep: 3, log: (l) => lines.push(l) });
    for (const step of [10, 20, 30, 40, 50]) ckpt.write(step, encodeCheckpoint({ step }, [floats(16, step)]));
    expect(readdirSync(dir).sort()).toEqual(['checkpoint-000000000030.oarckpt', 'checkpoint-000000000040.oarckpt', 'checkpoint-000000000050.oarckpt']);
    expect(ckpt.newest<{ step: number }>()?.header.step).toBe(50);

    truncateSync(join(dir, 'checkpoint-000000000050.oarckpt'), 100);
    const damaged = join(dir, 'checkpoint-000000000040.oarckpt');
    const bytes = readFileSync(damaged);
    bytes[bytes.length - 50]! ^= 1;
    writeFileSync(damaged, bytes);
    const newest = ckpt.newest<{ step: number }>();
    expect(newest?.header.step).toBe(30);
    expect([...newest!.sections[0]!]).toEqual([...floats(16, 30)]);
    expect(lines.join('\n')).toMatch(/skipping checkpoint .*checkpoint-000000000050\.oarckpt: .*truncated/);
    expect(lines.join('\n')).toMatch(/skipping checkpoint .*checkpoint-000000000040\.oarckpt: checkpoint checksum \(SHA-256\) does not match/);
    expect(readdirSync(dir).filter((n) => n.endsWith('.corrupt'))).toHaveLength(2);
    // Rotation goes on from the good one.
    ckpt.write(31, encodeCheckpoint({ step: 31 }, []));
    expect(ckpt.files().map((f) => f.step)).toEqual([31, 30]);
  });

  it('leaves no temporary file, and removes those a crash left behind', () => {
    const dir = join(work, 'tmp');
    const ckpt = new CheckpointDir(dir);
    ckpt.write(1, encodeCheckpoint({}, []));
    writeFileSync(join(dir, '.checkpoint-2.tmp-999'), 'half written');
    new CheckpointDir(dir);
    expect(readdirSync(dir)).toEqual(['checkpoint-000000000001.oarckpt']);
    expect(new CheckpointDir(join(work, 'empty')).newest()).toBeUndefined();
  });
});
