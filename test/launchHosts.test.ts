import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batch, shard, shuffle } from '@oar/data';
import { Topology } from '@oar/layers';
import { initBackend, loadParameters, Parameters, SGD } from '@oar/worker';
import clusterConfig, { type Sample } from './fixtures/cluster/config.js';
import { exitCode, freePort, processes, waitFor, type Proc } from './fixtures/cluster/processes.js';

// `oar launch --hosts FILE` for real over ssh. The test runs two sshd's of its own on 127.0.0.1 — hosts
// "a" and "b" — as the current user, with a temporary host key and authorized_keys and its own
// sshd_config (nothing of the system's ssh set-up is used or changed). Both hosts run this checkout.
const root = resolve(import.meta.dirname, '..');
const config = join(root, 'test', 'fixtures', 'cluster', 'config.ts');
const work = mkdtempSync(join(tmpdir(), 'oar-hosts-'));
const sshd = '/usr/sbin/sshd';

const { oar, track, killAll } = processes(work);

// ---- the two "hosts": an sshd each ------------------------------------------------------------------

interface Sshd {
  child: ChildProcess;
  port: number;
  log: () => string;
}

const keys = join(work, 'keys');
const sshds: Record<string, Sshd> = {};

async function startSshd(name: string): Promise<Sshd> {
  const port = await freePort();
  const file = join(keys, `sshd_config_${name}`);
  writeFileSync(file, [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(keys, 'host_key')}`,
    `AuthorizedKeysFile ${join(keys, 'authorized_keys')}`, `PidFile ${join(keys, `sshd_${name}.pid`)}`,
    // the keys live under /tmp, which StrictModes would refuse
    'StrictModes no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no', 'LogLevel VERBOSE', '',
  ].join('\n'));
  const child = spawn(sshd, ['-D', '-e', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  child.stderr!.on('data', (d) => (text += d));
  await waitFor(() => text.includes('Server listening') || child.exitCode !== null, `sshd ${name} listening`, 20_000);
  if (child.exitCode !== null) throw new Error(`sshd ${name} did not start:\n${text}`);
  return { child, port, log: () => text };
}

beforeAll(async () => {
  if (!existsSync(sshd)) throw new Error(`${sshd} is missing: install Debian's openssh-server (.ci/run does)`);
  // sshd started by root wants its privilege-separation directory, which a booted system's ssh unit makes.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  mkdirSync(keys);
  for (const key of ['host_key', 'client_key']) spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keys, key)], { stdio: 'inherit' });
  writeFileSync(join(keys, 'authorized_keys'), readFileSync(join(keys, 'client_key.pub')));
  sshds.a = await startSshd('a');
  sshds.b = await startSshd('b');
  const hostKey = readFileSync(join(keys, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(join(keys, 'known_hosts'), Object.values(sshds).map((s) => `[127.0.0.1]:${s.port} ${hostKey}\n`).join(''));
  await initBackend({ backend: 'cpu', log: () => {} });
});
afterEach(killAll);
afterAll(() => {
  for (const s of Object.values(sshds)) {
    for (const pid of descendants(s.child.pid!)) signal(pid, 'SIGKILL');
    s.child.kill('SIGKILL');
  }
  rmSync(work, { recursive: true, force: true });
});

/** The pids below `pid` (from /proc), deepest last. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  for (let frontier = [pid]; frontier.length;) {
    frontier = [...parent].filter(([, pp]) => frontier.includes(pp)).map(([p]) => p);
    out.push(...frontier);
  }
  return out;
}

/** The sshd processes serving a host's connections (not the listener, not what they run). */
const sessions = (host: string) => descendants(sshds[host]!.child.pid!).filter((p) => comm(p) === 'sshd');

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone already
  }
}

/** Live processes whose command line or environment holds `mark`: what one job started on one host, and its ssh clients. */
function processesWith(mark: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    for (const part of ['cmdline', 'environ']) {
      try {
        if (readFileSync(`/proc/${name}/${part}`, 'latin1').includes(mark)) {
          out.push(Number(name));
          break;
        }
      } catch {
        // gone meanwhile, or a zombie
      }
    }
  }
  return out;
}

