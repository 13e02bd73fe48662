import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as zmq from 'zeromq';
import { ParameterClient } from './ParameterClient.js';
import { ParameterServer, type ParameterServerOptions } from './ParameterServer.js';
import { decodeHeader, encodeRequestHeader } from './protocol.js';
import { planShards, type ParameterSpec } from './shardPlan.js';

// Faults, in-process over tcp://127.0.0.1: resends, trainers that go silent, a pserver that dies and
// comes back from its checkpoint, and the master dealing tasks around a lost trainer.

const specs: ParameterSpec[] = [{ name: 'w', size: 6 }, { name: 'emb', size: 4 * 2, table: { rows: 4, width: 2 } }];
const work = mkdtempSync(join(tmpdir(), 'oar-faults-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function server(options: Partial<ParameterServerOptions> & { numTrainers: number }, endpoint = 'tcp://127.0.0.1:0', lines: string[] = []) {
  const s = await ParameterServer.listen(endpoint, { log: (l) => lines.push(l), ...options });
  opened.push(s);
  return s;
}

function client(endpoints: string[], trainerId: number, numTrainers: number, lines: string[] = []) {
  const c = ParameterClient.connect({ endpoints, trainerId, numTrainers, connectTimeoutMs: 5000, heartbeatMs: 50, log: (l) => lines.push(l) });
  c.usePlan(planShards(specs, endpoints.length, 4));
  opened.push(c);
  return c;
}

const ones = (v = 1) => new Map([['w', new Float32Array(6).fill(v)]]);
const noRows = new Map();
const init = (n: string) => (n === 'w' ? new Float32Array(6) : new Float32Array(8));

async function values(c: ParameterClient, minStep: number): Promise<number[]> {
  const w = new Float32Array(6);
  await c.pull({ minStep, dense: new Map([['w', w]]) });
  return [...w];
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('resent requests', () => {
  it('a push sent twice (same request, or same step) is applied once, in sync and in async mode', async () => {
    for (const mode of ['sync', 'async'] as const) {
      const ps = await server({ numTrainers: 1, mode });
      const c = client([ps.endpoint], 0, 1);
      await c.hello('m');
      await c.init('m', { type: 'sgd', learningRate: 1 }, init);
      await c.push({ step: 0, pass: 0, samples: 1, dense: ones(), tables: noRows });
      // The same encoded message again (a resend after a lost reply): its (step) or (session, seq) was seen.
      const raw = new zmq.Dealer({ linger: 0 });
      opened.push(raw);
      raw.connect(ps.endpoint);
      const grad = [Buffer.from(new Float32Array(4).fill(1).buffer), Buffer.from(new Float32Array(2).fill(1).buffer)];
      const twice = [encodeRequestHeader({ v: 2, id: 9, op: 'push', trainer: 0, step: 0, pass: 0, samples: 1, version: 0, tables: [], session: c.session, seq: 1, task: -1 }, grad), ...grad];
      await raw.send(twice);
      const reply = decodeHeader((await raw.receive())[0]);
      expect(reply).toMatchObject({ ok: true, ...(mode === 'sync' ? { stale: true } : { duplicate: true }) });
      expect(await values(c, 1)).toEqual([-1, -1, -1, -1, -1, -1]);
      expect(ps.stats()).toMatchObject({ step: 1, pushes: 2 });
    }
  });
});

describe('a trainer that goes silent (sync)', () => {
  it('is dropped after the timeout: the step goes on with the others; it rejoins with its next message', async () => {
    const lines: string[] = [];
    const ps = await server({ numTrainers: 2, trainerTimeoutMs: 400 }, undefined, lines);
    const [a, b] = [client([ps.endpoint], 0, 2), client([ps.endpoint], 1, 2)];
    await a.hello('m');
    await a.init('m', { type: 'sgd', learningRate: 1 }, init);
    await b.hello('m');
    // Trainer 1 stops sending anything (heartbeats included), as a process killed with SIGKILL would.
    b.close();
    await a.push({ step: 0, pass: 0, samples: 1, dense: ones(), tables: noRows });
    expect(await values(a, 1)).toEqual(new Array(6).fill(-1));
    expect(lines.join('\n')).toMatch(/trainer 1 dropped: silent for \d\.\d s \(--trainer-timeout 0\.4\); going on with trainer\(s\) 0/);
    await a.push({ step: 1, pass: 0, samples: 1, dense: ones(), tables: noRows });
    expect(await values(a, 2)).toEqual(new Array(6).fill(-2));

    // A new trainer 1 (restarted) says hello, pulls the current step and pushes it: both are in the barrier again.
    const b2 = client([ps.endpoint], 1, 2);
    await b2.hello('m');
    expect(lines.join('\n')).toMatch(/trainer 1 is back; it rejoins the barrier \(trainers 0, 1\)/);
    const w = new Float32Array(6);
    const [step] = await b2.pull({ minStep: 0, dense: new Map([['w', w]]) });
    expect(step).toBe(2);
    await b2.push({ step: 2, pass: 0, samples: 3, dense: ones(2), tables: noRows });
    let applied = false;
    const pulled = values(a, 3).then((v) => ((applied = true), v));
    await new Promise((r) => setTimeout(r, 150));
    expect(applied).toBe(false);
    await a.push({ step: 2, pass: 0, samples: 1, dense: ones(6), tables: noRows });
    // (3·2 + 1·6) / 4 = 3
    expect(await pulled).toEqual(new Array(6).fill(-5));
    expect(ps.stats()).toMatchObject({ dropped: 1, activeTrainers: [0, 1] });
  });

  it('a late push of a step done without it is acknowledged as stale, not applied', async () => {
    const ps = await server({ numTrainers: 2, trainerTimeoutMs: 300 });
    const [a, b] = [client([ps.endpoint], 0, 2), client([ps.endpoint], 1, 2)];
    await a.hello('m');
    await a.init('m', { type: 'sgd', learningRate: 1 }, init);
    await a.push({ step: 0, pass: 0, samples: 1, dense: ones(), tables: noRows });
    await until(() => ps.step === 1, 'step 1 without trainer 1');
    const result = await b.push({ step: 0, pass: 0, samples: 1, dense: ones(100), tables: noRows });
    expect(result.stale).toBe(true);
    expect(await values(a, 1)).toEqual(new Array(6).fill(-1));
    expect(ps.stats().stale).toBe(1);
  });
});

describe('a pserver that dies and comes back from its checkpoint', () => {
  /** Momentum SGD on one float, gradient g at each step: the values a pserver that loses nothing reaches. */
  function reference(gradients: number[]): number[] {
    const out = [0];
    let v = 0;
    for (const g of gradients) out.push(out.at(-1)! + (v = 0.9 * v - 0.5 * g));
    return out;
  }
  const momentum = { type: 'momentum', learningRate: 0.5, momentum: 0.9 } as const;

  it('resumes from the newest checkpoint; trainers resend the pushes it lost: nothing lost when it is recent', async () => {
    const dir = join(work, 'restart');
    const lines: string[] = [];
    const first = await server({ numTrainers: 2, checkpoint: { dir, everySteps: 2 } }, 'tcp://127.0.0.1:0', lines);
    const endpoint = first.endpoint;
    const logs: string[] = [];
    const [a, b] = [client([endpoint], 0, 2, logs), client([endpoint], 1, 2)];
    await a.hello('m');
    await b.hello('m');
    await a.init('m', momentum, init);
    for (let k = 0; k < 4; k++) {
      await Promise.all([a, b].map((c) => c.push({ step: k, pass: 0, samples: 1, dense: ones(k + 1), tables: noRows })));
      await values(a, k + 1);
    }
    // Step 4: trainer 0 has pushed and waits for the step; the pserver dies before trainer 1's push.
    await a.push({ step: 4, pass: 0, samples: 1, dense: ones(5), tables: noRows });
    const waiting = values(a, 5);
    expect(first.stats()).toMatchObject({ step: 4, checkpoints: 3 }); // after init (step 0), steps 2 and 4
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    const second = await server({ numTrainers: 2, checkpoint: { dir, everySteps: 2 } }, endpoint, lines);
    expect(lines.join('\n')).toMatch(/resumed from .*checkpoint-000000000004\.oarckpt: step 4, 0 pass\(es\) done, pserver 0 of 1/);
    await until(() => logs.some((l) => /restarted; sending again 2 recent push\(es\) and 1 request\(s\) in flight/.test(l)), 'trainer 0 to resend');
    await b.push({ step: 4, pass: 0, samples: 1, dense: ones(5), tables: noRows });
    // Trainer 0's push of step 4 was sent again (its push of step 3 too, found stale): step 4 applied once.
    expect((await waiting)[0]).toBeCloseTo(reference([1, 2, 3, 4, 5])[5]!, 4);
    expect(second.stats()).toMatchObject({ step: 5, resumedFrom: 4 });
    // Trainer 1 resends its last two pushes too, once it sees the new pserver (by a heartbeat or by its push's
    // reply, whichever comes first): stale, like trainer 0's push of step 3. They may still be on the way.
    await until(() => second.stats().stale === 3, 'the resent pushes of steps before 5 to be found stale');
    expect(second.stats()).toMatchObject({ step: 5, duplicates: 0 });
  });

  it('loses no more than the steps since its checkpoint when the trainers are further on', async () => {
    const dir = join(work, 'lost');
    const lines: string[] = [];
    const first = await server({ numTrainers: 1, checkpoint: { dir, everySteps: 5 } }, 'tcp://127.0.0.1:0', lines);
    const logs: string[] = [];
    const c = client([first.endpoint], 0, 1, logs);
    await c.hello('m');
    await c.init('m', momentum, init);
    const gradients = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    for (let k = 0; k < 8; k++) await c.push({ step: k, pass: 0, samples: 1, dense: ones(gradients[k]), tables: noRows });
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    await server({ numTrainers: 1, checkpoint: { dir, everySteps: 5 } }, first.endpoint, lines);
    await until(() => logs.some((l) => /restarted/.test(l)), 'the trainer to see the restart');
    for (let k = 8; k < 10; k++) await c.push({ step: k, pass: 0, samples: 1, dense: ones(gradients[k]), tables: noRows });
    // Resumed at step 5; the trainer's last pushes (steps 6 and 7) were sent again: step 5's gradient is lost.
    expect(lines.join('\n')).toMatch(/trainers are at step 6, this pserver resumed at step 5: 1 step\(s\) lost, catching up at step 6/);
    const got = (await values(c, 10))[0]!;
    expect(got).toBeCloseTo(reference([1, 2, 3, 4, 5, 7, 8, 9, 10])[9]!, 4);
    expect(got).not.toBeCloseTo(reference(gradients)[10]!, 1);
  });

  it('refuses a checkpoint folder of a job with another number of trainers', async () => {
    const dir = join(work, 'other-job');
    const ps = await server({ numTrainers: 1, checkpoint: { dir } });
    const c = client([ps.endpoint], 0, 1);
    await c.init('m', { type: 'sgd', learningRate: 1 }, init);
    await expect(ParameterServer.listen('tcp://127.0.0.1:0', { numTrainers: 3, checkpoint: { dir }, log: () => {} }))
      .rejects.toThrow(/its checkpoints are of a job with 1 trainers, this pserver was started with --num-trainers 3; use another folder/);
  });
});

describe('the master (pserver 0) deals tasks', () => {
  it('a dropped trainer\'s task goes to another; the push carrying a task\'s last batch marks it done once', async () => {
    const lines: string[] = [];
    const ps = await server({ numTrainers: 2, trainerTimeoutMs: 300 }, undefined, lines);
    const [a, b] = [client([ps.endpoint], 0, 2), client([ps.endpoint], 1, 2)];
    await a.hello('m');
    await b.hello('m');
    await a.init('m', { type: 'sgd', learningRate: 1 }, init);
    expect(await a.task(0, 3, false)).toBe(0);
    expect(await b.task(0, 3, false)).toBe(1);
    const done = await a.push({ step: 0, pass: 0, samples: 1, dense: ones(), tables: noRows, task: 0 });
    expect(done).toEqual({ stale: false, taskDone: true });
    // Trainer 1 dies holding task 1: after the timeout the step goes on and task 1 is dealt to trainer 0.
    b.close();
    expect(await a.task(0, 3, false)).toBe(2);
    await values(a, 1);
    await a.push({ step: 1, pass: 0, samples: 1, dense: ones(), tables: noRows, task: 2 });
    expect(await a.task(0, 3, true)).toBe(1);
    expect(lines.join('\n')).toMatch(/task 1 of pass 0, held by trainer 1, will be dealt again/);
    await values(a, 2);
    await a.push({ step: 2, pass: 0, samples: 1, dense: ones(), tables: noRows, task: 1 });
    expect(await a.task(0, 3, false)).toBe(-1);
    await a.finishPass(0);
    expect(lines.join('\n')).toMatch(/pass 0 done at step 3 by trainer\(s\) 0; 3 tasks trained, each once/);
  });

  it('a trainer with nothing to do waits outside the step barrier until a task frees up', async () => {
    const ps = await server({ numTrainers: 2 });
    const [a, b] = [client([ps.endpoint], 0, 2), client([ps.endpoint], 1, 2)];
    await a.hello('m');
    await b.hello('m');
    await a.init('m', { type: 'sgd', learningRate: 1 }, init);
    expect(await a.task(0, 1, false)).toBe(0);
    expect(await b.task(0, 1, false)).toBe(-2);
    await b.idle(0);
    const waiting = b.task(0, 1, true);
    // Trainer 0's step is applied without trainer 1, which is idle.
    await a.push({ step: 0, pass: 0, samples: 1, dense: ones(), tables: noRows, task: 0 });
    expect(await values(a, 1)).toEqual(new Array(6).fill(-1));
    expect(await waiting).toBe(-1);
  });

  it('a trainer that goes idle after pushing a step is counted in that step and leaves the barrier from the next', async () => {
    const ps = await server({ numTrainers: 2 });
    const [a, b] = [client([ps.endpoint], 0, 2), client([ps.endpoint], 1, 2)];
    await a.hello('m');
    await b.hello('m');
    await a.init('m', { type: 'sgd', learningRate: 1 }, init);
    await b.push({ step: 0, pass: 0, samples: 1, dense: ones(3), tables: noRows });
    await b.idle(0);
    await a.push({ step: 0, pass: 0, samples: 1, dense: ones(1), tables: noRows });
    // Step 0 is the mean of both pushes; step 1 is trainer 0's alone (before the fix it waited for trainer 1).
    expect(await values(a, 1)).toEqual(new Array(6).fill(-2));
    await a.push({ step: 1, pass: 0, samples: 1, dense: ones(1), tables: noRows });
    expect(await values(a, 2)).toEqual(new Array(6).fill(-3));
    expect(ps.stats()).toMatchObject({ step: 2 });
  });
});
