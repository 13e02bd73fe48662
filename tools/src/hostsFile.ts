import { readFile } from 'node:fs/promises';
import { UsageError } from './UsageError.js';

/** How to reach a host with the system `ssh` client. */
export interface SshOptions {
  /** `ssh -l`; default: ssh's own (the local user, or ~/.ssh/config). */
  user?: string;
  /** `ssh -p`; default 22 (or ~/.ssh/config). */
  port?: number;
  /** `ssh -i`: a private key file on the machine that runs `oar launch`. */
  identity?: string;
  /** `ssh -F`: an ssh config file to use instead of ~/.ssh/config. */
  configFile?: string;
  /** More `ssh -o` options, e.g. "UserKnownHostsFile=/path", "StrictHostKeyChecking=accept-new". */
  options?: string[];
}

/** One machine of a cluster file, with the top-level defaults applied. */
export interface Host {
  /** A short name for logs (`[trainer 1@NAME]`) and the default save dir; default: the address. */
  name: string;
  /** The ssh destination. */
  address: string;
  /** Where trainers reach this host's pservers; default: the address. */
  pserverAddress: string;
  ssh: SshOptions;
  /** The Oar checkout on that host (with node_modules installed); relative paths start at the ssh login's home. */
  dir: string;
  /** The node binary on that host. */
  node: string;
  /** One port per pserver this host runs. */
  pserverPorts: number[];
  trainers: number;
  /** GPU ids dealt to this host's trainers round-robin (CUDA_VISIBLE_DEVICES); none: each trainer sees every GPU. */
  gpus?: string[];
  /** Where this host's trainers write metrics.jsonl (and trainer 0 its pass folders); relative to `dir`. */
  saveDir?: string;
  /** Environment variables for this host's processes (ssh passes none of launch's). */
  env: Record<string, string>;
  /**
   * More flags for this host's `oar pserver`s and `oar worker`s (the top level's, then the host's), e.g.
   * `--checkpoint-dir ckpt/{pserver}`; `{pserver}`, `{trainer}` and `{host}` become the pserver index,
   * trainer id and host name.
   */
  pserverArgs: string[];
  trainerArgs: string[];
}

export interface ClusterFile {
  hosts: Host[];
  /**
   * A remote process is stopped when it has heard nothing from `oar launch` for this long (network cut);
   * ssh gives up on a silent connection after about the same time.
   */
  heartbeatSeconds: number;
}

/** Paddle's default pserver port (`--port=7164`); pserver i of a host listens on basePort + i unless pserverPorts says. */
export const DEFAULT_BASE_PORT = 7164;

const TOP_FIELDS = ['hosts', 'heartbeatSeconds', 'ssh', 'dir', 'node', 'basePort', 'saveDir', 'env', 'pserverArgs', 'trainerArgs'];
const HOST_FIELDS = [
  'name', 'address', 'pserverAddress', 'ssh', 'dir', 'node', 'pservers', 'pserverPorts', 'basePort', 'trainers', 'gpus', 'saveDir', 'env', 'pserverArgs', 'trainerArgs',
];
const SSH_FIELDS = ['user', 'port', 'identity', 'configFile', 'options'];

type Json = Record<string, unknown>;

/** Reads and checks a cluster file (`oar launch --hosts FILE`); every mistake is a UsageError naming the field. */
export async function readHostsFile(path: string): Promise<ClusterFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--hosts: cannot read ${path}: ${(err as Error).message}`);
  }
  return parseHostsFile(text, path);
}

/** {@link readHostsFile} on the text of the file; `source` names it in messages. */
export function parseHostsFile(text: string, source: string): ClusterFile {
  const fail = (what: string): never => {
    throw new UsageError(`--hosts ${source}: ${what}`);
  };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON: ${(err as Error).message}`);
  }
  const top = object(doc, 'the file', fail, TOP_FIELDS);
  if (!Array.isArray(top.hosts) || top.hosts.length === 0) return fail(`hosts must be a non-empty array of hosts, got ${show(top.hosts)}`);
  const heartbeatSeconds = top.heartbeatSeconds === undefined ? 15 : positive(top.heartbeatSeconds, 'heartbeatSeconds', fail);
  const hosts = top.hosts.map((h, i) => host(h, `hosts[${i}]`, top, fail));
  checkCluster(hosts, fail);
  return { hosts, heartbeatSeconds };
}

