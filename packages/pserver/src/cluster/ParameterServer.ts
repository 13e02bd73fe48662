import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as zmq from 'zeromq';
import { ConfigError, ProtocolError, show } from '../errors.js';
import { CheckpointDir, encodeCheckpoint } from './Checkpoint.js';
import { ZapHandler, type CurveServerOptions } from './curve.js';
import { Outbox } from './Outbox.js';
import {
  decodeRequestHeader, encodeHeader, parseRequest, PROTOCOL_VERSION,
  type FinishPassRequest, type HelloRequest, type IdleRequest, type InitRequest, type PullRequest, type PushRequest, type Reply,
  type Request, type ServerStats, type SyncMode, type TaskRequest,
} from './protocol.js';
import { Shard, type ShardInit } from './Shard.js';
import { TaskMaster, type TaskMasterState } from './TaskMaster.js';

export interface ParameterServerOptions {
  /** M: how many trainers take part. */
  numTrainers: number;
  /** `sync` (default): a step's gradients from all M trainers are summed, then applied once. */
  mode?: SyncMode;
  /** Async: a gradient computed on parameters more than `M × ratio` steps old is discarded. Default 1.5. */
  laggedGradDiscardRatio?: number;
  /** A trainer silent this long (no request, no heartbeat) leaves the barrier; the others go on. Default 60 s. */
  trainerTimeoutMs?: number;
  /** Write the shard to `dir` every `everySteps` steps and/or `everySeconds` seconds (default 60 s), and at each pass end; resume from the newest valid one. */
  checkpoint?: { dir: string; everySteps?: number; everySeconds?: number; keep?: number };
  /** Encrypt and authenticate with CURVE: only trainers whose public key is listed may connect. */
  curve?: CurveServerOptions;
  /** Largest frame ZeroMQ accepts; a bigger one drops the connection. Default 1 GiB. */
  maxFrameBytes?: number;
  /** Where the log lines go (default: stderr). */
  log?: (line: string) => void;
}

type Frames = Buffer[];
type Answer = (reply: Partial<Reply>, frames?: Buffer[]) => void;
type ParkedTask = { request: TaskRequest; answer: Answer };

/** What a checkpoint's header holds besides the sections (values, then optimizer states). */
interface CheckpointHeader {
  format: 'oar-pserver';
  init: ShardInit;
  numTrainers: number;
  mode: SyncMode;
  step: number;
  samplesProcessed: number;
  pass: number;
  passesDone: number;
  parts: number;
  master?: TaskMasterState;
  seqs: [number, string, number][];
}

/**
 * One pserver: holds its blocks of the dense parameters and its rows of the tables with their optimizer state,
 * and serves push/pull over a ZeroMQ ROUTER socket. Sync mode sums each step's gradients from the trainers in
 * the barrier (weighted by their batch sizes) and runs the optimizer once; async mode applies each push at
 * once and drops gradients that are too stale.
 *
 * Faults: a trainer silent for `trainerTimeoutMs` leaves the barrier (the others go on; it rejoins with its
 * next message); a push is applied once however often it is resent; with a checkpoint folder the shard is
 * written atomically every N steps or seconds and a restarted pserver resumes from the newest valid file,
 * catching up with the step its trainers are at. Pserver 0 is also the master that deals tasks (chunks of
 * the data) to trainers. A malformed request gets an error reply and a log line; the server goes on.
 * @paddle ParameterServer2 (paddle/pserver)
 * @example
 * const server = await ParameterServer.listen('tcp://*:7164', { numTrainers: 2, checkpoint: { dir: 'ckpt', everySteps: 100 } });
 * await server.closed; // until server.close()
 */
