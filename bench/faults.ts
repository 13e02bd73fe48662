// Faults on the real spam example (issue 7), the long comparisons that do not belong in `npm test`: an
// undisturbed cluster job; the same job with pserver 0 killed (SIGKILL) mid-pass and restarted on its port
// from its --checkpoint-dir; an `oar launch` job that loses a trainer to SIGKILL mid-pass.
//   npm run bench:faults                        (~6 min on 2 busy cores)
//   npm run bench:faults -- --trainers 2 --keep (2 trainers; keep the temp dir with the runs' logs)
// 1 pass of examples/spam/config.ts, 2 pservers, sync SGD, wasm (the default backend), --seed 1 everywhere.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ParameterClient } from '@oar/pserver';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'tools', 'src', 'cli.ts');
const tsx = import.meta.resolve('tsx');
const config = join(root, 'examples', 'spam', 'config.ts');
const argv = process.argv.slice(2);
const numTrainers = argv.includes('--trainers') ? Number(argv[argv.indexOf('--trainers') + 1]) : 3;
const keep = argv.includes('--keep');
if (!Number.isInteger(numTrainers) || numTrainers < 2) throw new Error(`--trainers must be an integer ≥ 2, got ${numTrainers}`);
/** Share of trainer 0's batches (of the undisturbed run) logged when the trainer is killed; the pserver is killed near it. */
const KILL_AT = 0.4;
const CHECKPOINT_EVERY = 10;
const TRAINER_TIMEOUT = 15;
/** A run with no new metrics line and no new log line for this long is taken as hung, and killed. */
const STALL_SECONDS = 150;
const work = mkdtempSync(join(tmpdir(), 'oar-bench-faults-'));
const common = ['--config', config, '--num-passes', '1', '--seed', '1'];

// ----------------------------------------------------------------------------- processes
interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}
interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<Exit>;
}
const running: Proc[] = [];

