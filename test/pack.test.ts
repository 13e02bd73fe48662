import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each package ships built JavaScript and .d.ts files and works outside the monorepo: pack it with
// `npm pack` (which builds it), install the tarballs into an empty project, import them with plain node.
const root = resolve(import.meta.dirname, '..');
const packages = ['layers', 'networks', 'data', 'pserver', 'worker'];
let work: string;
const tarballs = new Map<string, string>();

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_loglevel: 'error' } });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'oar-pack-'));
  for (const name of packages) {
    const out = run('npm', ['pack', '--pack-destination', work, '--json'], join(root, 'packages', name));
    const info = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    tarballs.set(name, join(work, info[0]!.filename));
  }
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function project(name: string, deps: string[]): string {
  const dir = join(work, name);
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...deps.map((d) => tarballs.get(d)!)], dir);
  return dir;
}

describe('packed packages', () => {
  it('ship dist JavaScript and type declarations, not sources or tests', () => {
    for (const name of packages) {
      const listing = run('tar', ['-tzf', tarballs.get(name)!], work).split('\n');
      expect(listing).toContain('package/dist/index.js');
      expect(listing).toContain('package/dist/index.d.ts');
      expect(listing.filter((f) => /\.test\.|\/src\//.test(f))).toEqual([]);
    }
  });

  it('layers and networks work with nothing else of the monorepo', () => {
    const dir = project('uses-networks', ['layers', 'networks']);
    expect(readdirSync(join(dir, 'node_modules', '@oar')).sort()).toEqual(['layers', 'networks']);
    writeFileSync(join(dir, 'main.js'), `
      import { dataType, layer, Topology } from '@oar/layers';
      import { networks } from '@oar/networks';
      const words = layer.data({ name: 'w', type: dataType.integerValueSequence(100) });
      const emb = layer.embedding({ input: words, size: 8 });
      const out = layer.fc({ input: networks.sequenceConvPool({ input: emb, contextLen: 3, hiddenSize: 4 }), size: 2, act: 'softmax' });
      console.log(Topology.fromOutputs(out).layers.map((l) => l.name).join(','));
    `);
    expect(run('node', ['main.js'], dir).trim()).toBe('w,__embedding_0__,__sequence_conv_pooling_0___conv_proj,__sequence_conv_pooling_0___conv_fc,__sequence_conv_pooling_0__,__fc_layer_0__');
  });

  it('data, pserver and worker import and run from their tarballs', () => {
    const dir = project('uses-all', packages);
    writeFileSync(join(dir, 'main.js'), `
      import { batch, toArray } from '@oar/data';
      import { ParameterOptimizer } from '@oar/pserver';
      import { dataType, layer, Topology } from '@oar/layers';
      import { initBackend, Parameters, infer } from '@oar/worker';
      const batches = await toArray(batch(() => [1, 2, 3], 2));
      const opt = new ParameterOptimizer({ type: 'sgd', learningRate: 0.5 });
      const w = new Float32Array([1]); opt.update(w, new Float32Array([1]), opt.createState(1));
      const info = await initBackend({ backend: 'cpu', log: () => {} });
      const x = layer.data({ name: 'x', type: dataType.denseVector(2) });
      const y = layer.fc({ input: x, size: 1, act: 'linear', biasAttr: false });
      const params = Parameters.create(Topology.fromOutputs(y));
      params.set('___fc_layer_0__.w0', new Float32Array([2, 3]));
      const [out] = infer({ output: y, parameters: params, input: [[[1, 1]]] });
      console.log(JSON.stringify({ batches, w: w[0], backend: info.name, out: out.data[0] }));
    `);
    expect(JSON.parse(run('node', ['main.js'], dir))).toEqual({ batches: [[1, 2], [3]], w: 0.5, backend: 'cpu', out: 5 });
  });
});
