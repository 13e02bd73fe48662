import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as zmq from 'zeromq';
import { Topology } from '@oar/layers';
import { decodeHeader, encodeRequestHeader, ParameterClient, planShards, readKeyPair, readPublicKey, type ParameterSpec } from '@oar/pserver';
import { initBackend, Parameters, RemoteUpdater } from '@oar/worker';
import clusterConfig from './fixtures/cluster/config.js';
import { childPid, exitCode, freePort, metricsOf, processes, waitFor } from './fixtures/cluster/processes.js';

// Faults with real processes on tcp://127.0.0.1 (cpu backend, the small model of fixtures/cluster): a trainer
// killed with SIGKILL mid-pass, a pserver killed and restarted from its checkpoints, clients without the
// CURVE key, and garbage thrown at a live pserver.
const root = resolve(import.meta.dirname, '..');
const config = join(root, 'test', 'fixtures', 'cluster', 'config.ts');
const work = mkdtempSync(join(tmpdir(), 'oar-faults-'));
const { oar, killAll } = processes(work);

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: () => {} });
});
afterEach(() => killAll());
afterAll(() => rmSync(work, { recursive: true, force: true }));

const batchLines = (file: string) => metricsOf(file).filter((m) => m.batch !== undefined);
const testError = (file: string) => (metricsOf(file).filter((m) => m.event === 'test').at(-1)?.metrics as Record<string, number>).classification_error!;

describe('a trainer killed with SIGKILL mid-pass (sync)', () => {
  it('the others finish the pass, every sample is trained once, and launch exits 0 reporting the lost trainer', async () => {
    const save = join(work, 'killed-trainer');
    const metrics = join(save, 'metrics.jsonl');
    const launch = oar('launch', '--config', config, '--pservers', '2', '--trainers', '3', '--num-passes', '1', '--backend', 'cpu',
      '--save-dir', save, '--samples', '2400', '--trainer-timeout', '5');
    await waitFor(() => batchLines(metrics).filter((m) => m.trainer === 2).length >= 3, 'trainer 2 to train 3 batches');
    const [t0, t1, t2] = [0, 1, 2].map((i) => childPid(launch.child.pid!, '--trainer-id', String(i)));
    expect([t0, t1, t2].every((pid) => pid !== undefined), launch.output()).toBe(true);
    // Trainer 2 is killed while it waits in the step barrier: trainers 0 and 1 are held for half a second so
    // that it has logged every task its pushes completed (a kill between the master's count and the log line
    // would make the count below miss a task that was trained).
    process.kill(t0!, 'SIGSTOP');
    process.kill(t1!, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, 500));
    process.kill(t2!, 'SIGKILL');
    const before = launch.output().length;
    process.kill(t0!, 'SIGCONT');
    process.kill(t1!, 'SIGCONT');

    expect(await exitCode(launch), launch.output()).toBe(0);
    const after = launch.output().slice(before);
    expect(after).toMatch(/oar launch: trainer 2 lost \(SIGKILL\); the other 2 go on without it/);
    expect(after).toMatch(/\[pserver 0\] oar pserver: trainer 2 dropped: silent for \d+\.\d s \(--trainer-timeout 5\); going on with trainer\(s\) 0, 1/);
    expect(after).toMatch(/\[pserver 0\] oar pserver: task \d+ of pass 0, held by trainer 2, will be dealt again/);
    expect(after).toMatch(/\[pserver 0\] oar pserver: pass 0 done at step \d+ by trainer\(s\) 0, 1; 120 tasks trained, each once/);
    expect(after).toMatch(/oar launch: done; 1 of 3 trainers lost \(trainer 2\), the others finished the job/);

    // Every task (chunk of 20 samples) of the pass completed exactly once, as the trainers logged them.
    const lines = batchLines(metrics);
    const tasks = lines.filter((m) => m.task !== undefined);
    expect(tasks.map((m) => m.task as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, k) => k));
    expect(tasks.reduce((n, m) => n + (m.taskSamples as number), 0)).toBe(2400);
    const byTrainer = [0, 1, 2].map((t) => tasks.filter((m) => m.trainer === t).length);
    expect(byTrainer[2]).toBeGreaterThanOrEqual(3);
    expect(byTrainer[0]! + byTrainer[1]!).toBe(120 - byTrainer[2]!);
    // Trainer 2's own share (chunks k ≡ 2 mod 3) went on without it: trainers 0 and 1 did most of it.
    expect(tasks.filter((m) => (m.task as number) % 3 === 2 && m.trainer !== 2).length).toBe(40 - byTrainer[2]!);
    expect(metricsOf(metrics).filter((m) => m.event === 'test')).toHaveLength(1);
  });
});

