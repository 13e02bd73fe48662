/** The part of a zeromq v6 socket an Outbox needs. */
export interface Sender {
  send(frames: (Buffer | Uint8Array | string)[]): Promise<void>;
}

/**
 * Serialises sends on one socket: zeromq.js allows a single send in progress per socket, while a pserver
 * answers many parked requests at once. A failed send is reported to `onError` and does not stop the queue.
 */
export class Outbox {
  #tail: Promise<void> = Promise.resolve();

  constructor(private readonly socket: Sender, private readonly onError: (error: Error) => void) {}

  send(frames: (Buffer | Uint8Array | string)[]): Promise<void> {
    const next = this.#tail.then(() => this.socket.send(frames));
    this.#tail = next.catch((e: Error) => this.onError(e));
    return next;
  }

  /** Resolves when everything queued so far has been handed to ZeroMQ. */
  async drain(): Promise<void> {
    await this.#tail;
  }
}
