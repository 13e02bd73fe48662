import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The `oar` command as a user runs it: a real process, on the cpu backend to keep it quick.
const root = resolve(import.meta.dirname, '..');
const oar = join(root, 'tools', 'bin', 'oar.js');
const config = join(root, 'test', 'fixtures', 'tiny', 'config.ts');
const work = mkdtempSync(join(tmpdir(), 'oar-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [oar, ...args], { cwd: work, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('oar train', () => {
  const save = join(work, 'run');

  it('trains, writes metrics.jsonl, a plot and a pass folder per pass', () => {
    const r = run('train', '--config', config, '--num-passes', '2', '--save-dir', save, '--backend', 'cpu', '--hidden', '6');
    expect(r.stderr).toMatch(/backend: cpu/);
    expect(r.code).toBe(0);
    expect(readdirSync(save).sort()).toEqual(['curves.svg', 'metrics.jsonl', 'pass-00000', 'pass-00001']);
    const lines = readFileSync(join(save, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ pass: 0, batch: 0, cost: expect.any(Number) });
    const tests = lines.filter((l) => l.event === 'test');
    expect(tests.map((t) => t.pass)).toEqual([0, 1]);
    expect(tests[1].metrics.classification_error).toBeLessThan(0.1);
    expect(readFileSync(join(save, 'curves.svg'), 'utf8')).toMatch(/^<svg[\s\S]*classification error[\s\S]*<\/svg>$/);
    const pass = join(save, 'pass-00001');
    expect(readdirSync(pass).sort()).toEqual(['meta.json', 'optimizer', 'params', 'state.json', 'topology.json']);
    expect(JSON.parse(readFileSync(join(pass, 'meta.json'), 'utf8'))).toMatchObject({ pass: 1, samplesProcessed: 600, options: { hidden: 6, samples: 300 } });
  });

  it('--resume continues from the newest pass with the saved options, overridden by the flags given', () => {
    const r = run('train', '--config', config, '--num-passes', '1', '--save-dir', save, '--backend', 'cpu', '--resume', '--samples', '150');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/resuming from .*pass-00001 \(pass 1\)/);
    expect(existsSync(join(save, 'pass-00002'))).toBe(true);
    expect(JSON.parse(readFileSync(join(save, 'pass-00002', 'meta.json'), 'utf8'))).toMatchObject({ pass: 2, samplesProcessed: 750, options: { hidden: 6, samples: 150 } });
    const lines = readFileSync(join(save, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.event === 'test').map((t) => t.pass)).toEqual([0, 1, 2]);
  });

  it('oar infer prints one result per input line from a pass folder or a save dir', () => {
    const input = join(work, 'points.txt');
    writeFileSync(input, '0,2\n2,-1\n-2,-1\n');
    for (const model of [join(save, 'pass-00002'), save]) {
      const r = run('infer', '--model', model, '--input', input, '--backend', 'cpu');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('0,2\t0\n2,-1\t1\n-2,-1\t2\n');
    }
  });

  it('oar evaluate reports a saved model\'s test cost and metrics, as training logged them', () => {
    const r = run('evaluate', '--model', join(save, 'pass-00002'), '--backend', 'cpu');
    expect(r.code).toBe(0);
    const lines = readFileSync(join(save, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const logged = lines.filter((l) => l.event === 'test' && l.pass === 2)[0];
    expect(r.stderr).toContain(`test cost ${logged.cost.toFixed(4)}, classification_error ${logged.metrics.classification_error.toFixed(4)}`);
  });

  it('oar average writes a pass folder whose parameters are the mean of the passes given, which infer reads', () => {
    const out = join(work, 'averaged');
    const passes = ['pass-00000', 'pass-00001', 'pass-00002'].map((p) => join(save, p));
    const r = run('average', ...passes, '--out', out);
    expect(r.stderr).toMatch(/averaged passes 0, 1, 2 of .*config\.ts into .*pass-00002/);
    expect(r.code).toBe(0);
    const averaged = join(out, 'pass-00002');
    expect(JSON.parse(readFileSync(join(averaged, 'meta.json'), 'utf8'))).toMatchObject({ pass: 2, averagedFrom: [0, 1, 2], options: { hidden: 6 } });
    // Paddle's parameter file: a 16-byte header, then float32 values.
    const floats = (file: string) => new Float32Array(new Uint8Array(readFileSync(file)).slice(16).buffer);
    const names = readdirSync(join(averaged, 'params'));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const inputs = passes.map((p) => floats(join(p, 'params', name)));
      const mean = floats(join(averaged, 'params', name));
      expect(mean.length).toBe(inputs[0]!.length);
      mean.forEach((v, i) => expect(v).toBeCloseTo((inputs[0]![i]! + inputs[1]![i]! + inputs[2]![i]!) / 3, 6));
    }
    const input = join(work, 'points.txt');
    expect(run('infer', '--model', out, '--input', input, '--backend', 'cpu').code).toBe(0);
  });

  it.each([
    [['train', '--config', 'nope.ts'], /oar: --config: no such file nope\.ts/],
    [['train', '--config', config, '--num-passes', '0'], /--num-passes must be a positive integer, got "0"/],
    [['train', '--config', config, '--backend', 'tpu'], /Allowed choices are tensorflow-gpu, tensorflow, wasm, cpu/],
    [['train', '--config', config, '--hiden', '3'], /Unknown option '--hiden'.*declares: --hidden, --samples/],
    [['train', '--config', config, '--hidden', 'many'], /--hidden must be a number, got "many"/],
    [['train', '--config', config, '--save-dir', join(work, 'empty'), '--resume'], /--resume: .*empty has no pass-NNNNN folder to resume from/],
    [['train', '--config', config, '--save-dir', join(work, 'run'), '--resume', '--hidden', '9'], /--resume: the model in .*pass-00002 differs from what .* builds now; use another --save-dir/],
    [['infer', '--model', work, '--input', 'x.txt'], /--model: .* is neither a pass folder \(with meta\.json\) nor a save dir/],
    [['average', join(work, 'run', 'pass-00000'), '--out', join(work, 'avg-one')], /oar average needs at least two pass folders, got 1/],
    [['average', join(work, 'run', 'pass-00000'), work, '--out', join(work, 'avg-bad')], /oar average: .* is not a pass folder \(no meta\.json\)/],
  ])('%j fails clearly', (args, message) => {
    const r = run(...(args as string[]));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });
});