describe('a pserver killed with SIGKILL and restarted with its --checkpoint-dir', () => {
  async function job(name: string, kill: boolean) {
    const ports = [await freePort(), await freePort()];
    const pserver = (i: number) => oar('pserver', '--port', String(ports[i]), '--num-trainers', '2',
      '--checkpoint-dir', join(work, name, `pserver-${i}`), '--checkpoint-every-steps', '5');
    const ps = [pserver(0), pserver(1)];
    const save = join(work, name, 'run');
    const metrics = join(save, 'metrics.jsonl');
    const args = ['worker', '--config', config, '--pservers', ports.map((p) => `127.0.0.1:${p}`).join(','), '--num-trainers', '2',
      '--backend', 'cpu', '--save-dir', save, '--samples', '2000', '--test-samples', '600', '--num-passes', '2', '--optimizer', 'momentum'];
    const workers = [0, 1].map((i) => oar(...args, '--trainer-id', String(i)));
    let restarted: ReturnType<typeof oar> | undefined;
    let stepAtKill = -1;
    if (kill) {
      // 100 batches per pass over both trainers: kill pserver 0 in the middle of pass 0.
      await waitFor(() => batchLines(metrics).length >= 60, '60 batches trained');
      const probe = ParameterClient.connect({ endpoints: [`tcp://127.0.0.1:${ports[1]}`], trainerId: 0, numTrainers: 2 });
      stepAtKill = (await probe.stats())[0]!.step;
      probe.close();
      ps[0]!.child.kill('SIGKILL');
      await ps[0]!.exited;
      await new Promise((r) => setTimeout(r, 1000));
      restarted = pserver(0);
    }
    const codes = await Promise.all(workers.map((w) => exitCode(w)));
    expect(codes, workers.map((w) => w.output()).join('\n')).toEqual([0, 0]);
    return { error: testError(metrics), batches: batchLines(metrics).length, restarted, stepAtKill, workers };
  }

  it('training resumes from its checkpoint, loses at most the steps since it, and ends as accurate as an undisturbed run', async () => {
    const undisturbed = await job('undisturbed', false);
    const disturbed = await job('disturbed', true);
    const log = disturbed.restarted!.output();
    const resumed = /oar pserver: resumed from .*checkpoint-\d{12}\.oarckpt: step (\d+), 0 pass\(es\) done, pserver 0 of 2/.exec(log);
    expect(resumed, log).not.toBeNull();
    const from = Number(resumed![1]);
    // Checkpoints every 5 steps; pservers are at most a step apart.
    expect(from).toBeGreaterThanOrEqual(disturbed.stepAtKill - 6);
    expect(from).toBeLessThanOrEqual(disturbed.stepAtKill + 1);
    const caughtUp = /trainers are at step (\d+), this pserver resumed at step (\d+): (\d+) step\(s\) lost/.exec(log);
    if (caughtUp) expect(Number(caughtUp[3])).toBeLessThanOrEqual(5);
    expect(disturbed.workers.map((w) => w.output()).join('\n')).toMatch(/pserver tcp:\/\/127\.0\.0\.1:\d+ restarted; sending again/);
    // 2 passes of 100 batches; a pserver that rolled back deals the tasks it lost again.
    expect(undisturbed.batches).toBe(200);
    expect(disturbed.batches).toBeGreaterThanOrEqual(200);
    expect(undisturbed.error).toBeLessThan(0.15);
    expect(Math.abs(disturbed.error - undisturbed.error), `test error ${disturbed.error} vs ${undisturbed.error} undisturbed`).toBeLessThanOrEqual(0.05);
  });
});

