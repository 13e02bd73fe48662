import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError, DataError } from './errors.js';
import { asAsync, closeQuietly, openReader, type Reader } from './reader.js';
import { checkBoolean, checkOptions, checkPositiveInt, checkReader, show } from './validate.js';
import { xmapWorkerSource } from './xmapWorkerSource.js';

/**
 * How a worker finds the mapper (a function cannot be sent to a thread, so it is named instead):
 * - `{ module, exportName }`: a module file (a path, absolute or relative to `process.cwd()`, or a
 *   `file:` URL such as `new URL('./mapper.js', import.meta.url)`), loaded in each worker with
 *   `import()`; `exportName` defaults to `"default"`. The robust choice for real code. A TypeScript
 *   file (`.ts`, `.mts`, `.cts`) is loaded through tsx's loader, which each worker registers first
 *   (tsx must be installed; it is a dev dependency of this repository).
 * - `{ source }`: the source text of a function expression, e.g. `"(x) => x * 2"`, evaluated in each
 *   worker. It sees no variables of the caller; it may call `require` (e.g. `require('node:zlib')`).
 * The mapper may be async. Samples and results cross threads by structured clone (plain data, typed
 * arrays, Maps; not functions or class instances).
 */
export type Mapper = { module: string | URL; exportName?: string } | { source: string };

/** Options of {@link xmapReaders}. */
export interface XmapOptions {
  /** Emit results in the order of the input samples (default false: as they finish, as in Paddle). */
  order?: boolean;
}

type WorkerSpec = { kind: 'module'; url: string; exportName: string; tsx?: string } | { kind: 'source'; source: string };
type Reply = { seq: number; ok: true; value: unknown } | { seq: number; ok: false; error: string } | { fatal: string };

/**
 * Maps samples through `mapper` in `processNum` worker threads (`node:worker_threads`), with at most
 * `bufferSize` samples in flight (sent and not yet emitted). The result is always asynchronous. A
 * mapper that throws stops the pass with a DataError naming the sample. Each pass starts its own
 * workers at its first `next()` (tens of milliseconds each) and ends them when it finishes, fails or is
 * abandoned.
 *
 * @paddle paddle.reader.xmap_readers
 * @example
 * const decoded = xmapReaders({ module: new URL('./decode.js', import.meta.url), exportName: 'decode' },
 *   files, 2, 64, { order: true });
 */
export function xmapReaders<T, R>(
  mapper: Mapper,
  reader: Reader<T>,
  processNum: number,
  bufferSize: number,
  options?: XmapOptions,
): Reader<R> {
  const spec = checkMapper(mapper);
  checkReader('xmapReaders', 'reader', reader);
  checkPositiveInt('xmapReaders', 'processNum', processNum);
  checkPositiveInt('xmapReaders', 'bufferSize', bufferSize);
  const order = checkBoolean('xmapReaders', 'order', checkOptions('xmapReaders', options, ['order']).order ?? false);
  return () => xmapPass<R>(spec, asAsync(openReader('xmapReaders', reader)), processNum, bufferSize, order);
}

function checkMapper(mapper: unknown): WorkerSpec {
  const m = (mapper ?? {}) as { module?: unknown; exportName?: unknown; source?: unknown };
  if (typeof m.source === 'string' && m.module === undefined) return { kind: 'source', source: m.source };
  if (m.exportName !== undefined && typeof m.exportName !== 'string') {
    throw new ConfigError(`xmapReaders: mapper.exportName must be a string, got ${show(m.exportName)}`);
  }
  const exportName = m.exportName ?? 'default';
  if (m.module instanceof URL) return moduleSpec(m.module.href, exportName);
  if (typeof m.module === 'string' && m.module.length > 0) {
    if (/^[a-z][a-z0-9+.-]+:/i.test(m.module)) return moduleSpec(m.module, exportName);
    const file = resolve(m.module);
    if (!existsSync(file)) throw new ConfigError(`xmapReaders: mapper.module file not found: ${file}`);
    return moduleSpec(pathToFileURL(file).href, exportName);
  }
  throw new ConfigError(
    `xmapReaders: mapper must be { module: path or URL, exportName? } or { source: function source text }, got ${show(mapper)}`,
  );
}

