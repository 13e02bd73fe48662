import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batch, shard, shuffle } from '@oar/data';
import { Topology } from '@oar/layers';
import { ParameterClient, type ServerStats } from '@oar/pserver';
import { initBackend, loadParameters, Parameters, SGD } from '@oar/worker';
import clusterConfig, { type Sample } from './fixtures/cluster/config.js';
import { exitCode, freePort, processes, waitFor, type Proc } from './fixtures/cluster/processes.js';

// The cluster trainer as users run it: `oar pserver`, `oar worker` and `oar launch` as separate processes
// talking ZeroMQ over tcp://127.0.0.1, on the cpu backend; results compared with one process.
const root = resolve(import.meta.dirname, '..');
const config = join(root, 'test', 'fixtures', 'cluster', 'config.ts');
const work = mkdtempSync(join(tmpdir(), 'oar-cluster-'));

const { oar, killAll } = processes(work);

async function pservers(n: number, numTrainers: number, ...flags: string[]): Promise<{ endpoints: string[]; procs: Proc[] }> {
  const ports = await Promise.all(Array.from({ length: n }, freePort));
  const procs = ports.map((p) => oar('pserver', '--port', String(p), '--num-trainers', String(numTrainers), ...flags));
  return { endpoints: ports.map((p) => `tcp://127.0.0.1:${p}`), procs };
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: () => {} });
});
afterEach(killAll);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * One process, SGD on the union of what trainers 0..M−1 read at each step. With nobody lost, the master deals
 * trainer i the tasks k ≡ i (mod M) in order; a task is one batch (the default --task-size), so trainer i
 * reads the shard i of M in chunks of a batch.
 */
async function singleProcess(options: Record<string, unknown>, numTrainers: number): Promise<{ topology: Topology; params: Parameters }> {
  const o = { rows: 200, samples: 240, testSamples: 60, optimizer: 'sgd', ...options };
  const setup = await clusterConfig.build(o, { batchSize: 20, seed: 1 });
  const topology = Topology.fromOutputs([setup.cost as never, setup.output]);
  const params = Parameters.create(topology, { seed: 1 });
  // Each trainer reads the first pass of the same seeded shuffle (later calls of a shuffled reader differ).
  const pass0 = [...(shuffle(setup.train as () => Iterable<Sample>, 8192, { seed: 1 })() as Iterable<Sample>)];
  const shuffled = () => pass0;
  const perTrainer = Array.from({ length: numTrainers }, (_, i) => [...(batch(shard(shuffled, i, numTrainers, { chunkSize: 20 }), 20)() as Iterable<Sample[]>)]);
  const union = perTrainer[0]!.map((_, k) => perTrainer.flatMap((batches) => batches[k] ?? []));
  const trainer = new SGD({ cost: topology, parameters: params, updateEquation: setup.optimizer });
  await trainer.train({ reader: () => union, numPasses: 1 });
  return { topology, params };
}

describe('sync training, 2 pservers × 2 trainers', () => {
  // float32 sums in another order; Adam divides by √v, which magnifies that where gradients are tiny.
  const tolerance = { sgd: [1e-5, 1e-4], momentum: [1e-5, 1e-4], adam: [1e-4, 1e-3] } as const;
  for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
    it(`ends with the parameters of one process trained on the union of each step's batches (${optimizer})`, async () => {
      const save = join(work, `sync-${optimizer}`);
      const launch = oar('launch', '--config', config, '--pservers', '2', '--trainers', '2', '--num-passes', '1', '--backend', 'cpu', '--save-dir', save, '--optimizer', optimizer);
      expect(await exitCode(launch), launch.output()).toBe(0);
      expect(launch.output()).toMatch(/\[trainer 1\] oar: pass 0 train cost/);
      const { topology, params: ref } = await singleProcess({ optimizer }, 2);
      const got = await loadParameters(topology, join(save, 'pass-00000', 'params'));
      const [atol, rtol] = tolerance[optimizer];
      let worst = 0;
      for (const name of ref.names()) {
        const a = got.get(name);
        const b = ref.get(name);
        for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) - rtol * Math.abs(b[i]!));
      }
      expect(worst, `max |cluster − single| − rtol·|single| (atol ${atol}, rtol ${rtol})`).toBeLessThanOrEqual(atol);
      // Something was learnt: the table moved from its initial values.
      expect(got.get('emb')).not.toEqual(Parameters.create(topology, { seed: 1 }).get('emb'));
      const metrics = readFileSync(join(save, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(new Set(metrics.filter((m) => m.batch !== undefined).map((m) => m.trainer))).toEqual(new Set([0, 1]));
      expect(metrics.filter((m) => m.batch !== undefined)).toHaveLength(12);
    });
  }
});