describe('a damaged newest checkpoint', () => {
  it('is set aside at restart: the pserver resumes from the one before and the job finishes', async () => {
    const port = await freePort();
    const dir = join(work, 'damaged', 'pserver-0');
    const pserver = () => oar('pserver', '--port', String(port), '--num-trainers', '1', '--checkpoint-dir', dir, '--checkpoint-every-steps', '4');
    const first = pserver();
    const save = join(work, 'damaged', 'run');
    const metrics = join(save, 'metrics.jsonl');
    const worker = oar('worker', '--config', config, '--pservers', `127.0.0.1:${port}`, '--trainer-id', '0', '--num-trainers', '1', '--backend', 'cpu',
      '--save-dir', save, '--samples', '1200', '--num-passes', '2');
    await waitFor(() => batchLines(metrics).length >= 30, '30 batches trained');
    first.child.kill('SIGKILL');
    await first.exited;
    const files = readdirSync(dir).filter((n) => n.endsWith('.oarckpt')).sort();
    expect(files.length).toBeGreaterThanOrEqual(2);
    const newest = join(dir, files.at(-1)!);
    truncateSync(newest, statSync(newest).size - 100);
    const second = pserver();
    expect(await exitCode(worker), worker.output()).toBe(0);
    const log = second.output();
    expect(log).toMatch(new RegExp(`skipping checkpoint .*${files.at(-1)!.replace('.', '\\.')}: checkpoint checksum \\(SHA-256\\) does not match its contents \\(truncated or damaged\\); renamed to .*\\.corrupt`));
    expect(log).toMatch(new RegExp(`resumed from .*${files.at(-2)!.replace('.', '\\.')}: step \\d+`));
    expect(readdirSync(dir).filter((n) => n.endsWith('.corrupt'))).toEqual([`${files.at(-1)}.corrupt`]);
    expect(metricsOf(metrics).filter((m) => m.event === 'test')).toHaveLength(2);
  });
});

/** The fixture's model as trainer 0 of one pserver sees it: topology, parameters and the pserver's plan. */
async function fixtureModel() {
  const setup = await clusterConfig.build({ rows: 200, samples: 240, testSamples: 60, optimizer: 'sgd' }, { batchSize: 20, seed: 1 });
  const topology = Topology.fromOutputs([setup.cost as never, setup.output]);
  const params = Parameters.create(topology, { seed: 1 });
  const specs: ParameterSpec[] = params.names().map((n) => params.config(n)).filter((p) => !p.is_static)
    .map((p) => ({ name: p.name, size: p.size, ...(p.name === 'emb' ? { table: { rows: p.dims[0]!, width: p.dims[1]! } } : {}) }));
  return { setup, topology, params, plan: planShards(specs, 1) };
}

async function snapshot(client: ParameterClient, params: Parameters): Promise<Map<string, Float32Array>> {
  const values = new Map(params.names().map((n) => [n, new Float32Array(params.get(n).length)]));
  const { emb, ...dense } = Object.fromEntries(values);
  await client.pull({ minStep: 0, dense: new Map(Object.entries(dense)), tables: new Map([['emb', { table: emb!, rowIds: 'all' }]]) });
  return values;
}

