/** The part of a zeromq v6 socket an Outbox needs. */
export interface Sender {
  send(frames: (Buffer | Uint8Array | string)[]): Promise<void>;
}

/**
 * Serialises sends on one socket: zeromq.js allows a single send in progress per socket, while a pserver
 * answers many parked requests at once. A send on an idle socket starts at once (ZeroMQ's I/O thread then
 * transfers it while the caller goes on, e.g. to checksum the next message); the others wait their turn.
 * A failed send is reported to `onError` and does not stop the queue.
 */
export class Outbox {
  #tail: Promise<void> = Promise.resolve();
  /** Sends queued or in progress. */
  #busy = 0;

  constructor(private readonly socket: Sender, private readonly onError: (error: Error) => void) {}

  send(frames: (Buffer | Uint8Array | string)[]): Promise<void> {
    const next = this.#busy++ === 0 ? this.#sendNow(frames) : this.#tail.then(() => this.socket.send(frames));
    const settled = next.then(() => void this.#busy--, (e: Error) => {
      this.#busy--;
      this.onError(e);
    });
    this.#tail = settled;
    return next;
  }

  /** Resolves when everything queued so far has been handed to ZeroMQ. */
  async drain(): Promise<void> {
    await this.#tail;
  }

  async #sendNow(frames: (Buffer | Uint8Array | string)[]): Promise<void> {
    // Called synchronously up to the socket's send; a throw becomes a rejection like any failed send.
    return this.socket.send(frames);
  }
}