// ---- jobs ----------------------------------------------------------------------------------------------

interface HostPlan {
  pservers?: number;
  trainers?: number;
}

/** A cluster file for hosts a and b as the sshd's above; each host's processes carry a mark in their environment. */
async function job(name: string, hosts: Record<string, HostPlan>, more: Record<string, unknown> = {}) {
  const dir = join(work, name);
  mkdirSync(dir);
  const id = randomBytes(6).toString('hex');
  const mark = (host: string) => `OARMARK${id}${host}`;
  const file = join(dir, 'hosts.json');
  const entries = await Promise.all(Object.entries(hosts).map(async ([host, plan]) => ({
    name: host, address: '127.0.0.1',
    ssh: { port: sshds[host]?.port ?? await freePort() },
    pserverPorts: await Promise.all(Array.from({ length: plan.pservers ?? 0 }, freePort)),
    trainers: plan.trainers ?? 0,
    saveDir: join(dir, host),
    env: { OAR_TEST_MARK: mark(host) },
  })));
  writeFileSync(file, JSON.stringify({
    ssh: { user: userInfo().username, identity: join(keys, 'client_key'), options: [`UserKnownHostsFile=${join(keys, 'known_hosts')}`, 'StrictHostKeyChecking=yes'] },
    dir: root, node: process.execPath, hosts: entries, ...more,
  }, null, 2));
  return { dir, file, mark, save: join(dir, 'launch') };
}

/** The complete lines of a JSON-lines file, which may be empty or end in a line still being written. */
const readJsonLines = (file: string) => {
  const text = readFileSync(file, 'utf8');
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
};

type BuildOptions = typeof clusterConfig.build extends (o: infer O, ...rest: never[]) => unknown ? O : never;

/** One process, SGD on the union of what trainers 0..M−1 read at each step (as test/cluster.test.ts). */
async function singleProcess(numTrainers: number): Promise<{ topology: Topology; params: Parameters }> {
  // The config's defaults (what the launched trainers use), whatever options it has.
  const defaults = Object.fromEntries(Object.entries(clusterConfig.options ?? {}).map(([k, o]) => [k, o.default]));
  const setup = await clusterConfig.build(defaults as BuildOptions, { batchSize: 20, seed: 1 });
  const topology = Topology.fromOutputs([setup.cost as never, setup.output]);
  const params = Parameters.create(topology, { seed: 1 });
  const pass0 = [...(shuffle(setup.train as () => Iterable<Sample>, 8192, { seed: 1 })() as Iterable<Sample>)];
  // With nobody lost, the master deals trainer i the tasks k ≡ i (mod M), a task being one batch.
  const perTrainer = Array.from({ length: numTrainers }, (_, i) => [...(batch(shard(() => pass0, i, numTrainers, { chunkSize: 20 }), 20)() as Iterable<Sample[]>)]);
  const union = perTrainer[0]!.map((_, k) => perTrainer.flatMap((batches) => batches[k] ?? []));
  await new SGD({ cost: topology, parameters: params, updateEquation: setup.optimizer }).train({ reader: () => union, numPasses: 1 });
  return { topology, params };
}

