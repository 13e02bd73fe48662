import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, posix } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import type { SyncMode } from '@oar/pserver';
import { LAUNCH_PID_ENV } from './exitWithParent.js';
import { readHostsFile } from './hostsFile.js';
import { describeRemoteExit, planHosts, remoteSaveDir, startRemote, type HostsPlan, type RemoteSlot } from './remote.js';
import { UsageError } from './UsageError.js';

export interface LaunchOptions {
  config?: string;
  pservers: number;
  trainers: number;
  mode: SyncMode;
  /** First pserver port; default: free ports the system picks. */
  basePort?: number;
  /** GPU ids dealt to trainers round-robin (CUDA_VISIBLE_DEVICES). */
  gpus?: string[];
  saveDir: string;
  /** The training flags (and config flags) every worker gets, as given. */
  trainArgs: string[];
  /** A cluster file: start the processes on its hosts over ssh (pservers, trainers, ports, GPUs from the file). */
  hosts?: string;
  /** Seconds the pservers wait for a silent trainer before the others go on without it (their --trainer-timeout). */
  trainerTimeout?: number;
}

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Role {
  label: string;
  /** The process itself, or for a remote role the ssh client. */
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal: NodeJS.Signals): void;
  describe(code: number | null, signal: NodeJS.Signals | null): string;
}

/**
 * `oar launch`: starts N pservers and M trainers as local processes (`oar pserver ...`, `oar worker ...
 * --trainer-id I`), or with `--hosts FILE` on the hosts of a cluster file over ssh (see remote.ts);
 * prefixes their logs with their role, shows one progress view from the shared metrics.jsonl (remote
 * trainers' lines are forwarded into the local one), and exits with the trainers' status. No process it
 * starts outlives it.
 */
