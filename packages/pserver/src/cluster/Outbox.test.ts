import { describe, expect, it } from 'vitest';
import { Outbox, type Sender } from './Outbox.js';

/** A socket that, like zeromq.js, refuses a second send while one is in progress; each send is released by hand. */
function fakeSocket() {
  const sent: string[] = [];
  const inProgress: { release: () => void; fail: (e: Error) => void }[] = [];
  const socket: Sender = {
    send(frames) {
      if (inProgress.length) throw new Error('Socket is busy writing; only one send operation may be in progress at any time');
      sent.push(String(frames[0]));
      return new Promise<void>((resolve, reject) => inProgress.push({ release: () => (inProgress.shift(), resolve()), fail: (e) => (inProgress.shift(), reject(e)) }));
    },
  };
  return { socket, sent, inProgress };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('Outbox', () => {
  it('hands a send on an idle socket to it at once, and queues the others in order', async () => {
    const { socket, sent, inProgress } = fakeSocket();
    const outbox = new Outbox(socket, () => {});
    void outbox.send(['a']);
    expect(sent).toEqual(['a']);
    void outbox.send(['b']);
    void outbox.send(['c']);
    await tick();
    expect(sent).toEqual(['a']);
    inProgress[0]!.release();
    await tick();
    expect(sent).toEqual(['a', 'b']);
    inProgress[0]!.release();
    await tick();
    inProgress[0]!.release();
    await outbox.drain();
    expect(sent).toEqual(['a', 'b', 'c']);
    void outbox.send(['d']);
    expect(sent).toEqual(['a', 'b', 'c', 'd']);
  });

  it('reports a failed send and goes on with the next', async () => {
    const { socket, sent, inProgress } = fakeSocket();
    const errors: string[] = [];
    const outbox = new Outbox(socket, (e) => errors.push(e.message));
    const a = outbox.send(['a']);
    void outbox.send(['b']);
    inProgress[0]!.fail(new Error('host unreachable'));
    await expect(a).rejects.toThrow(/host unreachable/);
    await tick();
    expect(sent).toEqual(['a', 'b']);
    inProgress[0]!.release();
    await outbox.drain();
    expect(errors).toEqual(['host unreachable']);
  });

  it('turns a send that throws at once into a rejection', async () => {
    const errors: string[] = [];
    const outbox = new Outbox({ send: () => { throw new Error('socket closed'); } }, (e) => errors.push(e.message));
    await expect(outbox.send(['a'])).rejects.toThrow(/socket closed/);
    await outbox.drain();
    expect(errors).toEqual(['socket closed']);
  });
});
