import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LAUNCH_PID_ENV } from './exitWithParent.js';

/** Lines on the guard's stdout that carry a trainer's metrics.jsonl line to `oar launch`. */
export const METRICS_PREFIX = '@oar-metrics ';
/** The guard's exit status when it could not start its process. */
export const GUARD_FAILED = 3;

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const log = (line: string) => process.stderr.write(`oar remote: ${line}\n`);

/**
 * What `oar launch --hosts` runs over ssh on each host, in front of one `oar pserver` or `oar worker`:
 * starts it in a process group of its own and kills that group when the ssh connection closes (stdin ends)
 * or falls silent (no heartbeat line from launch for `--heartbeat` seconds: a network cut), so nothing
 * outlives launch on a remote host. With `--metrics FILE --trainer I` it forwards trainer I's lines of
 * FILE (its metrics.jsonl) on stdout, each after {@link METRICS_PREFIX}, for launch's progress view.
 * Exits with the process's status (128 + n when it died of signal n).
 *
 * @example
 * // on the host, as launch runs it:
 * // cd /srv/oar && exec node --conditions=@oar/source --import tsx tools/src/remoteGuard.ts \
 * //   --heartbeat 15 --env CUDA_VISIBLE_DEVICES=1 -- pserver --port 7164 --num-trainers 2 --sync
 */
export function remoteGuard(argv: string[]): void {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: { heartbeat: { type: 'string', default: '15' }, env: { type: 'string', multiple: true, default: [] }, metrics: { type: 'string' }, trainer: { type: 'string' } },
  });
  const heartbeatMs = Number(values.heartbeat) * 1000;
  const env: Record<string, string> = { ...process.env as Record<string, string>, [LAUNCH_PID_ENV]: String(process.pid) };
  for (const kv of values.env) env[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
  // An ssh connection that is gone makes our own writes fail: never let that end the guard before its group.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});

  const child = spawn(process.execPath, [...process.execArgv, cli, ...positionals], { env, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const role = positionals.slice(0, 1).join('');
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}; stopping oar ${role} (process group ${child.pid})`);
    group('SIGTERM');
    setTimeout(() => group('SIGKILL'), 5000).unref();
  };
  process.on('uncaughtException', (err) => {
    group('SIGKILL');
    log(`${err.stack ?? err.message}`);
    process.exit(GUARD_FAILED);
  });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => stop(signal));

  let heard = Date.now();
  process.stdin.on('data', () => (heard = Date.now()));
  process.stdin.on('end', () => stop('the connection from oar launch ended'));
  process.stdin.on('error', () => stop('the ssh connection from oar launch failed'));
  const watchdog = setInterval(() => {
    if (Date.now() - heard > heartbeatMs) stop(`no word from oar launch for ${values.heartbeat} s (network cut?)`);
  }, 500);

  createInterface({ input: child.stdout! }).on('line', (line) => process.stdout.write(`${line}\n`));
  const tail = values.metrics !== undefined ? metricsTail(values.metrics, Number(values.trainer)) : undefined;
  const poller = tail && setInterval(tail, 500);

  child.on('error', (err) => {
    log(`cannot start ${process.execPath}: ${err.message}`);
    process.exit(GUARD_FAILED);
  });
  child.on('exit', () => group('SIGKILL'));
  child.on('close', (code, signal) => {
    clearInterval(watchdog);
    if (poller) clearInterval(poller);
    tail?.();
    // Let the last forwarded lines leave (a connection that is gone gets 2 s).
    const exit = () => process.exit(signal ? 128 + constants.signals[signal] : (code ?? GUARD_FAILED));
    process.stdout.write('', exit);
    setTimeout(exit, 2000);
  });
}

/** Forwards the complete lines appended to `file` since now that belong to `trainer` (trainer 0 also: test and eval lines). */
function metricsTail(file: string, trainer: number): () => void {
  let offset = existsSync(file) ? statSync(file).size : 0;
  return () => {
    if (!existsSync(file)) return;
    const size = statSync(file).size;
    if (size <= offset) return;
    const buf = Buffer.alloc(size - offset);
    const fd = openSync(file, 'r');
    readSync(fd, buf, 0, buf.length, offset);
    closeSync(fd);
    const end = buf.lastIndexOf(10);
    if (end < 0) return;
    offset += end + 1;
    for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
      try {
        const who = (JSON.parse(line) as { trainer?: number }).trainer;
        if (who === trainer || (who === undefined && trainer === 0)) process.stdout.write(`${METRICS_PREFIX}${line}\n`);
      } catch {
        // not one of ours
      }
    }
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) remoteGuard(process.argv.slice(2));