export async function launchCommand(opts: LaunchOptions): Promise<void> {
  const cluster = opts.hosts ? await readHostsFile(opts.hosts) : undefined;
  const plan: HostsPlan | undefined = cluster && planHosts(cluster, opts.saveDir);
  const numTrainers = plan ? plan.trainers.length : opts.trainers;
  const ports = plan ? plan.pservers.map((p) => p.port!) : opts.basePort ? Array.from({ length: opts.pservers }, (_, i) => opts.basePort! + i) : await freePorts(opts.pservers);
  const endpoints = plan ? plan.endpoints : ports.map((p) => `tcp://127.0.0.1:${p}`);
  const roles: Role[] = [];
  const env = { ...process.env, [LAUNCH_PID_ENV]: String(process.pid) };
  const metricsFile = join(opts.saveDir, 'metrics.jsonl');
  if (plan) mkdirSync(opts.saveDir, { recursive: true });
  const onLine = (label: string) => (line: string) => {
    if (view.active && /^oar: pass \d+ batch \d+/.test(line)) return;
    view.log(`[${label}] ${line}`);
  };
  const startLocal = (label: string, args: string[], extraEnv: Record<string, string>): Omit<Role, 'exited'> => {
    const child = spawn(process.execPath, [...process.execArgv, cli, ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', onLine(label));
    return { label, child, stop: (signal) => child.kill(signal), describe: (code, signal) => signal ?? `exit code ${code}` };
  };
  const startOnHost = (slot: RemoteSlot, args: string[], trainer?: number): Omit<Role, 'exited'> => {
    const metrics = trainer === undefined ? undefined : { file: posix.join(slot.saveDir, 'metrics.jsonl'), trainer };
    const remote = startRemote(slot, args, cluster!.heartbeatSeconds, metrics, onLine(slot.label), (line) => appendFileSync(metricsFile, `${line}\n`));
    return { label: slot.label, child: remote.child, stop: () => remote.stop(), describe: (code, signal) => describeRemoteExit(slot, code, signal) };
  };
  const start = (label: string, args: string[], extraEnv: Record<string, string> = {}, slot?: RemoteSlot, trainer?: number): Role => {
    const started = slot ? startOnHost(slot, args, trainer) : startLocal(label, args, extraEnv);
    const role: Role = { ...started, exited: new Promise((resolve) => started.child.on('exit', (code, signal) => resolve({ code, signal }))) };
    roles.push(role);
    return role;
  };
  const view = new ProgressView(metricsFile, numTrainers);
  const stopAll = (signal: NodeJS.Signals = 'SIGTERM') => {
    for (const r of roles) if (r.child.exitCode === null && r.child.signalCode === null) r.stop(signal);
  };
  process.once('SIGINT', () => {
    log('oar launch: SIGINT: stopping every process');
    stopAll();
    process.exitCode = 130;
  });
  process.once('SIGTERM', () => stopAll());

  const modeFlag = opts.mode === 'async' ? '--async' : '--sync';
  const timeout = opts.trainerTimeout ? ['--trainer-timeout', String(opts.trainerTimeout)] : [];
  const pservers = ports.map((port, i) => start(`pserver ${i}`, ['pserver', '--port', String(port), '--num-trainers', String(numTrainers), modeFlag, ...timeout, ...(plan?.pservers[i]!.args ?? [])], { CUDA_VISIBLE_DEVICES: '' }, plan?.pservers[i]));
  const trainers = Array.from({ length: numTrainers }, (_, i) => start(`trainer ${i}`, [
    'worker', ...(opts.config ? ['--config', opts.config] : []), '--pservers', endpoints.join(','),
    '--trainer-id', String(i), '--num-trainers', String(numTrainers), modeFlag, '--save-dir', plan ? plan.trainers[i]!.saveDir : opts.saveDir, ...opts.trainArgs,
    ...(plan?.trainers[i]!.args ?? []),
  ], opts.gpus ? { CUDA_VISIBLE_DEVICES: opts.gpus[i % opts.gpus.length]! } : {}, plan?.trainers[i], i));
  log(`oar launch: ${ports.length} pserver(s) at ${endpoints.join(', ')}; ${numTrainers} trainer(s) (${opts.mode} SGD)${opts.gpus ? `, GPUs ${opts.gpus.join(',')}` : ''}${cluster ? ` on ${cluster.hosts.map((h) => `${h.name} (${h.pserverPorts.length}+${h.trainers})`).join(', ')} over ssh` : ''}`);
  view.start();

  // A pserver that dies while trainers run ends the job.
  let pserverLost = false;
  for (const p of pservers) {
    void p.exited.then(({ code, signal }) => {
      if (trainers.every((t) => t.child.exitCode !== null || t.child.signalCode !== null)) return;
      pserverLost = true;
      view.log(`oar launch: ${p.label} exited (${p.describe(code, signal)}) while trainers were running; stopping`);
      stopAll();
    });
  }
  // A trainer that fails is reported and the others go on: the pservers drop it from the barrier after their
  // trainer timeout and deal its tasks to the others. The job fails only when every trainer is lost.
  for (const t of trainers) {
    void t.exited.then(({ code, signal }) => {
      if (code === 0 || pserverLost) return;
      const left = trainers.filter((o) => o.child.exitCode === null && o.child.signalCode === null).length;
      view.log(`oar launch: ${t.label} lost (${t.describe(code, signal)}); ${left ? `the other ${left} go on without it` : 'no trainer left'}`);
    });
  }
  const results = await Promise.all(trainers.map((t) => t.exited));
  view.stop();
  stopAll();
  await Promise.all(pservers.map((p) => p.exited));
  const failed = results.map((r, i) => ({ ...r, i })).filter((r) => r.code !== 0);
  for (const f of failed) log(`oar launch: ${trainers[f.i]!.label} failed (${trainers[f.i]!.describe(f.code, f.signal)})`);
  if (failed.length === numTrainers || pserverLost) {
    log(`oar launch: the job failed: ${pserverLost ? 'a pserver is gone' : 'every trainer was lost'}`);
    process.exitCode = process.exitCode || 1;
    return;
  }
  const lost = failed.length ? `; ${failed.length} of ${numTrainers} trainers lost (${failed.map((f) => trainers[f.i]!.label).join(', ')}), the others finished the job` : '';
  log(`oar launch: ${failed.length ? 'done' : `all ${numTrainers} trainers finished`}${lost}; metrics in ${metricsFile}${plan ? `; trainer 0 saved the model on ${plan.trainers[0]!.host.name} in ${remoteSaveDir(plan.trainers[0]!)}` : ''}`);
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolve(s));
  })));
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/**
 * One view of every trainer's progress, read from the metrics.jsonl they append to: bars on a terminal,
 * a summary line every 10 s on a pipe.
 */