describe('CURVE', () => {
  it('oar keygen; a worker with an authorised key trains; a client without it cannot push or pull', async () => {
    for (const who of ['server', 'trainer', 'stranger']) {
      const k = oar('keygen', '--out', join(work, 'keys', who));
      expect(await exitCode(k)).toBe(0);
      expect(k.output()).toMatch(/oar keygen: secret key in .*keys\/\w+\.key \(keep it private\), public key in .*\.pub/);
    }
    const key = (f: string) => join(work, 'keys', f);
    const again = oar('keygen', '--out', key('server'));
    expect(await exitCode(again)).toBe(2);
    expect(again.output()).toMatch(/exists already; keygen does not overwrite keys/);

    const port = await freePort();
    const ps = oar('pserver', '--port', String(port), '--num-trainers', '1', '--curve', key('server.key'), '--authorized-keys', key('trainer.pub'));
    const save = join(work, 'curve');
    const worker = oar('worker', '--config', config, '--pservers', `127.0.0.1:${port}`, '--trainer-id', '0', '--num-trainers', '1', '--backend', 'cpu',
      '--save-dir', save, '--curve', key('trainer.key'), '--server-key', key('server.pub'));
    expect(await exitCode(worker), worker.output()).toBe(0);
    expect(ps.output()).toMatch(/CURVE, 1 authorised key\(s\)/);

    const endpoint = `tcp://127.0.0.1:${port}`;
    const { params, plan } = await fixtureModel();
    const server = readPublicKey(key('server.pub'));
    const trainer = { ...readKeyPair(key('trainer.key')), serverKey: server };
    const good = ParameterClient.connect({ endpoints: [endpoint], trainerId: 0, numTrainers: 1, curve: trainer });
    good.usePlan(plan);
    const before = await snapshot(good, params);
    const stranger = readKeyPair(key('stranger.key'));
    const intruders = {
      'an unlisted key': new zmq.Dealer({ linger: 0, receiveTimeout: 2000, curveServerKey: server, curvePublicKey: stranger.publicKey, curveSecretKey: stranger.secretKey }),
      'no CURVE': new zmq.Dealer({ linger: 0, receiveTimeout: 2000 }),
    };
    const grads = plan.blocks[0]!.map((b) => Buffer.from(new Float32Array(b.length).fill(1000).buffer));
    for (const [what, raw] of Object.entries(intruders)) {
      raw.connect(endpoint);
      const push = { v: 2, id: 1, op: 'push', trainer: 0, step: 20, pass: 1, samples: 20, version: 20, tables: [], session: 'x', seq: 1, task: -1 };
      await raw.send([encodeRequestHeader(push, grads), ...grads]);
      await raw.send([encodeRequestHeader({ v: 2, id: 2, op: 'pull', trainer: 0, minStep: 0, dense: true, tables: [] }, [])]);
      await expect(raw.receive(), what).rejects.toThrow(/Socket temporarily unavailable|timed out/);
      raw.close();
    }
    expect(ps.output()).toMatch(new RegExp(`refused a connection from .*: its CURVE key ${stranger.publicKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not in the authorised keys`));
    expect(ps.output()).toMatch(/oar pserver: refused a connection from tcp:\/\/127\.0\.0\.1:\d+: CURVE handshake failed/);
    const after = await snapshot(good, params);
    for (const [name, v] of before) expect(after.get(name), name).toEqual(v);
    good.close();
  });
});