function host(value: unknown, at: string, top: Json, fail: (what: string) => never): Host {
  const h = object(value, at, fail, HOST_FIELDS);
  const field = (name: string) => (h[name] !== undefined ? h[name] : top[name]);
  const path = (name: string) => (h[name] !== undefined ? `${at}.${name}` : name);
  const address = string(h.address, `${at}.address`, fail);
  const name = h.name === undefined ? address : string(h.name, `${at}.name`, fail);
  if (!/^[\w.-]+$/.test(name)) fail(`${at}.name must be letters, digits, '.', '_' or '-' (it names log prefixes and a folder), got ${show(name)}`);
  if (field('dir') === undefined) fail(`${at}.dir (the Oar checkout on that host) is required, on the host or at the top level`);
  const pservers = h.pservers === undefined ? 0 : count(h.pservers, `${at}.pservers`, fail);
  const basePort = field('basePort') === undefined ? DEFAULT_BASE_PORT : port(field('basePort'), path('basePort'), fail);
  let pserverPorts = Array.from({ length: pservers }, (_, k) => basePort + k);
  if (h.pserverPorts !== undefined) {
    if (!Array.isArray(h.pserverPorts)) fail(`${at}.pserverPorts must be an array of ports, got ${show(h.pserverPorts)}`);
    pserverPorts = (h.pserverPorts as unknown[]).map((p, k) => port(p, `${at}.pserverPorts[${k}]`, fail));
    if (h.pservers !== undefined && pserverPorts.length !== pservers) fail(`${at}.pserverPorts has ${pserverPorts.length} port(s) but ${at}.pservers is ${pservers}`);
  }
  const gpus = h.gpus === undefined ? undefined : gpuList(h.gpus, `${at}.gpus`, fail);
  return {
    name, address,
    pserverAddress: h.pserverAddress === undefined ? address : string(h.pserverAddress, `${at}.pserverAddress`, fail),
    ssh: { ...sshOptions(top.ssh, 'ssh', fail), ...sshOptions(h.ssh, `${at}.ssh`, fail) },
    dir: string(field('dir'), path('dir'), fail),
    node: field('node') === undefined ? 'node' : string(field('node'), path('node'), fail),
    pserverPorts,
    trainers: h.trainers === undefined ? 0 : count(h.trainers, `${at}.trainers`, fail),
    ...(gpus ? { gpus } : {}),
    ...(field('saveDir') !== undefined ? { saveDir: string(field('saveDir'), path('saveDir'), fail) } : {}),
    env: { ...env(top.env, 'env', fail), ...env(h.env, `${at}.env`, fail) },
    pserverArgs: [...strings(top.pserverArgs, 'pserverArgs', fail), ...strings(h.pserverArgs, `${at}.pserverArgs`, fail)],
    trainerArgs: [...strings(top.trainerArgs, 'trainerArgs', fail), ...strings(h.trainerArgs, `${at}.trainerArgs`, fail)],
  };
}

function checkCluster(hosts: Host[], fail: (what: string) => never): void {
  const names = new Map<string, number>();
  const endpoints = new Map<string, string>();
  hosts.forEach((h, i) => {
    const other = names.get(h.name);
    if (other !== undefined) fail(`hosts[${i}] and hosts[${other}] are both named ${show(h.name)}; give each host a distinct "name"`);
    names.set(h.name, i);
    h.pserverPorts.forEach((p, k) => {
      const endpoint = `${h.pserverAddress}:${p}`;
      if (endpoints.has(endpoint)) fail(`hosts[${i}].pserverPorts[${k}]: ${endpoint} is already the endpoint of ${endpoints.get(endpoint)}`);
      endpoints.set(endpoint, `a pserver of hosts[${i}]`);
    });
  });
  if (!hosts.some((h) => h.pserverPorts.length)) fail('no host runs a pserver; give at least one host "pservers": 1');
  if (!hosts.some((h) => h.trainers)) fail('no host runs a trainer; give at least one host "trainers": 1');
}

function object(value: unknown, at: string, fail: (what: string) => never, fields: string[]): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`${at} must be an object, got ${show(value)}`);
  for (const key of Object.keys(value)) if (!fields.includes(key)) fail(`${at} has an unknown field ${show(key)}; known: ${fields.join(', ')}`);
  return value as Json;
}

function sshOptions(value: unknown, at: string, fail: (what: string) => never): SshOptions {
  if (value === undefined) return {};
  const s = object(value, at, fail, SSH_FIELDS);
  if (s.options !== undefined && (!Array.isArray(s.options) || s.options.some((o) => typeof o !== 'string' || !/^\w+[= ]/.test(o)))) {
    fail(`${at}.options must be an array of ssh -o options like "StrictHostKeyChecking=accept-new", got ${show(s.options)}`);
  }
  return {
    ...(s.user !== undefined ? { user: string(s.user, `${at}.user`, fail) } : {}),
    ...(s.port !== undefined ? { port: port(s.port, `${at}.port`, fail) } : {}),
    ...(s.identity !== undefined ? { identity: string(s.identity, `${at}.identity`, fail) } : {}),
    ...(s.configFile !== undefined ? { configFile: string(s.configFile, `${at}.configFile`, fail) } : {}),
    ...(s.options !== undefined ? { options: s.options as string[] } : {}),
  };
}

function env(value: unknown, at: string, fail: (what: string) => never): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`${at} must be an object of NAME: "value", got ${show(value)}`);
  for (const [k, v] of Object.entries(value)) {
    if (!/^[A-Za-z_]\w*$/.test(k) || typeof v !== 'string') fail(`${at}: each entry must be NAME: "value" with a shell variable name, got ${show(k)}: ${show(v)}`);
  }
  return value as Record<string, string>;
}

function gpuList(value: unknown, at: string, fail: (what: string) => never): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((g) => !/^\d+$/.test(String(g)) || typeof g === 'boolean')) {
    return fail(`${at} must be a non-empty array of GPU ids like [0, 1], got ${show(value)}`);
  }
  return value.map(String);
}

function strings(value: unknown, at: string, fail: (what: string) => never): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return fail(`${at} must be an array of strings (flags and their values), got ${show(value)}`);
  return value as string[];
}

function string(value: unknown, at: string, fail: (what: string) => never): string {
  if (typeof value !== 'string' || value === '') return fail(`${at} must be a non-empty string, got ${show(value)}`);
  return value;
}

function count(value: unknown, at: string, fail: (what: string) => never): number {
  if (!Number.isInteger(value) || (value as number) < 0) return fail(`${at} must be a non-negative integer, got ${show(value)}`);
  return value as number;
}

function positive(value: unknown, at: string, fail: (what: string) => never): number {
  if (typeof value !== 'number' || !(value > 0)) return fail(`${at} must be a positive number of seconds, got ${show(value)}`);
  return value;
}

function port(value: unknown, at: string, fail: (what: string) => never): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 65535) return fail(`${at} must be a port 1..65535, got ${show(value)}`);
  return value as number;
}

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));