/** Starts `oar ARGS`: the CLI run directly (no npx or tsx wrapper), so that a kill reaches the process doing the work. */
function oar(...args: string[]): Proc {
  // OAR_LAUNCH_PID: a pserver or worker started here exits by itself within a second if this bench dies of SIGKILL.
  const child = spawn(process.execPath, ['--conditions=@oar/source', '--import', tsx, cli, ...args],
    { cwd: root, env: { ...process.env, OAR_LAUNCH_PID: String(process.pid) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const proc = { child, output: () => text, exited: new Promise<Exit>((r) => child.on('exit', (code, signal) => r({ code, signal }))) };
  running.push(proc);
  return proc;
}

const alive = (p: Proc) => p.child.exitCode === null && p.child.signalCode === null;

/** Every process below `pid` (Linux /proc). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // a process that ended meanwhile
    }
  }
  const out: number[] = [];
  for (let queue = [pid]; queue.length;) for (const c of children.get(queue.shift()!) ?? []) out.push(c), queue.push(c);
  return out;
}

/** SIGKILLs every process started here that still runs, and what it started (launch's pservers and trainers). */
function killAll(): void {
  for (const p of running.splice(0)) {
    if (!alive(p) || p.child.pid === undefined) continue;
    for (const pid of [...descendants(p.child.pid), p.child.pid]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}
let failed = false;
process.on('exit', () => {
  killAll();
  if (!keep && !failed) rmSync(work, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));

/** The pid of the child of `parent` whose command line holds `args` in a row. */
function childPid(parent: number, ...args: string[]): number | undefined {
  for (const pid of descendants(parent)) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd.some((_, i) => args.every((a, k) => cmd[i + k] === a))) return pid;
    } catch {
      // ended meanwhile
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitFor(condition: () => boolean, what: string, ms = 30 * 60_000): Promise<void> {
  for (const until = Date.now() + ms; !condition();) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The exits of `procs`, or `stalledAt` (seconds since `t0` of the last progress) when neither metrics.jsonl
 * nor any output of `watched` has grown for STALL_SECONDS: a hung job is reported, not waited for.
 */
async function settle(procs: Proc[], watched: Proc[], save: string, t0: number): Promise<{ exits: Exit[]; stalledAt?: number }> {
  const all = Promise.all(procs.map((p) => p.exited));
  const size = () => (existsSync(join(save, 'metrics.jsonl')) ? statSync(join(save, 'metrics.jsonl')).size : 0) + watched.reduce((n, p) => n + p.output().length, 0);
  let last = { size: size(), at: performance.now() };
  for (;;) {
    const exits = await Promise.race([all, sleep(1000).then(() => undefined)]);
    if (exits) return { exits };
    const now = size();
    if (now !== last.size) last = { size: now, at: performance.now() };
    else if (performance.now() - last.at > STALL_SECONDS * 1000) {
      failed = true;
      return { exits: procs.map((p) => ({ code: p.child.exitCode, signal: p.child.signalCode })), stalledAt: (last.at - t0) / 1000 };
    }
  }
}

/** Each pserver's step, or undefined for one that does not answer within 5 s. */
async function stepsOf(ports: number[]): Promise<(number | undefined)[]> {
  return Promise.all(ports.map(async (port) => {
    const probe = ParameterClient.connect({ endpoints: [`tcp://127.0.0.1:${port}`], trainerId: 0, numTrainers });
    try {
      return await Promise.race([probe.stats().then((s) => s[0]!.step), sleep(5000).then(() => undefined)]);
    } finally {
      probe.close();
    }
  }));
}

// ----------------------------------------------------------------------------- metrics.jsonl
type Line = Record<string, unknown>;
function metricsOf(saveDir: string): Line[] {
  const file = join(saveDir, 'metrics.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').flatMap((line) => {
    try {
      return line ? [JSON.parse(line) as Line] : [];
    } catch {
      return []; // a line being written
    }
  });
}
const batches = (saveDir: string, trainer?: number) =>
  metricsOf(saveDir).filter((m) => m.batch !== undefined && (trainer === undefined || m.trainer === trainer));

/** Trainer 0's test of the pass (cost, classification_error), if it got that far. */
function testOf(saveDir: string): { cost: number; error: number } | undefined {
  const t = metricsOf(saveDir).filter((m) => m.event === 'test').at(-1);
  return t && { cost: t.cost as number, error: (t.metrics as Record<string, number>).classification_error! };
}

/** The tasks the batch lines say were trained: distinct, trained more than once, and their samples. */
function tasksOf(saveDir: string) {
  const seen = new Map<number, number>();
  let repeated = 0;
  for (const m of batches(saveDir).filter((b) => b.task !== undefined)) {
    if (seen.has(m.task as number)) repeated++;
    else seen.set(m.task as number, m.taskSamples as number);
  }
  return { distinct: seen.size, repeated, samples: [...seen.values()].reduce((a, b) => a + b, 0) };
}

// ----------------------------------------------------------------------------- runs
interface Row {
  run: string;
  exit: string;
  test?: { cost: number; error: number };
  seconds: number;
  notes: string;
}

const firstMatch = (re: RegExp, text: string) => re.exec(text) ?? undefined;

const thousands = (n: number) => n.toLocaleString('en');
const load1 = () => loadavg()[0]!.toFixed(1);

/** `oar pserver` ×2 with checkpoints and `oar worker` ×M, started by hand; with `killAtBatch`, pserver 0 is SIGKILLed then. */
async function byHand(name: string, killAtBatch?: number): Promise<Row & { perTrainer0: number; samples: number }> {
  const ports = [await freePort(), await freePort()];
  const pserver = (i: number) => oar('pserver', '--port', String(ports[i]), '--num-trainers', String(numTrainers),
    '--checkpoint-dir', join(work, name, `pserver-${i}`), '--checkpoint-every-steps', String(CHECKPOINT_EVERY));
  const save = join(work, name, 'run');
  const load = load1();
  const t0 = performance.now();
  const ps = [pserver(0), pserver(1)];
  const workers = Array.from({ length: numTrainers }, (_, i) => oar('worker', ...common, '--save-dir', save,
    '--pservers', ports.map((p) => `127.0.0.1:${p}`).join(','), '--trainer-id', String(i), '--num-trainers', String(numTrainers)));
  let fault = '';
  let killed: Proc | undefined;
  if (killAtBatch !== undefined) {
    await waitFor(() => batches(save, 0).length >= killAtBatch || !workers.every(alive), `trainer 0's batch ${killAtBatch}`);
    const [stepAtKill] = await stepsOf([ports[1]!]);
    killed = ps[0]!;
    killed.child.kill('SIGKILL');
    await killed.exited;
    fault = `SIGKILL at step ${stepAtKill} (trainer 0 at batch ${batches(save, 0).length}), restarted 1 s later`;
    await sleep(1000);
    ps[0] = pserver(0);
  }
  const { exits, stalledAt } = await settle(workers, [...ps, ...workers], save, t0);
  const seconds = stalledAt ?? (performance.now() - t0) / 1000;
  let hung = '';
  if (stalledAt !== undefined) {
    const steps = await stepsOf(ports);
    hung = `HUNG: no progress after ${stalledAt.toFixed(0)} s, pservers at steps ${steps.map((x) => x ?? '?').join(' and ')}, `
      + `trainers at batches ${Array.from({ length: numTrainers }, (_, i) => batches(save, i).length).join(', ')}; killed ${STALL_SECONDS} s later`;
    for (const w of workers) w.child.kill('SIGKILL');
  }
  for (const p of ps) p.child.kill('SIGTERM');
  await Promise.all(ps.map((p) => p.exited));
  const logs = ps.map((p) => p.output());
  writeFileSync(join(work, name, 'output.log'), [killed?.output() ?? '', ...logs, ...workers.map((w) => w.output())].join('\n'));
  const stop = logs.map((l) => firstMatch(/stopping at step (\d+) \(\d+ pushes, \d+ discarded, (\d+) resent or stale/, l));
  if (exits.some((e) => e.code !== 0)) failed = true;
  const tasks = tasksOf(save);
  const notes = [`${stop[1]?.[1] ?? '?'} steps, ${batches(save).length} batches, ${thousands(tasks.samples)} samples in ${tasks.distinct} tasks`
    + `${tasks.repeated ? ` (+${tasks.repeated} trained again)` : ''}`, `load ${load}`];
  if (hung) notes.unshift(hung);
  if (killAtBatch === undefined) notes.unshift(`by hand, checkpoints every ${CHECKPOINT_EVERY} steps`);
  else {
    const resumed = firstMatch(/resumed from \S+: step (\d+)/, logs[0]!);
    // A pserver may catch up more than once (a resent push of step s, then one of s + 1): the last count holds.
    const lost = [...logs[0]!.matchAll(/: (\d+) step\(s\) lost, catching up/g)].map((m) => m[1]!);
    const resent = workers.map((w) => firstMatch(/restarted; sending again (\d+) recent push\(es\)/, w.output())).filter(Boolean).map((m) => Number(m![1]));
    notes.unshift(fault, `resumed from its checkpoint of step ${resumed?.[1] ?? '?'}: ${lost.at(-1) ?? 0} step(s) lost`
      + `${lost.length > 1 ? ` (caught up ${lost.length} times: ${lost.join(', then ')})` : ''}`,
      `trainers resent ${resent.join(' + ') || 0} push(es), ${stop[0]?.[2] ?? '?'} taken as resent or stale`);
  }
  return {
    run: killAtBatch === undefined ? 'undisturbed' : 'pserver 0 killed mid-pass, restarted',
    exit: hung ? 'hung' : `workers ${exits.map((r) => r.code ?? r.signal).join(', ')}`, ...withTest(save), seconds, notes: notes.join('; '),
    perTrainer0: batches(save, 0).length, samples: tasks.samples,
  };
}

const withTest = (save: string) => {
  const test = testOf(save);
  return test ? { test } : {};
};

/** `oar launch` of the same job; trainer M−1 is SIGKILLed at trainer 0's batch `killAtBatch`. */
async function trainerKilled(killAtBatch: number, undisturbedSamples: number): Promise<Row> {
  const save = join(work, 'trainer-killed', 'run');
  const victim = numTrainers - 1;
  const load = load1();
  const t0 = performance.now();
  const launch = oar('launch', ...common, '--pservers', '2', '--trainers', String(numTrainers), '--trainer-timeout', String(TRAINER_TIMEOUT), '--save-dir', save);
  await waitFor(() => batches(save, 0).length >= killAtBatch || !alive(launch), `trainer 0's batch ${killAtBatch}`);
  const pids = Array.from({ length: numTrainers }, (_, i) => childPid(launch.child.pid!, '--trainer-id', String(i)));
  if (pids.some((p) => p === undefined)) throw new Error(`trainer processes not found under oar launch:\n${launch.output()}`);
  // The victim is killed while it waits in the step barrier: the others are held for half a second first, so that
  // it has logged every task its pushes completed (else a kill between the master's count and its log line would
  // hide a trained task from metrics.jsonl).
  const others = pids.filter((_, i) => i !== victim) as number[];
  for (const pid of others) process.kill(pid, 'SIGSTOP');
  await sleep(500);
  process.kill(pids[victim]!, 'SIGKILL');
  const victimBatches = batches(save, victim).length;
  for (const pid of others) process.kill(pid, 'SIGCONT');
  const { exits: [exit], stalledAt } = await settle([launch], [launch], save, t0);
  const seconds = stalledAt ?? (performance.now() - t0) / 1000;
  if (stalledAt !== undefined) {
    launch.child.kill('SIGTERM');
    await Promise.race([launch.exited, sleep(10_000)]);
  }
  const log = launch.output();
  writeFileSync(join(work, 'trainer-killed', 'output.log'), log);
  const dropped = firstMatch(/trainer \d+ dropped: silent for (\d+\.\d) s/, log);
  const done = firstMatch(/pass 0 done at step (\d+) by trainer\(s\) ([\d, ]+); (\d+) tasks trained, each once/, log);
  const tasks = tasksOf(save);
  const notes = [
    ...(stalledAt !== undefined ? [`HUNG: no progress after ${stalledAt.toFixed(0)} s; stopped ${STALL_SECONDS} s later`] : []),
    `oar launch --trainer-timeout ${TRAINER_TIMEOUT}`, `SIGKILL at trainer 0's batch ${killAtBatch}, after ${victimBatches} batches of its own`,
    `dropped after ${dropped?.[1] ?? '?'} s silent`, done ? `pass done at step ${done[1]} by trainer(s) ${done[2]}: ${done[3]} tasks trained, each once (pserver 0)` : 'no pass-done line',
    `metrics.jsonl: ${thousands(tasks.samples)} of ${thousands(undisturbedSamples)} samples trained once (${tasks.distinct} tasks, ${tasks.repeated} trained again)`,
    `load ${load}`,
  ];
  if (exit!.code !== 0) failed = true;
  return { run: `trainer ${victim} killed mid-pass`, exit: stalledAt !== undefined ? 'hung' : `launch ${exit!.code ?? exit!.signal}`, ...withTest(save), seconds, notes: notes.join('; ') };
}

// ----------------------------------------------------------------------------- main
const say = (line: string) => process.stderr.write(`faults: ${line}\n`);
say(`${numTrainers} trainers, 2 pservers, spam 1 pass; runs in ${work}; load average ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
// tsx compiles on first import and caches: a first `oar --help` (which imports every command) keeps that out of run 1's time.
await oar('--help').exited;
const rows: Row[] = [];
say('1/3 undisturbed');
const undisturbed = await byHand('undisturbed');
rows.push(undisturbed);
const killAtBatch = Math.max(1, Math.round(undisturbed.perTrainer0 * KILL_AT));
// Halfway between two checkpoints: a pserver killed just after one has no step to lose.
const pserverKillBatch = killAtBatch - (killAtBatch % CHECKPOINT_EVERY) + CHECKPOINT_EVERY / 2;
say(`  ${undisturbed.seconds.toFixed(0)} s; trainer 0 trained ${undisturbed.perTrainer0} batches`);
say(`2/3 pserver 0 killed at trainer 0's batch ${pserverKillBatch}, restarted`);
rows.push(await byHand('pserver-killed', pserverKillBatch));
say(`3/3 trainer ${numTrainers - 1} killed at trainer 0's batch ${killAtBatch}`);
rows.push(await trainerKilled(killAtBatch, undisturbed.samples));

const fmt = (x: number | undefined, digits: number) => (x === undefined ? 'n/a' : x.toFixed(digits));
const pct = (batch: number) => `${Math.round((100 * batch) / undisturbed.perTrainer0)} %`;
console.log(`\nFaults on examples/spam/config.ts: 1 pass, 2 pservers × ${numTrainers} trainers, sync SGD, wasm, --seed 1; `
  + `pserver killed at ${pct(pserverKillBatch)}, trainer at ${pct(killAtBatch)} of trainer 0's ${undisturbed.perTrainer0} undisturbed batches; `
  + `load average after ${loadavg().map((l) => l.toFixed(2)).join(', ')}`);
console.log('| run | exit code | test classification_error | test cost | wall s | notes |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.run} | ${r.exit} | ${fmt(r.test?.error, 4)} | ${fmt(r.test?.cost, 4)} | ${r.seconds.toFixed(1)} | ${r.notes} |`);
console.log(`\nCommand: npm run bench:faults${argv.length ? ` -- ${argv.join(' ')}` : ''}. Its processes (free ports; DIR in a temp dir):`);
console.log(`    oar pserver --port P --num-trainers ${numTrainers} --checkpoint-dir DIR/pserver-I --checkpoint-every-steps ${CHECKPOINT_EVERY}`);
console.log(`    oar worker --config examples/spam/config.ts --num-passes 1 --seed 1 --save-dir DIR/run --pservers 127.0.0.1:P0,127.0.0.1:P1 --trainer-id I --num-trainers ${numTrainers}`);
console.log(`    oar launch --config examples/spam/config.ts --num-passes 1 --seed 1 --pservers 2 --trainers ${numTrainers} --trainer-timeout ${TRAINER_TIMEOUT} --save-dir DIR/run`);
if (keep || failed) console.log(`Runs kept in ${work} (metrics.jsonl, output.log, checkpoints)`);
if (failed) process.exitCode = 1;