function moduleSpec(url: string, exportName: string): WorkerSpec {
  if (!/\.[cm]?ts$/.test(new URL(url).pathname)) return { kind: 'module', url, exportName };
  let tsx: string;
  try {
    tsx = import.meta.resolve('tsx/esm/api');
  } catch (e) {
    throw new ConfigError(
      `xmapReaders: mapper.module ${url} is TypeScript: its workers need tsx (npm install -D tsx), or compile it to JavaScript`,
      { cause: e },
    );
  }
  return { kind: 'module', url, exportName, tsx };
}

async function* xmapPass<R>(
  spec: WorkerSpec,
  it: AsyncIterator<unknown>,
  processNum: number,
  bufferSize: number,
  order: boolean,
): AsyncGenerator<R> {
  const pool = startPool(spec, processNum);
  let sent = 0;
  let emitted = 0;
  let sourceDone = false;
  try {
    for (;;) {
      if (pool.failure) throw pool.failure;
      while (!sourceDone && sent - emitted < bufferSize) {
        const r = await it.next();
        if (r.done) sourceDone = true;
        else pool.send(sent++, r.value);
      }
      for (let value = pool.take(order, emitted); value !== NONE; value = pool.take(order, emitted)) {
        emitted += 1;
        yield value as R;
      }
      if (sourceDone && emitted === sent) return;
      if (sent - emitted >= bufferSize || sourceDone) await pool.changed();
    }
  } finally {
    if (!sourceDone) await closeQuietly(it);
    await pool.stop();
  }
}

const NONE = Symbol('none');

/** The worker threads of one pass and the results they have sent back. */
function startPool(spec: WorkerSpec, size: number) {
  const workers = Array.from({ length: size }, () => new Worker(xmapWorkerSource, { eval: true, workerData: spec }));
  const pending = new Array<number>(size).fill(0);
  const ready = new Map<number, unknown>(); // seq -> result
  const arrival: number[] = []; // seqs in the order they came back
  let wake: (() => void) | undefined;
  let stopping = false;
  const pool = {
    failure: undefined as DataError | undefined,
    send(seq: number, sample: unknown) {
      const w = pending.indexOf(Math.min(...pending));
      try {
        workers[w]!.postMessage({ seq, sample });
      } catch (e) {
        throw new DataError(`xmapReaders: sample ${seq} cannot be sent to a worker: ${(e as Error).message}`, { cause: e });
      }
      pending[w]! += 1;
    },
    take(order: boolean, next: number): unknown {
      const seq = order ? next : arrival[0];
      if (seq === undefined || !ready.has(seq)) return NONE;
      const value = ready.get(seq);
      ready.delete(seq);
      arrival.splice(arrival.indexOf(seq), 1);
      return value;
    },
    changed: () => new Promise<void>((resolve) => (wake = resolve)),
    stop: async () => {
      stopping = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
  const fail = (message: string) => {
    pool.failure ??= new DataError(`xmapReaders: ${message}`);
    wake?.();
  };
  workers.forEach((worker, i) => {
    worker.on('message', (reply: Reply) => {
      if ('fatal' in reply) return fail(`could not load the mapper: ${reply.fatal}`);
      pending[i]! -= 1;
      if (!reply.ok) return fail(`the mapper threw on sample ${reply.seq}: ${reply.error}`);
      ready.set(reply.seq, reply.value);
      arrival.push(reply.seq);
      wake?.();
    });
    worker.on('error', (e) => fail(`worker ${i} failed: ${e.message}`));
    worker.on('exit', (code) => {
      if (!stopping) fail(`worker ${i} exited unexpectedly with code ${code}`);
    });
  });
  return pool;
}