class ProgressView {
  #bars: cliProgress.MultiBar | undefined;
  #bar = new Map<number, cliProgress.SingleBar>();
  #offset = 0;
  #timer: NodeJS.Timeout | undefined;
  #last = new Map<number, { pass: number; batch: number; cost: number }>();
  #lastSummary = Date.now();

  constructor(private readonly file: string, private readonly trainers: number) {
    if (existsSync(file)) this.#offset = statSync(file).size;
  }

  get active(): boolean {
    return this.#bars !== undefined;
  }

  start(): void {
    if (process.stderr.isTTY) {
      this.#bars = new cliProgress.MultiBar({
        stream: process.stderr, hideCursor: true, clearOnComplete: false,
        format: 'trainer {trainer} | pass {pass} | batch {value} | cost {cost}',
      }, cliProgress.Presets.shades_classic);
      for (let t = 0; t < this.trainers; t++) this.#bar.set(t, this.#bars.create(0, 0, { trainer: t, pass: '-', cost: '-' }));
    }
    this.#timer = setInterval(() => this.#poll(), 500);
  }

  log(line: string): void {
    if (this.#bars) this.#bars.log(`${line}\n`);
    else log(line);
  }

  stop(): void {
    this.#poll();
    if (this.#timer) clearInterval(this.#timer);
    this.#bars?.stop();
    this.#bars = undefined;
  }

  #poll(): void {
    if (!existsSync(this.file)) return;
    const size = statSync(this.file).size;
    if (size <= this.#offset) return;
    const fd = openSync(this.file, 'r');
    const buf = Buffer.alloc(size - this.#offset);
    readSync(fd, buf, 0, buf.length, this.#offset);
    closeSync(fd);
    const text = buf.toString('utf8');
    const end = text.lastIndexOf('\n');
    if (end < 0) return;
    this.#offset += Buffer.byteLength(text.slice(0, end + 1));
    for (const line of text.slice(0, end).split('\n')) {
      try {
        const m = JSON.parse(line) as { trainer?: number; pass?: number; batch?: number; cost?: number };
        if (m.trainer === undefined || m.batch === undefined) continue;
        this.#last.set(m.trainer, { pass: m.pass!, batch: m.batch, cost: m.cost! });
        const bar = this.#bar.get(m.trainer);
        if (bar) {
          bar.setTotal(Math.max(bar.getTotal(), m.batch + 1));
          bar.update(m.batch + 1, { pass: m.pass, cost: m.cost!.toFixed(4) });
        }
      } catch {
        // a line being written: read again next time
      }
    }
    if (!this.#bars && Date.now() - this.#lastSummary > 10_000 && this.#last.size) {
      this.#lastSummary = Date.now();
      log(`oar launch: ${[...this.#last].sort(([a], [b]) => a - b).map(([t, s]) => `trainer ${t} pass ${s.pass} batch ${s.batch + 1} cost ${s.cost.toFixed(4)}`).join(' | ')}`);
    }
  }
}

export function parseGpus(value: string): string[] {
  const gpus = value.split(',').map((g) => g.trim());
  if (!gpus.length || gpus.some((g) => !/^\d+$/.test(g))) throw new UsageError(`--gpus must be a comma-separated list of GPU ids like 0,1, got ${JSON.stringify(value)}`);
  return gpus;
}