describe('oar generate (g2p example on a slice of the real CMU dictionary)', () => {
  const save = join(work, 'g2p');
  const lexicon = join(work, 'lexicon.txt');
  const g2p = join(root, 'examples', 'g2p', 'config.ts');
  const small = ['--emb-size', '8', '--encoder-size', '8', '--decoder-size', '16', '--max-length', '12'];

  it('trains, evaluates WER/PER on held-out words, and generates pronunciations best first', () => {
    const dict = readFileSync(join(root, 'node_modules', '@stdlib', 'datasets-cmudict', 'data', 'dict.txt'), 'utf8');
    writeFileSync(lexicon, dict.split('\n').filter((l) => /^[A-Z]/.test(l)).slice(20000, 20400).join('\n'));
    const r = run('train', '--config', g2p, '--data', lexicon, '--test-percent', '20', '--save-dir', save, '--backend', 'cpu', '--batch-size', '50', ...small);
    expect(r.stderr).toMatch(/pass 0 evaluation, wer [01]\.\d+, per [0-9.]+, words \d+/);
    expect(r.code).toBe(0);
    const evals = readFileSync(join(save, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.event === 'eval');
    expect(evals).toHaveLength(1);
    expect(evals[0].metrics.words).toBeGreaterThan(40);
    expect(readdirSync(join(save, 'pass-00000'))).toContain('generator.json');
    const words = join(work, 'words.txt');
    writeFileSync(words, 'OAR\nPADDLE\n');
    const g = run('generate', '--model', save, '--input', words, '--beam-size', '3', '--num-results', '2', '--backend', 'cpu');
    expect(g.stderr).toBe('');
    expect(g.code).toBe(0);
    const lines = g.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(lines.map((l) => l[0])).toEqual(['OAR', 'OAR', 'PADDLE', 'PADDLE']);
    for (const [, tokens, score] of lines) {
      expect(tokens).toMatch(/^([A-Z]+|<unk>|<s>)( ([A-Z]+|<unk>|<s>))*$|^$/);
      expect(Number(score)).toBeLessThan(0);
    }
    expect(Number(lines[0]![2])).toBeGreaterThanOrEqual(Number(lines[1]![2]));
  });

  it('rejects --num-results above --beam-size', () => {
    const words = join(work, 'words.txt');
    const r = run('generate', '--model', save, '--input', words, '--beam-size', '2', '--num-results', '3', '--backend', 'cpu');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--num-results \(3\) cannot exceed --beam-size \(2\)/);
  });
});
