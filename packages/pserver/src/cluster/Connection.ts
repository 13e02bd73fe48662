import * as zmq from 'zeromq';
import { ProtocolError } from '../errors.js';
import type { CurveClientOptions } from './curve.js';
import { Outbox } from './Outbox.js';
import { decodeHeader, encodeRequestHeader, PROTOCOL_VERSION, type Reply } from './protocol.js';

export interface ConnectionOptions {
  endpoint: string;
  trainerId: number;
  curve?: CurveClientOptions;
  /** Heartbeat period once started (0: none). */
  heartbeatMs: number;
  /** Fail what waits when the pserver has not answered anything for this long (0: wait for ever). */
  pserverTimeoutMs: number;
  nextId: () => number;
  log: (line: string) => void;
  /**
   * The pserver came back as a new process: returns messages to send it again before the requests in flight
   * (a trainer's recent pushes, which the old process may have taken with it).
   */
  onRestart: () => Buffer[][];
}

export interface Response {
  header: Reply;
  frames: Buffer[];
}

interface Pending {
  op: string;
  message: Buffer[];
  resolve: (value: Response) => void;
  reject: (error: Error) => void;
}

/**
 * A trainer's DEALER socket to one pserver, with the requests in flight. ZeroMQ reconnects by itself; what a
 * dying pserver took with it is sent again (same ids) when a reply shows a new incarnation. Heartbeats keep
 * the trainer in the pserver's barrier while it waits, and find out about a restart while nothing else moves.
 */
export class Connection {
  readonly socket: zmq.Dealer;
  readonly outbox: Outbox;
  readonly pending = new Map<number, Pending>();
  readonly done: Promise<void>;
  /** The last request sent (encoded), for a caller that may have to send it again. */
  lastMessage: Buffer[] | undefined;
  /** The pserver incarnation that answered last. */
  incarnation: string | undefined;
  #lastHeard = Date.now();
  #heartbeat: { timer: NodeJS.Timeout; sentAt: number; id: number } | undefined;

  constructor(readonly options: ConnectionOptions) {
    const { curve } = options;
    this.socket = new zmq.Dealer({
      sendHighWaterMark: 0, receiveHighWaterMark: 0, linger: 0,
      ...(curve ? { curveServerKey: curve.serverKey, curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey } : {}),
    });
    this.outbox = new Outbox(this.socket, (e) => this.failAll(e));
    this.socket.connect(options.endpoint);
    this.done = this.#receive();
  }

  get endpoint(): string {
    return this.options.endpoint;
  }

  /** Sends a request; resolves with the reply, rejects on an error reply (or after `timeoutMs` without one). */
  request(body: Record<string, unknown>, frames: Buffer[], timeoutMs = 0): Promise<Response> {
    return this.#send(this.options.nextId(), body, frames, timeoutMs);
  }

  #send(id: number, body: Record<string, unknown>, frames: Buffer[], timeoutMs: number): Promise<Response> {
    const header = encodeRequestHeader({ v: PROTOCOL_VERSION, id, trainer: this.options.trainerId, ...body }, frames);
    const message = [header, ...frames];
    this.lastMessage = message;
    return new Promise<Response>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = () => timer && clearTimeout(timer);
      this.pending.set(id, {
        op: String(body.op), message,
        resolve: (v) => (settle(), resolve(v)),
        reject: (e) => (settle(), reject(e)),
      });
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new ProtocolError(`no answer from pserver ${this.endpoint} to '${String(body.op)}' within ${timeoutMs / 1000} s; is it running, is the address right${this.options.curve ? ', and does it know this trainer\'s CURVE key' : ''}?`));
        }, timeoutMs);
      }
      this.outbox.send(message).catch((e: Error) => {
        this.pending.delete(id);
        settle();
        reject(e);
      });
    });
  }

  /** Sends an already encoded request again, answered or not (its reply, if any, finds nobody waiting). */
  resend(message: Buffer[]): void {
    void this.outbox.send(message).catch(() => {});
  }

  /** Starts heartbeats (a trainer's, after hello): one in flight at a time, another if it is lost. */
  startHeartbeat(): void {
    if (this.#heartbeat || this.options.heartbeatMs <= 0) return;
    const period = this.options.heartbeatMs;
    const beat = { timer: setInterval(() => this.#beat(period), period), sentAt: 0, id: -1 };
    beat.timer.unref();
    this.#heartbeat = beat;
  }

  failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  close(error: Error): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat.timer);
    this.failAll(error);
    this.socket.close();
  }

  #beat(period: number): void {
    const beat = this.#heartbeat!;
    const now = Date.now();
    const waiting = [...this.pending.values()].some((p) => p.op !== 'heartbeat');
    const limit = this.options.pserverTimeoutMs;
    if (waiting && limit > 0 && now - this.#lastHeard > limit) {
      this.failAll(new ProtocolError(`pserver ${this.endpoint} has not answered for ${((now - this.#lastHeard) / 1000).toFixed(0)} s (--pserver-timeout ${limit / 1000}); is it gone for good?`));
    }
    if (this.pending.has(beat.id) && now - beat.sentAt < 3 * period) return;
    this.pending.delete(beat.id);
    beat.sentAt = now;
    beat.id = this.options.nextId();
    this.#send(beat.id, { op: 'heartbeat' }, [], 0).catch(() => {});
  }

  async #receive(): Promise<void> {
    try {
      for await (const [head, ...frames] of this.socket) {
        let header: Reply;
        try {
          header = decodeHeader(head) as unknown as Reply;
        } catch (e) {
          this.failAll(new ProtocolError(`${this.endpoint} sent an unreadable reply: ${(e as Error).message}`));
          continue;
        }
        this.#lastHeard = Date.now();
        if (typeof header.inc === 'string' && header.inc !== this.incarnation) {
          const restarted = this.incarnation !== undefined;
          this.incarnation = header.inc;
          if (restarted) this.#restarted(header.id);
        }
        const waiter = this.pending.get(header.id);
        if (!waiter) continue;
        this.pending.delete(header.id);
        if (header.ok) waiter.resolve({ header, frames });
        else waiter.reject(new ProtocolError(`pserver ${this.endpoint}: ${header.error ?? 'error'}`));
      }
    } catch (e) {
      if (!this.socket.closed) this.failAll(e as Error);
    }
  }

  /** A new pserver process answers: what the old one took with it is sent again, oldest first. */
  #restarted(answered: number): void {
    const again = [...this.pending].filter(([id, p]) => id !== answered && p.op !== 'heartbeat').sort(([a], [b]) => a - b);
    for (const [id, p] of this.pending) if (p.op === 'heartbeat' && id !== answered) this.pending.delete(id);
    const first = this.options.onRestart();
    const rest = again.map(([, p]) => p.message).filter((m) => !first.includes(m));
    this.options.log(`pserver ${this.endpoint} restarted; sending again ${first.length} recent push(es) and ${rest.length} request(s) in flight`);
    for (const m of [...first, ...rest]) this.resend(m);
  }
}
