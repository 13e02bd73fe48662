import { spawn, type ChildProcess } from 'node:child_process';
import { posix } from 'node:path';
import { createInterface } from 'node:readline';
import type { ClusterFile, Host } from './hostsFile.js';
import { GUARD_FAILED, METRICS_PREFIX } from './remoteGuard.js';

/** One process `oar launch --hosts` starts on a host. */
export interface RemoteSlot {
  /** `pserver 0@a`, `trainer 1@b`: the prefix of its log lines. */
  label: string;
  host: Host;
  /** A pserver's port. */
  port?: number;
  /** Environment for the process on the host (CUDA_VISIBLE_DEVICES, the host's env). */
  env: Record<string, string>;
  /** A trainer's --save-dir on its host. */
  saveDir: string;
  /** The cluster file's pserverArgs or trainerArgs for it, placeholders filled in. */
  args: string[];
}

export interface HostsPlan {
  endpoints: string[];
  pservers: RemoteSlot[];
  trainers: RemoteSlot[];
}

/**
 * Pservers and trainers in cluster-file order: host 0's pservers are pservers 0.., its trainers trainers 0..,
 * then host 1's. A host's trainers write to its `saveDir`, by default `SAVE_DIR/NAME` under its checkout.
 */
export function planHosts(cluster: ClusterFile, saveDir: string): HostsPlan {
  const plan: HostsPlan = { endpoints: [], pservers: [], trainers: [] };
  for (const host of cluster.hosts) {
    const hostSaveDir = host.saveDir ?? posix.join(saveDir, host.name);
    const fill = (args: string[], vars: Record<string, number>) => args.map((a) => a.replace(/\{(pserver|trainer|host)\}/g, (m, v: string) => (v === 'host' ? host.name : vars[v] !== undefined ? String(vars[v]) : m)));
    for (const port of host.pserverPorts) {
      const i = plan.pservers.length;
      plan.pservers.push({ label: `pserver ${i}@${host.name}`, host, port, env: { ...host.env, CUDA_VISIBLE_DEVICES: '' }, saveDir: hostSaveDir, args: fill(host.pserverArgs, { pserver: i }) });
      plan.endpoints.push(`tcp://${host.pserverAddress}:${port}`);
    }
    for (let k = 0; k < host.trainers; k++) {
      const gpu: Record<string, string> = host.gpus ? { CUDA_VISIBLE_DEVICES: host.gpus[k % host.gpus.length]! } : {};
      const i = plan.trainers.length;
      plan.trainers.push({ label: `trainer ${i}@${host.name}`, host, env: { ...host.env, ...gpu }, saveDir: hostSaveDir, args: fill(host.trainerArgs, { trainer: i }) });
    }
  }
  return plan;
}

/** Where a slot's save dir is on its host (relative save dirs start at the checkout). */
export function remoteSaveDir(slot: RemoteSlot): string {
  return posix.isAbsolute(slot.saveDir) ? slot.saveDir : posix.join(slot.host.dir, slot.saveDir);
}

/** `arg` for a POSIX shell: as is when it is plain, else in single quotes. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `ssh` arguments that run `oar ARGS` under the guard on a host. The cluster file's options come first:
 * for each option ssh keeps the first value it is given.
 */
export function sshArgs(slot: RemoteSlot, oarArgs: string[], heartbeatSeconds: number, metrics?: { file: string; trainer: number }): string[] {
  const { host } = slot;
  const s = host.ssh;
  const guard = [
    '--heartbeat', String(heartbeatSeconds),
    ...Object.entries(slot.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...(metrics ? ['--metrics', metrics.file, '--trainer', String(metrics.trainer)] : []),
  ];
  const command = `cd ${shellQuote(host.dir)} && exec ${[host.node, '--conditions=@oar/source', '--import', 'tsx', 'tools/src/remoteGuard.ts', ...guard, '--', ...oarArgs].map(shellQuote).join(' ')}`;
  return [
    '-T',
    ...(s.configFile ? ['-F', s.configFile] : []),
    ...(s.options ?? []).flatMap((o) => ['-o', o]),
    ...(s.user ? ['-l', s.user] : []),
    ...(s.port ? ['-p', String(s.port)] : []),
    ...(s.identity ? ['-i', s.identity, '-o', 'IdentitiesOnly=yes'] : []),
    '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=20',
    '-o', `ServerAliveInterval=${Math.max(1, Math.ceil(heartbeatSeconds / 3))}`, '-o', 'ServerAliveCountMax=3',
    host.address, command,
  ];
}

export interface RemoteProcess {
  /** The local ssh client. */
  child: ChildProcess;
  /** Ends the connection's input: the guard on the host stops the process; ssh is killed if it lingers. */
  stop(): void;
}

/**
 * Starts `oar ARGS` on a slot's host over ssh. Every line of its output goes to `onLine`, but forwarded
 * metrics lines, which go to `onMetrics`. A heartbeat line every heartbeat/5 s tells the guard launch is there.
 */
export function startRemote(
  slot: RemoteSlot, oarArgs: string[], heartbeatSeconds: number, metrics: { file: string; trainer: number } | undefined,
  onLine: (line: string) => void, onMetrics: (line: string) => void,
): RemoteProcess {
  const child = spawn('ssh', sshArgs(slot, oarArgs, heartbeatSeconds, metrics), { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.on('error', () => {}); // ssh is gone: its exit says why
  const beat = setInterval(() => child.stdin!.write('\n'), Math.max(200, (heartbeatSeconds * 1000) / 5));
  child.on('exit', () => clearInterval(beat));
  child.on('error', (err) => onLine(`cannot run ssh: ${err.message}`));
  createInterface({ input: child.stdout! }).on('line', (line) => (line.startsWith(METRICS_PREFIX) ? onMetrics(line.slice(METRICS_PREFIX.length)) : onLine(line)));
  createInterface({ input: child.stderr! }).on('line', onLine);
  let stopped = false;
  return {
    child,
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(beat);
      child.stdin!.end();
      setTimeout(() => child.kill('SIGTERM'), 10_000).unref();
    },
  };
}

/** Why a remote process ended, as launch reports it. */
export function describeRemoteExit(slot: RemoteSlot, code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `ssh ${signal}`;
  const where = `${slot.host.name} (${slot.host.address})`;
  if (code === 255) return `exit code 255: the ssh connection to ${where} failed or was lost`;
  if (code === 127 || code === 126) return `exit code ${code}: ${slot.host.node} could not be run on ${where}; check "node" in the cluster file`;
  if (code === GUARD_FAILED) return `exit code ${code}: the remote guard failed on ${where}`;
  if (code !== null && code > 128) return `exit code ${code}: killed by signal ${code - 128} on ${where}`;
  return `exit code ${code}`;
}