/** The guard as ssh runs it on a host (here without ssh): its stdin stands for the connection from launch. */
function guard(...args: string[]): Proc & { stdin: NodeJS.WritableStream } {
  const child = spawn(process.execPath, ['--conditions=@oar/source', '--import', 'tsx', 'tools/src/remoteGuard.ts', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  return { ...track(child), stdin: child.stdin! };
}

describe('the remote guard', () => {
  it('stops its process group when launch falls silent (no heartbeat line, the connection still open)', async () => {
    const mark = `OARMARK${randomBytes(6).toString('hex')}`;
    const g = guard('--heartbeat', '2', '--env', `OAR_TEST_MARK=${mark}`, '--', 'pserver', '--port', String(await freePort()), '--num-trainers', '1');
    // Heartbeats until the pserver is up (and handles SIGTERM), then silence.
    const beat = setInterval(() => g.stdin.write('\n'), 200);
    await waitFor(() => g.output().includes('listening'), 'pserver listening').finally(() => clearInterval(beat));
    expect(await exitCode(g, 60_000), g.output()).toBe(0);
    expect(g.output()).toMatch(/oar remote: no word from oar launch for 2 s \(network cut\?\); stopping oar pserver \(process group \d+\)/);
    expect(g.output()).toMatch(/oar pserver: SIGTERM: stopping at step 0/);
    expect(processesWith(mark)).toEqual([]);
  });

  it('stops it when the connection ends, after forwarding the new metrics lines of its own trainer', async () => {
    const file = join(work, 'guard-metrics.jsonl');
    writeFileSync(file, '{"pass":0,"batch":0,"cost":1,"trainer":1}\n');
    const g = guard('--heartbeat', '60', '--metrics', file, '--trainer', '1', '--', 'pserver', '--port', String(await freePort()), '--num-trainers', '1');
    await waitFor(() => g.output().includes('listening'), 'pserver listening');
    appendFileSync(file, '{"pass":0,"batch":1,"cost":0.5,"trainer":1}\n{"pass":0,"batch":1,"cost":0.6,"trainer":0}\n{"event":"test","pass":0,"cost":0.4}\n{"pass":0,"batch":2,');
    await waitFor(() => g.output().includes('"batch":1,"cost":0.5'), 'a forwarded line');
    appendFileSync(file, '"cost":0.3,"trainer":1}\n');
    g.stdin.end();
    expect(await exitCode(g, 60_000), g.output()).toBe(0);
    expect(g.output()).toMatch(/oar remote: the connection from oar launch ended; stopping oar pserver/);
    expect(g.output().split('\n').filter((l) => l.startsWith('@oar-metrics '))).toEqual([
      '@oar-metrics {"pass":0,"batch":1,"cost":0.5,"trainer":1}', '@oar-metrics {"pass":0,"batch":2,"cost":0.3,"trainer":1}',
    ]);
  });
});

describe('oar launch --hosts over ssh', () => {
  it('a sync job on two hosts ends with exit 0, one-process parameters, every trainer in the local metrics.jsonl, and nothing left running', async () => {
    const j = await job('sync', { a: { pservers: 1, trainers: 1 }, b: { pservers: 1, trainers: 1 } }, {
      pserverArgs: ['--checkpoint-dir', join(work, 'sync', 'ckpt-{host}-{pserver}')],
    });
    const launch = oar('launch', '--hosts', j.file, '--config', config, '--backend', 'cpu', '--save-dir', j.save);
    expect(await exitCode(launch), launch.output()).toBe(0);
    const out = launch.output();
    expect(out).toMatch(/2 pserver\(s\) at tcp:\/\/127\.0\.0\.1:\d+, tcp:\/\/127\.0\.0\.1:\d+; 2 trainer\(s\) \(sync SGD\) on a \(1\+1\), b \(1\+1\) over ssh/);
    expect(out).toMatch(/\[pserver 1@b\] oar pserver: listening/);
    expect(out).toMatch(/\[trainer 1@b\] oar: pass 0 train cost/);
    expect(out).toMatch(new RegExp(`all 2 trainers finished; metrics in ${j.save}/metrics.jsonl; trainer 0 saved the model on a in ${j.dir}/a`));

    const { topology, params: ref } = await singleProcess(2);
    const got = await loadParameters(topology, join(j.dir, 'a', 'pass-00000', 'params'));
    let worst = 0;
    for (const name of ref.names()) {
      const [x, y] = [got.get(name), ref.get(name)];
      for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!) - 1e-4 * Math.abs(y[i]!));
    }
    expect(worst, 'max |cluster − single| − rtol·|single| (atol 1e-5, rtol 1e-4)').toBeLessThanOrEqual(1e-5);

    // The local metrics.jsonl gathers what each host's trainer wrote there, line for line.
    const gathered = readJsonLines(join(j.save, 'metrics.jsonl'));
    expect(gathered.filter((m) => m.batch !== undefined)).toHaveLength(12);
    expect(new Set(gathered.filter((m) => m.batch !== undefined).map((m) => m.trainer))).toEqual(new Set([0, 1]));
    expect(gathered.filter((m) => m.event === 'test')).toHaveLength(1);
    const written = [...readJsonLines(join(j.dir, 'a', 'metrics.jsonl')), ...readJsonLines(join(j.dir, 'b', 'metrics.jsonl'))];
    const key = (m: Record<string, unknown>) => JSON.stringify(m);
    expect(gathered.map(key).sort()).toEqual(written.map(key).sort());

    // The cluster file's pserverArgs reached each pserver, placeholders filled in.
    for (const ckpt of ['ckpt-a-0', 'ckpt-b-1']) expect(readdirSync(join(j.dir, ckpt))).toContainEqual(expect.stringMatching(/^checkpoint-\d{12}\.oarckpt$/));
    await waitFor(() => processesWith(j.mark('a')).length + processesWith(j.mark('b')).length === 0, 'no process of the job left on a or b');
  });

  /** Trainer 1's own metrics on b show it never finished its pass: it was stopped mid-run. */
  const trainer1FinishedPass = (dir: string) => readJsonLines(join(dir, 'b', 'metrics.jsonl')).some((m) => m.event === 'pass' && m.trainer === 1);

  it('host b cut off mid-run (its ssh sessions killed): launch reports trainer 1@b lost, trainer 0 finishes the job, nothing is left', async () => {
    // A heartbeat longer than the test: what ends the processes on b is their connection closing.
    const j = await job('cut', { a: { pservers: 1, trainers: 1 }, b: { trainers: 1 } }, { heartbeatSeconds: 300 });
    const launch = oar('launch', '--hosts', j.file, '--config', config, '--backend', 'cpu', '--save-dir', j.save, '--samples', '10000', '--trainer-timeout', '2');
    const metrics = join(j.save, 'metrics.jsonl');
    // Trainer 1 on b has trained a few batches (its lines reached launch through the guard on b).
    await waitFor(() => existsSync(metrics) && readJsonLines(metrics).filter((m) => m.trainer === 1 && m.batch !== undefined).length >= 3, 'trainer 1@b under way');
    const cut = sessions('b');
    expect(cut.length).toBeGreaterThan(0);
    for (const pid of cut) signal(pid, 'SIGKILL');
    expect(await exitCode(launch), launch.output()).toBe(0);
    expect(launch.output()).toMatch(/oar launch: trainer 1@b lost \(exit code 255: the ssh connection to b \(127\.0\.0\.1\) failed or was lost\); the other 1 go on without it/);
    expect(launch.output()).toMatch(/oar launch: done; 1 of 2 trainers lost \(trainer 1@b\), the others finished the job/);
    expect(readdirSync(join(j.dir, 'a'))).toContain('pass-00000');
    expect(trainer1FinishedPass(j.dir)).toBe(false);
    await waitFor(() => processesWith(j.mark('b')).length === 0, 'no process of the job left on b');
    await waitFor(() => processesWith(j.mark('a')).length === 0, 'no process of the job left on a');
  });

  it('a silent cut (host b\'s ssh sessions frozen): the guard on b stops trainer 1 when the heartbeat stops, and launch reports it lost', async () => {
    const j = await job('silent', { a: { pservers: 1, trainers: 1 }, b: { trainers: 1 } }, { heartbeatSeconds: 3 });
    const launch = oar('launch', '--hosts', j.file, '--config', config, '--backend', 'cpu', '--save-dir', j.save, '--samples', '200000', '--trainer-timeout', '2');
    const metrics = join(j.save, 'metrics.jsonl');
    await waitFor(() => existsSync(metrics) && readJsonLines(metrics).some((m) => m.trainer === 1 && m.batch !== undefined), 'trainer 1@b under way');
    const frozen = sessions('b');
    try {
      for (const pid of frozen) signal(pid, 'SIGSTOP');
      // Nothing closes the connection and trainer 1 still reaches its pserver on a: only the guard's watchdog stops it.
      await waitFor(() => processesWith(j.mark('b')).every((pid) => comm(pid) === 'ssh'), 'trainer 1 and its guard on b stopped while sshd is frozen');
      expect(trainer1FinishedPass(j.dir)).toBe(false);
      await waitFor(() => /oar launch: trainer 1@b lost \(exit code 255: the ssh connection to b \(127\.0\.0\.1\) failed or was lost\); the other 1 go on without it/.test(launch.output()), 'launch reports trainer 1@b lost');
    } finally {
      for (const pid of frozen) signal(pid, 'SIGKILL');
    }
    // Trainer 0 would go on alone through the 200000 samples (more than trainer 1 can train before its guard's
    // watchdog fires, even on a loaded machine); stop the job as a user would.
    launch.child.kill('SIGTERM');
    await exitCode(launch);
    await waitFor(() => processesWith(j.mark('a')).length + processesWith(j.mark('b')).length === 0, 'no process of the job left');
  });

  it('launch killed with SIGKILL: every process it started on the hosts ends (ssh sees its input close)', async () => {
    const j = await job('killed', { a: { pservers: 1, trainers: 1 }, b: { pservers: 1, trainers: 1 } }, { heartbeatSeconds: 300 });
    const launch = oar('launch', '--hosts', j.file, '--config', config, '--backend', 'cpu', '--save-dir', j.save, '--samples', '200000');
    const metrics = join(j.save, 'metrics.jsonl');
    await waitFor(() => existsSync(metrics) && readJsonLines(metrics).some((m) => m.trainer === 1 && m.batch !== undefined), 'training under way');
    expect(processesWith(j.mark('b')).length).toBeGreaterThan(0);
    launch.child.kill('SIGKILL');
    await waitFor(() => processesWith(j.mark('a')).length + processesWith(j.mark('b')).length === 0, 'no process of the job left on a or b');
    expect(trainer1FinishedPass(j.dir)).toBe(false);
  });

  it('a host that cannot be reached, or has no checkout at dir, is reported with ssh\'s and the shell\'s words', async () => {
    const down = await job('down', { a: { pservers: 1, trainers: 1 }, c: { trainers: 1 } });
    const launch = oar('launch', '--hosts', down.file, '--config', config, '--backend', 'cpu', '--save-dir', down.save, '--trainer-timeout', '2');
    // A trainer that never came is lost like one that died: the others do the job.
    expect(await exitCode(launch), launch.output()).toBe(0);
    expect(launch.output()).toMatch(/\[trainer 1@c\] ssh: connect to host 127\.0\.0\.1 port \d+: Connection refused/);
    expect(launch.output()).toMatch(/oar launch: trainer 1@c lost \(exit code 255: the ssh connection to c \(127\.0\.0\.1\) failed or was lost\)/);
    expect(launch.output()).toMatch(/oar launch: done; 1 of 2 trainers lost \(trainer 1@c\), the others finished the job/);

    const nodir = await job('nodir', { a: { pservers: 1, trainers: 1 } });
    const hosts = JSON.parse(readFileSync(nodir.file, 'utf8')) as { dir: string };
    writeFileSync(nodir.file, JSON.stringify({ ...hosts, dir: join(work, 'no-such-checkout') }));
    const second = oar('launch', '--hosts', nodir.file, '--config', config, '--backend', 'cpu', '--save-dir', nodir.save);
    expect(await exitCode(second), second.output()).toBe(1);
    expect(second.output()).toMatch(/\[(pserver 0|trainer 0)@a\] .*no-such-checkout.*(No such file or directory|can't cd)/);
    expect(second.output()).toMatch(/oar launch: the job failed: (a pserver is gone|every trainer was lost)/);
  });

  it('a cluster file with a mistake is refused before anything starts', async () => {
    const file = join(work, 'bad.json');
    writeFileSync(file, JSON.stringify({ dir: root, hosts: [{ address: '127.0.0.1', pservers: 1, trainers: 1, gpu: [0] }] }));
    const bad = oar('launch', '--hosts', file);
    expect(await exitCode(bad)).toBe(2);
    expect(bad.output()).toMatch(/--hosts .*bad\.json: hosts\[0\] has an unknown field "gpu"; known: .*gpus/);
    const both = oar('launch', '--hosts', file, '--trainers', '3');
    expect(await exitCode(both)).toBe(1);
    expect(both.output()).toMatch(/option '--hosts <file>' cannot be used with option '--trainers <m>'/);
  });
});
