import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { diffModelConfigs, parseProtostr } from '@oar/layers';
import { Random } from '@oar/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { GOLDEN_DIR, golden } from './golden.js';

// oar import-paddle and oar export-paddle as a user runs them (real processes, cpu backend), with the model
// folder going through oar infer and oar train --resume in between.
const root = resolve(import.meta.dirname, '..', '..');
const oar = join(root, 'tools', 'bin', 'oar.js');
const work = mkdtempSync(join(tmpdir(), 'oar-paddle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const goldenFile = (name: string) => new URL(`${name}.protostr`, GOLDEN_DIR).pathname;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [oar, ...args], { cwd: work, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** JSON lines of shared_lstm samples: two sequences of 100-dim rows and a label in [0, 10). */
function writeSamples(file: string, n: number, seed: number, label = true): void {
  const random = new Random(seed);
  const seq = () => Array.from({ length: 2 + Math.floor(random.uniform() * 3) }, () => Array.from({ length: 100 }, () => Number(random.normal().toFixed(4))));
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ data_a: seq(), data_b: seq(), ...(label ? { label: i % 10 } : {}) }));
  writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('oar import-paddle, infer, train --resume, export-paddle', () => {
  const model = join(work, 'lstm');
  const samples = join(work, 'samples.jsonl');
  const inputs = join(work, 'inputs.jsonl');
  writeSamples(samples, 24, 1);
  writeSamples(inputs, 3, 2, false);

  it('imports a Paddle protostr into a save dir with pass-00000, a config module and the protostr', () => {
    const r = run('import-paddle', '--config', goldenFile('shared_lstm'), '--out', model);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/imported 25 layers and 4 parameters \(initialised\)/);
    expect(r.stderr).toMatch(/data types data_a=dense_vector_sequence, data_b=dense_vector_sequence, label=integer_value; oar infer computes __fc_layer_0__/);
    expect(readdirSync(model).sort()).toEqual(['config.mts', 'paddle', 'pass-00000']);
    expect(readdirSync(join(model, 'pass-00000')).sort()).toEqual(['meta.json', 'optimizer', 'params', 'state.json', 'topology.json']);
    expect(readdirSync(join(model, 'pass-00000', 'params')).sort()).toEqual(['lstm_bias', 'lstm_param', 'mixed_param', 'softmax_param']);
    expect(readFileSync(join(model, 'paddle', 'model.protostr'), 'utf8')).toBe(readFileSync(goldenFile('shared_lstm'), 'utf8'));
  });

  it('oar infer runs it, one line of softmax values per input line', () => {
    const r = run('infer', '--model', model, '--input', inputs, '--backend', 'cpu');
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => l.split(' ').map(Number));
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toHaveLength(10);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });

  it('oar train --resume trains it on JSON lines samples', () => {
    const r = run('train', '--config', join(model, 'config.mts'), '--save-dir', model, '--resume', '--data', samples, '--backend', 'cpu', '--batch-size', '8');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/resuming from .*pass-00000 \(pass 0\)/);
    expect(existsSync(join(model, 'pass-00001', 'params', 'lstm_param'))).toBe(true);
    const before = readFileSync(join(model, 'pass-00000', 'params', 'lstm_param'));
    expect(readFileSync(join(model, 'pass-00001', 'params', 'lstm_param')).equals(before)).toBe(false);
  });

  it('oar export-paddle writes the trained model back; importing that gives the same outputs', () => {
    const prefix = join(work, 'out', 'lstm');
    const r = run('export-paddle', '--model', model, '--out', prefix);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/wrote .*lstm\.protostr \(25 layers\) and .*lstm\.tar \(4 parameters\) from .*pass-00001/);
    // The same network, but `oar train` traces the model folder's topology from its outputs, the inference output
    // added: layers come in the order the trace meets them (Paddle made both projections before the groups).
    expect(diffModelConfigs(parseProtostr(readFileSync(`${prefix}.protostr`, 'utf8')), golden('shared_lstm'))).toEqual([
      'model.layers: order differs: Oar has __lstm_group_0___recurrent_group where Paddle has __mixed_1__',
      'model.output_layer_names: Oar "__cost_0__", "__fc_layer_0__", Paddle "__cost_0__"',
      'sub_model root.layer_names: order differs: Oar has __lstm_group_0___recurrent_group where Paddle has __mixed_1__',
      'sub_model root.output_layer_names: Oar "__cost_0__", "__fc_layer_0__", Paddle "__cost_0__"',
    ]);
    const again = join(work, 'again');
    expect(run('import-paddle', '--config', `${prefix}.protostr`, '--params', `${prefix}.tar`, '--out', again).code).toBe(0);
    const trained = run('infer', '--model', model, '--input', inputs, '--backend', 'cpu');
    const reimported = run('infer', '--model', again, '--input', inputs, '--backend', 'cpu');
    expect(reimported.code).toBe(0);
    expect(reimported.stdout).toBe(trained.stdout);
  });

  it.each([
    [['import-paddle', '--config', goldenFile('projections'), '--out', 'x'], /oar: import: layer "__mixed_1__" \(mixed\): layer\.tableProjection: input must be integer ids/],
    [['import-paddle', '--config', goldenFile('test_fc'), '--out', 'x', '--data-type', 'data=dense'], /--data-type must be NAME=TYPE with TYPE one of dense_vector, integer_value/],
    [['import-paddle', '--config', 'nope.protostr', '--out', 'x'], /--config: cannot read nope\.protostr/],
    [['import-paddle', '--config', goldenFile('shared_lstm'), '--out', 'x', '--params', goldenFile('shared_lstm')], /tar: the header at byte 0 has a bad checksum/],
    [['import-paddle', '--config', goldenFile('shared_lstm'), '--out', 'x', '--output', 'nope'], /--output: "nope" is not a layer outside the recurrent groups/],
    [['export-paddle', '--model', 'nowhere', '--out', 'x'], /--model: nowhere is neither a pass folder/],
  ])('%j is refused with a clear message', (args, message) => {
    const r = run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('oar train on an imported model without --data says where samples go', () => {
    const fresh = join(work, 'fresh');
    expect(run('import-paddle', '--config', goldenFile('shared_fc'), '--out', fresh).code).toBe(0);
    const r = run('train', '--config', join(fresh, 'config.mts'), '--save-dir', fresh, '--resume', '--backend', 'cpu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--data: this model was imported from Paddle and has no data of its own; give samples with --data FILE \(JSON lines, fields feature_a, feature_b, label\)/);
  });
});