describe('garbage thrown at a live pserver', () => {
  it('10,000+ random and mutated messages: each refused with an error reply, no crash, values unchanged, a real trainer served after', async () => {
    const port = await freePort();
    const ps = oar('pserver', '--port', String(port), '--num-trainers', '1');
    const endpoint = `tcp://127.0.0.1:${port}`;
    const { topology, params, plan, setup } = await fixtureModel();
    const updater = new RemoteUpdater(topology, params, setup.optimizer, { pservers: [endpoint], trainerId: 0, numTrainers: 1, tables: ['emb'] });
    await updater.start(params);
    const before = await snapshot(updater.client, params);

    const messages = fuzzMessages(updater.modelHash, plan, 10_500);
    const raw = new zmq.Dealer({ linger: 0, sendHighWaterMark: 0, receiveHighWaterMark: 0 });
    raw.connect(endpoint);
    const replies: Record<string, unknown>[] = [];
    const received = (async () => {
      for await (const [head] of raw) {
        replies.push(decodeHeader(head));
        if (replies.length === messages.length) return;
      }
    })();
    for (const m of messages) await raw.send(m);
    await Promise.race([received, new Promise((r) => setTimeout(r, 60_000).unref())]);
    raw.close();
    expect(replies.length, ps.output().slice(-3000)).toBe(messages.length);
    const accepted = replies.filter((r) => r.ok !== false);
    expect(accepted, JSON.stringify(accepted.slice(0, 3))).toEqual([]);
    expect(ps.child.exitCode).toBeNull();
    const stats = (await updater.client.stats())[0]!;
    expect(stats).toMatchObject({ pushes: 0, step: 0 });
    expect(stats.errors).toBe(messages.length);
    expect(ps.output()).toMatch(/oar pserver: rejected a message: /);
    const after = await snapshot(updater.client, params);
    for (const [name, v] of before) expect(after.get(name), name).toEqual(v);
    updater.close();

    // A real trainer is served as if nothing had happened.
    const save = join(work, 'after-fuzz');
    const worker = oar('worker', '--config', config, '--pservers', `127.0.0.1:${port}`, '--trainer-id', '0', '--num-trainers', '1', '--backend', 'cpu', '--save-dir', save);
    expect(await exitCode(worker), worker.output()).toBe(0);
    expect(batchLines(join(save, 'metrics.jsonl'))).toHaveLength(12);
    expect(existsSync(join(save, 'pass-00000', 'params'))).toBe(true);
    expect(readFileSync(join(save, 'metrics.jsonl'), 'utf8')).toMatch(/"event":"test"/);
  });
});

/**
 * `n` messages a pserver must refuse: mutations of valid requests (flipped bytes, truncated, dropped, added,
 * duplicated and swapped frames), fields given wrong types or out-of-range values with a correct CRC (so that
 * the schema checks are reached), huge lengths and headers, and random bytes.
 */