describe('async training', () => {
  it('lowers the cost, with 2 trainers pushing as they go', async () => {
    const save = join(work, 'async');
    const launch = oar('launch', '--config', config, '--pservers', '2', '--trainers', '2', '--async', '--num-passes', '3', '--backend', 'cpu', '--save-dir', save, '--samples', '400');
    expect(await exitCode(launch), launch.output()).toBe(0);
    const metrics = readFileSync(join(save, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const tests = metrics.filter((m) => m.event === 'test');
    const first = metrics.filter((m) => m.batch !== undefined && m.pass === 0 && m.batch < 2);
    const firstCost = first.reduce((s, m) => s + m.cost, 0) / first.length;
    expect(tests.at(-1).cost).toBeLessThan(0.8 * firstCost);
    expect(launch.output()).toMatch(/pushes, \d+ discarded/);
  });
});

describe('sparse tables', () => {
  it('a 1M-row table moves only the touched rows, and the pserver does not grow per step', async () => {
    const { endpoints } = await pservers(2, 2);
    const args = ['--config', config, '--pservers', endpoints.join(','), '--num-trainers', '2', '--backend', 'cpu', '--save-dir', join(work, 'sparse'), '--rows', '1000000', '--samples', '1600'];
    const workers = [0, 1].map((i) => oar('worker', ...args, '--trainer-id', String(i)));
    const probe = ParameterClient.connect({ endpoints, trainerId: 0, numTrainers: 2 });
    const samples: ServerStats[][] = [];
    const done = Promise.all(workers.map((w) => exitCode(w)));
    let finished = false;
    void done.finally(() => (finished = true));
    while (!finished) {
      samples.push(await probe.stats());
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await done, workers.map((w) => w.output()).join('\n')).toEqual([0, 0]);
    const last = await probe.stats();
    probe.close();
    const tableBytes = 1_000_000 * 8 * 4;
    for (const s of last) {
      expect(s.step).toBe(40);
      // Per push: the dense layers (~0.5 KB) and ≤ 20 samples × 5 ids × (4 B id + 32 B row) — never the table.
      const perPush = (s.tensorBytesIn - tableBytes / 2) / s.pushes; // minus the init, which sends each pserver its half once
      expect(perPush).toBeGreaterThan(0);
      expect(perPush).toBeLessThan(5_000);
    }
    // Memory between step 10 and the end (after a GC): flat, while a copy of the table per step would add 16 MB a step.
    const early = samples.find((ss) => ss.every((s) => s.step >= 10))!;
    expect(early, 'stats sampled at step ≥ 10').toBeDefined();
    for (let i = 0; i < 2; i++) {
      const grow = last[i]!.memory.arrayBuffers + last[i]!.memory.heapUsed - early[i]!.memory.arrayBuffers - early[i]!.memory.heapUsed;
      expect(grow).toBeLessThan(4 * 1024 * 1024);
    }
  });
});

describe('bad cluster configurations are clear errors at start', () => {
  it('a trainer id outside 0..M−1', async () => {
    const w = oar('worker', '--config', config, '--pservers', '127.0.0.1:1', '--trainer-id', '2', '--num-trainers', '2');
    expect(await exitCode(w)).toBe(2);
    expect(w.output()).toMatch(/--trainer-id must be in 0..1 \(--num-trainers 2\), got 2/);
  });

  it('a port in use', async () => {
    const { endpoints, procs } = await pservers(1, 1);
    await waitFor(() => procs[0]!.output().includes('listening'), 'the pserver listening');
    const port = endpoints[0]!.split(':').at(-1)!;
    const second = oar('pserver', '--port', port, '--num-trainers', '1');
    expect(await exitCode(second)).toBe(2);
    expect(second.output()).toMatch(new RegExp(`tcp://\\*:${port} is in use by another process; choose another --port`));
  });

  it('pservers that disagree on M', async () => {
    const a = await pservers(1, 2);
    const b = await pservers(1, 3);
    const w = oar('worker', '--config', config, '--pservers', [...a.endpoints, ...b.endpoints].join(','), '--trainer-id', '0', '--num-trainers', '2', '--backend', 'cpu');
    expect(await exitCode(w)).toBe(2);
    expect(w.output()).toMatch(/started for 3 trainers, but trainer 0 was started with --num-trainers 2/);
  });

  it('a sync trainer against async pservers', async () => {
    const { endpoints } = await pservers(1, 1, '--async');
    const w = oar('worker', '--config', config, '--pservers', endpoints.join(','), '--trainer-id', '0', '--num-trainers', '1', '--backend', 'cpu');
    expect(await exitCode(w)).toBe(2);
    expect(w.output()).toMatch(/the pservers run async SGD, this trainer was started for sync \(--sync \/ --async must match\)/);
  });

  it('a trainer whose topology differs from the one the pservers hold', async () => {
    const { endpoints } = await pservers(1, 2);
    const args = ['--config', config, '--pservers', endpoints.join(','), '--num-trainers', '2', '--backend', 'cpu', '--save-dir', join(work, 'differs')];
    const first = oar('worker', ...args, '--trainer-id', '0');
    await waitFor(() => first.output().includes('sent the initial parameters'), 'trainer 0 sending the initial parameters');
    const other = oar('worker', ...args, '--trainer-id', '1', '--rows', '300');
    expect(await exitCode(other)).toBe(2);
    expect(other.output()).toMatch(/trainer 1 trains a different model/);
  });
});