export class ParameterServer {
  readonly numTrainers: number;
  readonly mode: SyncMode;
  readonly laggedGradDiscardRatio: number;
  readonly trainerTimeoutMs: number;
  /** Changes each start: trainers that see a new one resend what they had in flight. */
  readonly incarnation = randomBytes(6).toString('hex');
  readonly #socket: zmq.Router;
  readonly #zap: ZapHandler | undefined;
  readonly #outbox: Outbox;
  readonly #log: (line: string) => void;
  readonly #checkpoints: CheckpointDir | undefined;
  readonly #checkpointEvery: { steps: number; ms: number };
  #lastCheckpoint = { step: -1, at: Date.now() };
  #shard: Shard | undefined;
  #master: TaskMaster | undefined;
  #step = 0;
  #samplesProcessed = 0;
  #pass = 0;
  #passesDone = 0;
  /** Restored from a checkpoint and no step (pass) done since: trainers ahead of it are caught up with. */
  #restored = false;
  #passRestored = false;
  #resumedFrom = -1;
  /** Membership: last message of each trainer; in the barrier or dropped; idle (no batch for now). */
  readonly #lastSeen: number[];
  readonly #active: boolean[];
  readonly #idle: boolean[];
  /** Sync: trainers that pushed the current step. */
  readonly #pushed = new Set<number>();
  /** Sync: trainers that went idle after pushing the current step (pass of the idle request): idle from the next step. */
  readonly #idleNext = new Map<number, number>();
  /** Async: the last (session, seq) applied per trainer. */
  readonly #seqs = new Map<number, { session: string; seq: number }>();
  /** Trainers done with pass #passesDone, and their parked finishPass answers. */
  readonly #finished = new Map<number, Answer[]>();
  /** Pulls waiting for a step (or for init), and task requests waiting for a task. */
  #parked: { minStep: number; answer: () => void }[] = [];
  #parkedTasks: ParkedTask[] = [];
  readonly #stats = {
    pushes: 0, discarded: 0, bytesIn: 0, bytesOut: 0, tensorBytesIn: 0, tensorBytesOut: 0, errors: 0, duplicates: 0, stale: 0,
    dropped: 0, checkpoints: 0,
  };
  readonly #timer: NodeJS.Timeout;
  readonly #rejects = { windowStart: 0, logged: 0, suppressed: 0 };
  readonly closed: Promise<void>;
  #endpoint = '';

  private constructor(socket: zmq.Router, zap: ZapHandler | undefined, options: ParameterServerOptions, checkpoints: CheckpointDir | undefined) {
    this.numTrainers = options.numTrainers;
    this.mode = options.mode ?? 'sync';
    this.laggedGradDiscardRatio = options.laggedGradDiscardRatio ?? 1.5;
    this.trainerTimeoutMs = options.trainerTimeoutMs ?? 60_000;
    this.#socket = socket;
    this.#zap = zap;
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.#outbox = new Outbox(socket, (e) => this.#log(`pserver: send failed: ${e.message}`));
    this.#checkpoints = checkpoints;
    const c = options.checkpoint;
    this.#checkpointEvery = { steps: c?.everySteps ?? 0, ms: (c?.everySeconds ?? (c?.everySteps ? 0 : 60)) * 1000 };
    this.#lastSeen = new Array<number>(this.numTrainers).fill(Date.now());
    this.#active = new Array<boolean>(this.numTrainers).fill(true);
    this.#idle = new Array<boolean>(this.numTrainers).fill(false);
    this.#timer = setInterval(() => this.#tick(), Math.max(50, Math.min(1000, this.trainerTimeoutMs / 4)));
    this.#timer.unref();
    if (options.curve) {
      // A client that does not talk CURVE (or fails its handshake) never reaches the ZAP handler: log it here.
      const failed = (e: { address: string; error: Error }) => this.#logLimited(`refused a connection from ${e.address}: CURVE handshake failed (${e.error.message})`);
      socket.events.on('handshake:error:protocol', failed);
      socket.events.on('handshake:error:other', failed);
    }
    this.closed = this.#serve();
  }

  /**
   * Binds `endpoint` (e.g. `tcp://*:7164`) and starts serving, first resuming from the newest valid checkpoint
   * when a checkpoint folder is given. A port in use, or a checkpoint of another job, is a ConfigError.
   */
  static async listen(endpoint: string, options: ParameterServerOptions): Promise<ParameterServer> {
    checkOptions(options);
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const checkpoints = options.checkpoint ? new CheckpointDir(options.checkpoint.dir, { ...(options.checkpoint.keep ? { keep: options.checkpoint.keep } : {}), log }) : undefined;
    const context = options.curve ? new zmq.Context() : zmq.context;
    const zap = options.curve ? await ZapHandler.start(context, options.curve.authorizedKeys, log) : undefined;
    const socket = new zmq.Router({
      context, sendHighWaterMark: 0, receiveHighWaterMark: 0, linger: 0, maxMessageSize: options.maxFrameBytes ?? 2 ** 30,
      ...(options.curve ? { curveServer: true, curveSecretKey: options.curve.secretKey, curvePublicKey: options.curve.publicKey } : {}),
    });
    const server = new ParameterServer(socket, zap, options, checkpoints);
    try {
      if (checkpoints) server.#resume(checkpoints);
      await socket.bind(endpoint);
    } catch (e) {
      clearInterval(server.#timer);
      socket.close();
      zap?.close();
      const err = e as Error & { code?: string };
      if (err instanceof ConfigError) throw err;
      if (err.code === 'EADDRINUSE') throw new ConfigError(`ParameterServer: ${endpoint} is in use by another process; choose another --port`);
      throw new ConfigError(`ParameterServer: cannot bind ${show(endpoint)}: ${err.message}`);
    }
    server.#endpoint = socket.lastEndpoint ?? endpoint;
    return server;
  }

  /** The bound endpoint, with the port the system chose for `tcp://127.0.0.1:0`-style endpoints resolved. */
  get endpoint(): string {
    return this.#endpoint;
  }

  get step(): number {
    return this.#step;
  }

  stats(): ServerStats {
    collectGarbage();
    const m = process.memoryUsage();
    const { checkpoints, dropped, duplicates, stale, ...traffic } = this.#stats;
    return {
      initialized: this.#shard !== undefined, server: this.#shard?.init.server ?? -1, numTrainers: this.numTrainers, mode: this.mode,
      step: this.#step, ...traffic, memory: { rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers },
      duplicates, stale, dropped, checkpoints, activeTrainers: this.#activeList(), passesDone: this.#passesDone, resumedFrom: this.#resumedFrom,
    };
  }

  /** Writes a checkpoint now (when a checkpoint folder is set and the shard is initialised); returns its path. */
  checkpoint(): string | undefined {
    if (!this.#checkpoints || !this.#shard) return undefined;
    const t0 = performance.now();
    const { values, states } = this.#shard.sections();
    const header: CheckpointHeader = {
      format: 'oar-pserver', init: this.#shard.init, numTrainers: this.numTrainers, mode: this.mode, step: this.#step,
      samplesProcessed: this.#samplesProcessed, pass: this.#pass, passesDone: this.#passesDone, parts: values.length,
      ...(this.#master ? { master: this.#master.snapshot() } : {}), seqs: [...this.#seqs].map(([t, s]) => [t, s.session, s.seq]),
    };
    const bytes = encodeCheckpoint(header, [...values, ...states]);
    const path = this.#checkpoints.write(this.#step, bytes);
    this.#lastCheckpoint = { step: this.#step, at: Date.now() };
    this.#stats.checkpoints++;
    this.#log(`pserver: checkpoint of step ${this.#step} written to ${path} (${(bytes.length / 1e6).toFixed(1)} MB, ${(performance.now() - t0).toFixed(0)} ms)`);
    return path;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#outbox.drain().catch(() => {});
    this.#socket.close();
    this.#zap?.close();
    await this.closed;
  }

  #resume(dir: CheckpointDir): void {
    const found = dir.newest<CheckpointHeader>((h) => {
      if (h.format !== 'oar-pserver') throw new ConfigError(`--checkpoint-dir ${dir.dir} holds checkpoints of something else (format ${show(h.format)})`);
      if (h.numTrainers !== this.numTrainers) {
        throw new ConfigError(`--checkpoint-dir ${dir.dir}: its checkpoints are of a job with ${h.numTrainers} trainers, this pserver was started with --num-trainers ${this.numTrainers}; use another folder`);
      }
      if (h.mode !== this.mode) throw new ConfigError(`--checkpoint-dir ${dir.dir}: its checkpoints are of ${h.mode} SGD, this pserver runs ${this.mode}; use another folder`);
    });
    if (!found) return;
    const h = found.header;
    this.#shard = Shard.create(h.init, found.sections.slice(0, h.parts), found.sections.slice(h.parts));
    this.#step = h.step;
    this.#samplesProcessed = h.samplesProcessed;
    this.#pass = h.pass;
    this.#passesDone = h.passesDone;
    for (const [t, session, seq] of h.seqs) this.#seqs.set(t, { session, seq });
    if (h.init.server === 0) this.#master = h.master ? TaskMaster.restore(this.numTrainers, this.mode, h.master) : new TaskMaster(this.numTrainers, this.mode);
    this.#restored = this.#passRestored = true;
    this.#resumedFrom = h.step;
    this.#lastCheckpoint = { step: h.step, at: Date.now() };
    this.#lastSeen.fill(Date.now());
    this.#log(`pserver: resumed from ${found.path}: step ${h.step}, ${h.passesDone} pass(es) done, pserver ${h.init.server} of ${h.init.numServers}, ${this.#shard.floats} floats`);
  }

  async #serve(): Promise<void> {
    try {
      for await (const [identity, ...frames] of this.#socket) {
        this.#stats.bytesIn += frames.reduce((n, f) => n + f.length, 0);
        this.#handle(identity!, frames);
      }
    } catch (e) {
      if (!this.#socket.closed) this.#log(`pserver: receive loop stopped: ${(e as Error).message}`);
    }
  }

  #handle(identity: Buffer, frames: Frames): void {
    let id = -1;
    try {
      const data = frames.slice(1);
      const header = decodeRequestHeader(frames[0], data);
      if (Number.isSafeInteger(header.id)) id = header.id as number;
      const request = parseRequest(header);
      if (request.trainer >= this.numTrainers) {
        throw new ProtocolError(`trainer id ${request.trainer} is outside 0..${this.numTrainers - 1} (this pserver serves ${this.numTrainers} trainers)`);
      }
      this.#stats.tensorBytesIn += data.reduce((n, f) => n + f.length, 0);
      if (request.op !== 'stats') this.#seen(request.trainer);
      this.#dispatch(request, data, (reply, out = []) => this.#reply(identity, { v: PROTOCOL_VERSION, id: request.id, ok: true, inc: this.incarnation, ...reply }, out));
    } catch (e) {
      const error = e as Error;
      this.#stats.errors++;
      this.#logLimited(`rejected a message: ${error.message}`);
      this.#reply(identity, { v: PROTOCOL_VERSION, id, ok: false, inc: this.incarnation, error: `${error.name}: ${error.message}` }, []);
    }
  }

  #reply(identity: Buffer, header: Reply, frames: Buffer[]): void {
    const head = encodeHeader(header);
    this.#stats.bytesOut += head.length + frames.reduce((n, f) => n + f.length, 0);
    this.#stats.tensorBytesOut += frames.reduce((n, f) => n + f.length, 0);
    void this.#outbox.send([identity, head, ...frames]).catch(() => {});
  }

  /** A log line per refused message or connection, at most 20 per 10 s (a flood of garbage must not flood the log). */
  #logLimited(message: string): void {
    const now = Date.now();
    if (now - this.#rejects.windowStart > 10_000) {
      if (this.#rejects.suppressed) this.#log(`pserver: ... and ${this.#rejects.suppressed} more refused messages or connections`);
      Object.assign(this.#rejects, { windowStart: now, logged: 0, suppressed: 0 });
    }
    if (this.#rejects.logged++ < 20) this.#log(`pserver: ${message}`);
    else this.#rejects.suppressed++;
  }

  #dispatch(request: Request, data: Frames, answer: Answer): void {
    if (data.length > 0 && request.op !== 'init' && request.op !== 'push' && request.op !== 'pull') {
      throw new ProtocolError(`${request.op}: expected no tensor frames, got ${data.length}`);
    }
    switch (request.op) {
      case 'hello':
        return this.#hello(request, answer);
      case 'heartbeat':
        return answer({ step: this.#step });
      case 'init':
        return this.#init(request, data, answer);
      case 'push':
        return this.mode === 'sync' ? this.#pushSync(request, data, answer) : this.#pushAsync(request, data, answer);
      case 'pull':
        return this.#pull(request, data, answer);
      case 'finishPass':
        return this.#finishPass(request, answer);
      case 'stats':
        return answer({ stats: this.stats() });
      case 'task':
        return this.#task(request, answer);
      case 'idle':
        return this.#idleRequest(request, answer);
    }
  }

  #hello(request: HelloRequest, answer: Answer): void {
    if (request.numTrainers !== this.numTrainers) {
      throw new ProtocolError(`this pserver was started for ${this.numTrainers} trainers, but trainer ${request.trainer} was started with --num-trainers ${request.numTrainers}`);
    }
    if (this.#shard && this.#shard.init.modelHash !== request.modelHash) {
      const resumed = this.#resumedFrom >= 0 ? ' (it resumed from a checkpoint of its --checkpoint-dir: give a new job an empty folder)' : '';
      throw new ProtocolError(`trainer ${request.trainer} trains a different model (topology, optimizer or block size) from the one this pserver holds${resumed}`);
    }
    answer({ stats: this.stats() });
  }

  #init(request: InitRequest, data: Frames, answer: Answer): void {
    if (request.numTrainers !== this.numTrainers) {
      throw new ProtocolError(`init: this pserver serves ${this.numTrainers} trainers, the init says ${request.numTrainers}`);
    }
    if (this.#shard) {
      if (this.#shard.init.modelHash !== request.modelHash) throw new ProtocolError('init: this pserver already holds a different model');
      if (this.#shard.init.server !== request.server) throw new ProtocolError(`init: this pserver is number ${this.#shard.init.server} in the pserver list, not ${request.server}`);
      return answer({ step: this.#step });
    }
    const { modelHash, server, numServers, blockSize, params, optimizer } = request;
    this.#shard = Shard.create({ modelHash, server, numServers, blockSize, params, optimizer }, data);
    if (server === 0) this.#master = new TaskMaster(this.numTrainers, this.mode);
    this.#lastSeen.fill(Date.now());
    this.#log(`pserver: initialised by trainer ${request.trainer}: pserver ${server} of ${numServers}, ${this.#shard.blocks.length} blocks and ${this.#shard.tables.size} tables, ${this.#shard.floats} floats (${this.mode})`);
    this.#safeCheckpoint();
    answer({ step: this.#step });
    this.#release();
  }

  #pushSync(request: PushRequest, data: Frames, answer: Answer): void {
    const shard = this.#ready('push');
    const gradients = shard.readGradients(request.tables, data);
    const t = request.trainer;
    if (request.step > this.#step && !this.#restored) {
      throw new ProtocolError(`push: trainer ${t} sent gradients of step ${request.step}, but this pserver is at step ${this.#step}`);
    }
    this.#stats.pushes++;
    if (request.step < this.#step) {
      // A resend of a step already applied, or a trainer dropped from that step: not applied now.
      this.#stats.stale++;
      return answer({ step: this.#step, stale: true, taskDone: this.#doneBy(request, t) });
    }
    if (request.step > this.#step) this.#catchUp(request.step);
    if (this.#pushed.has(t)) {
      this.#stats.duplicates++;
      return answer({ step: this.#step, duplicate: true, taskDone: this.#doneBy(request, t) });
    }
    if (this.#finished.has(t)) throw new ProtocolError(`push: trainer ${t} already finished pass ${this.#passesDone}`);
    this.#idle[t] = false;
    shard.accumulate(gradients, request.samples);
    this.#pushed.add(t);
    this.#pass = request.pass;
    answer({ step: this.#step, taskDone: this.#completeTask(request) });
    this.#maybeFinishStep();
  }

  #pushAsync(request: PushRequest, data: Frames, answer: Answer): void {
    const shard = this.#ready('push');
    const gradients = shard.readGradients(request.tables, data);
    this.#stats.pushes++;
    const t = request.trainer;
    const last = this.#seqs.get(t);
    if (last && last.session === request.session && request.seq <= last.seq) {
      this.#stats.duplicates++;
      return answer({ step: this.#step, duplicate: true, taskDone: this.#doneBy(request, t) });
    }
    this.#seqs.set(t, { session: request.session, seq: request.seq });
    if (this.#restored && request.version > this.#step) this.#catchUp(request.version);
    if (this.#step - request.version > this.numTrainers * this.laggedGradDiscardRatio) {
      this.#stats.discarded++;
      return answer({ step: this.#step, stale: true });
    }
    this.#idle[t] = false;
    shard.apply(gradients, 1, { numSamplesProcessed: this.#samplesProcessed, pass: request.pass });
    this.#samplesProcessed += request.samples;
    this.#pass = request.pass;
    this.#step++;
    answer({ step: this.#step, taskDone: this.#completeTask(request) });
    this.#afterStep();
  }

  /** A restored pserver meets trainers at a later step: the steps in between are lost (at most a checkpoint interval). */
  #catchUp(step: number): void {
    this.#log(`pserver: trainers are at step ${step}, this pserver resumed at step ${this.#resumedFrom}: ${step - this.#resumedFrom} step(s) lost, catching up at step ${step}`);
    this.#step = step;
    this.#pushed.clear();
    this.#applyIdleNext();
    this.#shard!.discardStep();
    this.#release();
  }

  /** Sync: once every trainer still in the barrier (not dropped, idle or finished) has pushed, applies the step. */
  #maybeFinishStep(): void {
    const shard = this.#shard;
    if (!shard || this.mode !== 'sync' || this.#pushed.size === 0) return;
    for (let t = 0; t < this.numTrainers; t++) if (this.#waitsFor(t) && !this.#pushed.has(t)) return;
    const samples = shard.stepSamples;
    shard.applyStep({ numSamplesProcessed: this.#samplesProcessed, pass: this.#pass });
    this.#samplesProcessed += samples;
    this.#step++;
    this.#pushed.clear();
    this.#applyIdleNext();
    this.#restored = false;
    this.#afterStep();
  }

  /** Whether the barrier waits for trainer t's push in this step. */
  #waitsFor(t: number): boolean {
    return this.#active[t]! && !this.#idle[t] && !this.#finished.has(t);
  }

  #afterStep(): void {
    this.#release();
    const every = this.#checkpointEvery;
    if (every.steps > 0 && this.#step - this.#lastCheckpoint.step >= every.steps) this.#safeCheckpoint();
  }

  #pull(request: PullRequest, data: Frames, answer: Answer): void {
    const expectedFrames = request.tables.filter(([, n]) => n >= 0).length;
    if (data.length !== expectedFrames) throw new ProtocolError(`pull: expected ${expectedFrames} row-id frames, got ${data.length}`);
    // Rows are checked now, so a bad pull is answered at once even when it would wait for a step.
    const wanted = request.tables.length > 0 ? this.#ready('pull').wantedTables(request.tables, data) : [];
    const respond = () => {
      // Frames are views of the live values unless a step could run before ZeroMQ has sent them: async
      // mode, or a trainer the next sync step does not wait for.
      const copy = this.mode === 'async' || !this.#waitsFor(request.trainer) || this.#pushed.has(request.trainer);
      answer({ step: this.#step }, this.#shard!.pullFrames(request.dense, wanted, copy));
    };
    if (this.#shard && this.#step >= request.minStep) respond();
    else this.#parked.push({ minStep: request.minStep, answer: respond });
  }

  #finishPass(request: FinishPassRequest, answer: Answer): void {
    this.#ready('finishPass');
    const t = request.trainer;
    if (request.pass < this.#passesDone) return answer({ step: this.#step });
    if (request.pass > this.#passesDone) {
      if (!this.#passRestored) throw new ProtocolError(`finishPass: trainer ${t} finished pass ${request.pass}, but this pserver is in pass ${this.#passesDone}`);
      this.#log(`pserver: trainers are in pass ${request.pass}, this pserver resumed in pass ${this.#passesDone}; catching up`);
      this.#passesDone = request.pass;
      this.#finished.clear();
    }
    this.#finished.set(t, [...(this.#finished.get(t) ?? []), answer]);
    this.#maybeFinishStep();
    this.#maybeFinishPass();
  }

  #maybeFinishPass(): void {
    if (this.#finished.size === 0) return;
    for (let t = 0; t < this.numTrainers; t++) if (this.#active[t] && !this.#finished.has(t)) return;
    const waiting = [...this.#finished.values()].flat();
    const who = [...this.#finished.keys()].sort((a, b) => a - b);
    this.#finished.clear();
    this.#idle.fill(false);
    this.#idleNext.clear();
    this.#passRestored = false;
    const tasks = this.#master?.passOver ? `; ${this.#master.doneCount} tasks trained, each once` : '';
    this.#log(`pserver: pass ${this.#passesDone} done at step ${this.#step} by trainer(s) ${who.join(', ')}${tasks}`);
    this.#passesDone++;
    if (this.#checkpoints) this.#safeCheckpoint();
    waiting.forEach((w) => w({ step: this.#step }));
  }

  #task(request: TaskRequest, answer: Answer): void {
    const shard = this.#ready('task');
    if (!this.#master) throw new ProtocolError(`task: this is pserver ${shard.init.server}; tasks are dealt by pserver 0`);
    const got = this.#master.request(request.trainer, request.pass, request.numTasks, (t) => !this.#active[t]);
    if (got !== 'wait') return answer({ task: got === 'over' ? -1 : got });
    this.#idle[request.trainer] = true;
    if (request.wait) this.#parkedTasks.push({ request, answer });
    else answer({ task: -2 });
    this.#maybeFinishStep();
  }

  /** Answers the parked task requests that now have a task, or whose pass is over. */
  #serveTasks(): void {
    if (!this.#master || this.#parkedTasks.length === 0) return;
    const still: ParkedTask[] = [];
    for (const p of this.#parkedTasks) {
      const { trainer, pass, numTasks } = p.request;
      const got = this.#master.request(trainer, pass, numTasks, (t) => !this.#active[t]);
      if (got === 'wait') still.push(p);
      else p.answer({ task: got === 'over' ? -1 : got });
    }
    this.#parkedTasks = still;
  }

  #idleRequest(request: IdleRequest, answer: Answer): void {
    this.#ready('idle');
    const t = request.trainer;
    if (request.pass >= this.#passesDone) {
      // A trainer that already pushed this step is counted in it, and leaves the barrier from the next one.
      if (this.#pushed.has(t)) this.#idleNext.set(t, request.pass);
      else this.#idle[t] = true;
    }
    answer({ step: this.#step });
    this.#maybeFinishStep();
  }

  #applyIdleNext(): void {
    for (const [t, pass] of this.#idleNext) if (pass >= this.#passesDone) this.#idle[t] = true;
    this.#idleNext.clear();
  }

  /** Master: marks the task a push completes; true if this push is the one that completed it. */
  #completeTask(request: PushRequest): boolean {
    if (!this.#master || request.task < 0) return false;
    const result = this.#master.complete(request.trainer, request.pass, request.task);
    this.#serveTasks();
    return result === 'done' || this.#doneBy(request, request.trainer);
  }

  #doneBy(request: PushRequest, trainer: number): boolean {
    return this.#master !== undefined && request.task >= 0 && request.pass === this.#master.pass && this.#master.doneBy(request.task) === trainer;
  }

  /** Any message from a trainer: it is alive, and back in the barrier if it had been dropped. */
  #seen(t: number): void {
    this.#lastSeen[t] = Date.now();
    if (this.#active[t]) return;
    this.#active[t] = true;
    this.#idle[t] = false;
    this.#log(`pserver: trainer ${t} is back; it rejoins the barrier (trainers ${this.#activeList().join(', ')})`);
  }

  #tick(): void {
    try {
      if (!this.#shard) return;
      const now = Date.now();
      for (let t = 0; t < this.numTrainers; t++) if (this.#active[t] && now - this.#lastSeen[t]! > this.trainerTimeoutMs) this.#drop(t, now);
      const every = this.#checkpointEvery;
      if (every.ms > 0 && this.#step !== this.#lastCheckpoint.step && now - this.#lastCheckpoint.at >= every.ms) this.#safeCheckpoint();
    } catch (e) {
      this.#log(`pserver: ${(e as Error).message}`);
    }
  }

  #drop(t: number, now: number): void {
    this.#active[t] = false;
    this.#idle[t] = false;
    this.#idleNext.delete(t);
    this.#stats.dropped++;
    const left = this.#activeList();
    this.#log(`pserver: trainer ${t} dropped: silent for ${((now - this.#lastSeen[t]!) / 1000).toFixed(1)} s (--trainer-timeout ${this.trainerTimeoutMs / 1000}); ${left.length ? `going on with trainer(s) ${left.join(', ')}` : 'no trainer left'}`);
    this.#parkedTasks = this.#parkedTasks.filter((p) => p.request.trainer !== t);
    const task = this.#master?.drop(t);
    if (task !== undefined) this.#log(`pserver: task ${task} of pass ${this.#master!.pass}, held by trainer ${t}, will be dealt again`);
    this.#maybeFinishStep();
    this.#maybeFinishPass();
    this.#serveTasks();
  }

  #safeCheckpoint(): void {
    try {
      this.checkpoint();
    } catch (e) {
      this.#lastCheckpoint = { step: this.#step, at: Date.now() };
      this.#log(`pserver: could not write a checkpoint: ${(e as Error).message}`);
    }
  }

  #activeList(): number[] {
    return this.#active.flatMap((a, t) => (a ? [t] : []));
  }

  #ready(op: string): Shard {
    if (!this.#shard) throw new ProtocolError(`${op}: this pserver has not been initialised yet (trainer 0 sends the initial parameters)`);
    return this.#shard;
  }

  #release(): void {
    if (!this.#shard) return;
    const ready = this.#parked.filter((p) => p.minStep <= this.#step);
    this.#parked = this.#parked.filter((p) => p.minStep > this.#step);
    ready.forEach((p) => p.answer());
  }
}

function checkOptions(options: ParameterServerOptions): void {
  if (!Number.isSafeInteger(options?.numTrainers) || options.numTrainers < 1) {
    throw new ConfigError(`ParameterServer: numTrainers must be a positive integer, got ${show(options?.numTrainers)}`);
  }
  if (options.mode !== undefined && options.mode !== 'sync' && options.mode !== 'async') {
    throw new ConfigError(`ParameterServer: mode must be 'sync' or 'async', got ${show(options.mode)}`);
  }
  const ratio = options.laggedGradDiscardRatio;
  if (ratio !== undefined && !(typeof ratio === 'number' && ratio > 0)) {
    throw new ConfigError(`ParameterServer: laggedGradDiscardRatio must be a positive number, got ${show(ratio)}`);
  }
  const timeout = options.trainerTimeoutMs;
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0)) {
    throw new ConfigError(`ParameterServer: trainerTimeoutMs must be a positive number, got ${show(timeout)}`);
  }
  const c = options.checkpoint;
  if (c) {
    if (typeof c.dir !== 'string' || c.dir === '') throw new ConfigError(`ParameterServer: checkpoint.dir must be a folder name, got ${show(c.dir)}`);
    for (const key of ['everySteps', 'everySeconds'] as const) {
      if (c[key] !== undefined && !(typeof c[key] === 'number' && c[key]! > 0)) throw new ConfigError(`ParameterServer: checkpoint.${key} must be a positive number, got ${show(c[key])}`);
    }
  }
}

let gc: (() => void) | undefined;

/** A full GC before memory is reported, so that stats show what is held, not what awaits collection. */
function collectGarbage(): void {
  if (!gc) {
    gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
  }
  gc();
}