function fuzzMessages(modelHash: string, plan: ReturnType<typeof planShards>, n: number): Buffer[][] {
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const int = (k: number) => Math.floor(rand() * k);
  const bytes = (k: number) => Buffer.from(Array.from({ length: k }, () => int(256)));
  const floats = (k: number) => Buffer.from(Float32Array.from({ length: k }, () => rand() - 0.5).buffer);
  const emb = plan.params.findIndex((p) => p.name === 'emb');
  const dense = plan.params.findIndex((p) => !p.table);
  const rows = Buffer.from(Int32Array.from([1, 3]).buffer);
  const base = { v: 2, trainer: 0 };
  const valid: { header: Record<string, unknown>; frames: Buffer[] }[] = [
    { header: { ...base, op: 'hello', numTrainers: 1, modelHash }, frames: [] },
    { header: { ...base, op: 'heartbeat' }, frames: [] },
    { header: { ...base, op: 'stats' }, frames: [] },
    { header: { ...base, op: 'finishPass', pass: 0 }, frames: [] },
    { header: { ...base, op: 'idle', pass: 0 }, frames: [] },
    { header: { ...base, op: 'task', pass: 0, numTasks: 12, wait: false }, frames: [] },
    { header: { ...base, op: 'pull', minStep: 0, dense: true, tables: [[emb, 2]] }, frames: [rows] },
    {
      header: { ...base, op: 'push', step: 0, pass: 0, samples: 20, version: 0, tables: [[emb, 2]], session: 'fuzz', seq: 1, task: -1 },
      frames: [...plan.blocks[0]!.map((b) => floats(b.length)), rows, floats(2 * 8)],
    },
  ];
  const encode = (header: unknown, frames: Buffer[]) => [encodeRequestHeader(header as object, frames), ...frames];
  const bad: Record<string, unknown[]> = {
    any: [-1, 0.5, 'x', null, [], {}, true, 2 ** 53, -(2 ** 31)],
    string: [-1, null, [], {}, true, 'x'.repeat(300)],
    boolean: [0, 'true', null, []],
  };
  const kindOf = (key: string) => (['modelHash', 'session'].includes(key) ? 'string' : ['dense', 'wait'].includes(key) ? 'boolean' : 'any');
  const mutations: ((m: { header: Record<string, unknown>; frames: Buffer[] }, id: number) => Buffer[])[] = [
    // Bytes: a flipped byte, a truncated frame, a frame dropped, added, duplicated or swapped.
    (m, id) => {
      const msg = encode({ ...m.header, id }, m.frames);
      const f = int(msg.length);
      const frame = Buffer.from(msg[f]!);
      if (frame.length === 0) return [...msg, bytes(3)];
      frame[int(frame.length)]! ^= 1 + int(255);
      msg[f] = frame;
      return msg;
    },
    (m, id) => {
      const msg = encode({ ...m.header, id }, m.frames);
      const f = int(msg.length);
      if (msg[f]!.length === 0) return msg.slice(0, f);
      msg[f] = msg[f]!.subarray(0, int(msg[f]!.length));
      return msg;
    },
    (m, id) => {
      const msg = encode({ ...m.header, id }, m.frames);
      if (msg.length === 1) return [...msg, Buffer.alloc(0)];
      const drop = 1 + int(msg.length - 1);
      return msg.filter((_, i) => i !== drop);
    },
    (m, id) => {
      const msg = encode({ ...m.header, id }, m.frames);
      msg.splice(1 + int(msg.length), 0, int(2) ? Buffer.alloc(0) : bytes(1 + int(64)));
      return msg;
    },
    (m, id) => {
      const msg = encode({ ...m.header, id }, m.frames);
      const f = int(msg.length);
      msg.splice(f, 0, msg[f]!);
      return msg;
    },
    (m, id) => {
      const msg = encode({ ...m.header, id }, m.frames);
      if (msg.length < 3) return [msg[0]!, bytes(8), ...msg.slice(1)];
      const [a, b] = [1 + int(msg.length - 1), 1 + int(msg.length - 1)];
      if (msg[a]!.equals(msg[b]!)) return msg.slice(0, -1);
      [msg[a], msg[b]] = [msg[b]!, msg[a]!];
      return msg;
    },
    // Fields: a wrong type or value, or missing, with a correct CRC.
    (m, id) => {
      const keys = Object.keys(m.header);
      const key = keys[int(keys.length)]!;
      const header: Record<string, unknown> = { ...m.header, id };
      if (int(5) === 0) delete header[key];
      else {
        const choices = key === 'trainer' ? [...bad.any!, 1, 7] : key === 'op' ? ['explode', 1, null] : key === 'task' ? [-2, 0.5, 'x', null, 2 ** 53] : bad[kindOf(key)]!;
        header[key] = choices[int(choices.length)];
      }
      return encode(header, m.frames);
    },
    // Out of range with a correct CRC: huge lengths, rows not held here, a parameter that is no table, short frames.
    (m, id) => {
      const which = int(5);
      if (which === 0) return encode({ ...valid[6]!.header, id, tables: [[emb, 2 ** 31 - 1]] }, [rows]);
      if (which === 1) return encode({ ...valid[6]!.header, id }, [Buffer.from(Int32Array.from([1, 1_000_000]).buffer)]);
      if (which === 2) return encode({ ...valid[6]!.header, id, tables: [[dense, 2]] }, [rows]);
      if (which === 3) return encode({ ...valid[7]!.header, id, step: 5 }, valid[7]!.frames);
      const frames = [...valid[7]!.frames];
      frames[0] = frames[0]!.subarray(0, frames[0]!.length - 4);
      return encode({ ...valid[7]!.header, id }, frames);
    },
    // Not an oar request at all: random frames, a header that is no map, an oversized header.
    () => Array.from({ length: 1 + int(4) }, () => bytes(int(10) === 0 ? 100_000 : int(2000))),
    (_, id) => [encodeRequestHeader([2, id, 'push'] as unknown as object, [])],
    () => [bytes((1 << 20) + 10)],
  ];
  return Array.from({ length: n }, (_, id) => {
    // The last three kinds (random frames, a header that is no map, an oversized header) open the run; the
    // oversized one (1 MiB) only there.
    const mutate = mutations[id < 21 ? mutations.length - 1 - (id % 3) : int(mutations.length - 1)]!;
    return mutate(valid[int(valid.length)]!, id + 1);
  });
}
