import { afterEach, describe, expect, it } from 'vitest';
import * as zmq from 'zeromq';
import { ParameterOptimizer } from '../optimizer/parameterOptimizer.js';
import type { OptimizerConfig } from '../optimizer/optimizerConfig.js';
import { ParameterClient } from './ParameterClient.js';
import { ParameterServer } from './ParameterServer.js';
import { decodeHeader, encodeRequestHeader } from './protocol.js';
import { planShards, type ParameterSpec } from './shardPlan.js';

// In-process servers and clients over real tcp sockets on 127.0.0.1: the pserver's arithmetic and protocol.
// Separate processes are exercised by test/cluster.test.ts.

const specs: ParameterSpec[] = [
  { name: 'w', size: 2500 },
  { name: 'b', size: 7, attrs: { learningRate: 0.5 } },
  { name: 'emb', size: 50 * 3, table: { rows: 50, width: 3 } },
];

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

const opened: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0).reverse()) await o.close();
});

async function cluster(numServers: number, numTrainers: number, mode: 'sync' | 'async' = 'sync') {
  const servers: ParameterServer[] = [];
  for (let s = 0; s < numServers; s++) {
    const server = await ParameterServer.listen('tcp://127.0.0.1:0', { numTrainers, mode, log: () => {} });
    opened.push(server);
    servers.push(server);
  }
  const plan = planShards(specs, numServers, 1024);
  const clients = Array.from({ length: numTrainers }, (_, trainerId) => {
    const client = ParameterClient.connect({ endpoints: servers.map((s) => s.endpoint), trainerId, numTrainers, connectTimeoutMs: 5000 });
    client.usePlan(plan);
    opened.push(client);
    return client;
  });
  return { servers, clients, plan };
}

function initialValues(): Map<string, Float32Array> {
  const rand = seeded(7);
  return new Map(specs.map((p) => [p.name, Float32Array.from({ length: p.size }, () => rand() * 0.1)]));
}

function emptyArrays(): Map<string, Float32Array> {
  return new Map(specs.map((p) => [p.name, new Float32Array(p.size)]));
}

describe('ParameterServer (sync)', () => {
  for (const optimizer of [
    { type: 'sgd', learningRate: 0.1 },
    { type: 'momentum', learningRate: 0.05, momentum: 0.9, l2: 1e-3 },
    { type: 'adam', learningRate: 0.01 },
  ] as OptimizerConfig[]) {
    it(`2 pservers × 2 trainers apply the samples-weighted mean gradient once per step (${optimizer.type})`, async () => {
      const { clients } = await cluster(2, 2);
      const init = initialValues();
      await Promise.all(clients.map((c) => c.hello('model-a')));
      await clients[0]!.init('model-a', optimizer, (n) => init.get(n)!);

      // Reference: the same optimizer on whole parameters, fed Σ n_i g_i / Σ n_i.
      const ref = new Map([...init].map(([k, v]) => [k, v.slice()]));
      const refOpt = new Map(specs.map((p) => [p.name, new ParameterOptimizer(optimizer, p.attrs ?? {})]));
      const refState = new Map(specs.map((p) => [p.name, refOpt.get(p.name)!.createState(p.size, p.table ? { rows: p.table.rows } : {})]));
      const rand = seeded(11);
      let samplesProcessed = 0;
      for (let step = 0; step < 4; step++) {
        const samples = [3, 5];
        const grads = samples.map(() => new Map(specs.filter((p) => !p.table).map((p) => [p.name, Float32Array.from({ length: p.size }, rand)])));
        const rows = [Int32Array.from([1, 4, 9, 48]), Int32Array.from([4, 5, 49])];
        const rowGrads = rows.map((r) => Float32Array.from({ length: r.length * 3 }, rand));
        await Promise.all(clients.map((c, t) => c.push({
          step, pass: 0, samples: samples[t]!, dense: grads[t]!, tables: new Map([['emb', { rowIds: rows[t]!, values: rowGrads[t]! }]]),
        })));
        const progress = { numSamplesProcessed: samplesProcessed, pass: 0 };
        for (const p of specs.filter((q) => !q.table)) {
          const g = new Float32Array(p.size);
          for (let i = 0; i < p.size; i++) g[i] = (3 * grads[0]!.get(p.name)![i]! + 5 * grads[1]!.get(p.name)![i]!) / 8;
          refOpt.get(p.name)!.update(ref.get(p.name)!, g, refState.get(p.name)!, progress);
        }
        const union = [1, 4, 5, 9, 48, 49];
        const g = new Float32Array(union.length * 3);
        rows.forEach((r, t) => r.forEach((row, k) => {
          for (let i = 0; i < 3; i++) g[union.indexOf(row) * 3 + i]! += (samples[t]! * rowGrads[t]![k * 3 + i]!) / 8;
        }));
        refOpt.get('emb')!.updateRows(ref.get('emb')!, g, union, 3, refState.get('emb')!, progress);
        samplesProcessed += 8;
      }
      for (const client of clients) {
        const got = emptyArrays();
        const steps = await client.pull({ minStep: 4, dense: got, tables: new Map([['emb', { table: got.get('emb')!, rowIds: 'all' }]]) });
        expect(steps).toEqual([4, 4]);
        for (const p of specs) {
          const want = ref.get(p.name)!;
          const have = got.get(p.name)!;
          // float32 sums in a different order: |got − ref| ≤ 1e-6 + 1e-5·|ref|
          for (let i = 0; i < p.size; i++) expect(Math.abs(have[i]! - want[i]!)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(want[i]!));
        }
      }
    });
  }

  it('parks a pull until the step is applied, and a trainer that finished its pass leaves the barrier', async () => {
    const { clients } = await cluster(1, 2);
    const init = initialValues();
    await clients[0]!.init('m', { type: 'sgd', learningRate: 1 }, (n) => init.get(n)!);
    const grad = new Map(specs.filter((p) => !p.table).map((p) => [p.name, new Float32Array(p.size).fill(1)]));
    await clients[0]!.push({ step: 0, pass: 0, samples: 2, dense: grad, tables: new Map() });
    let pulled = false;
    const got = emptyArrays();
    const pull = clients[0]!.pull({ minStep: 1, dense: got }).then(() => (pulled = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(pulled).toBe(false);
    // Trainer 1 has no batch left: finishing its pass completes step 0 with trainer 0's gradient alone.
    const finish1 = clients[1]!.finishPass(0);
    await pull;
    expect(got.get('w')![0]).toBeCloseTo(init.get('w')![0]! - 1, 5);
    const finish0 = clients[0]!.finishPass(0);
    expect(await finish0).toEqual([1]);
    expect(await finish1).toEqual([1]);
  });

  it('moves only the rows a step touches: bytes grow with rows, not with the table', async () => {
    const big: ParameterSpec[] = [{ name: 'table', size: 1_000_000 * 8, table: { rows: 1_000_000, width: 8 } }, { name: 'w', size: 16 }];
    const servers = await Promise.all([0, 1].map(async () => {
      const s = await ParameterServer.listen('tcp://127.0.0.1:0', { numTrainers: 1, log: () => {} });
      opened.push(s);
      return s;
    }));
    const client = ParameterClient.connect({ endpoints: servers.map((s) => s.endpoint), trainerId: 0, numTrainers: 1 });
    opened.push(client);
    client.usePlan(planShards(big, 2));
    const table = new Float32Array(8_000_000);
    await client.init('big', { type: 'sgd', learningRate: 0.1 }, (n) => (n === 'table' ? table : new Float32Array(16)));
    const perStep: number[] = [];
    for (const rowsTouched of [10, 100, 1000]) {
      const before = { ...client.traffic };
      const rowIds = Int32Array.from({ length: rowsTouched }, (_, i) => i * 997);
      await client.pull({ minStep: 0, tables: new Map([['table', { table, rowIds }]]) });
      await client.push({ step: perStep.length, pass: 0, samples: 1, dense: new Map([['w', new Float32Array(16)]]), tables: new Map([['table', { rowIds, values: new Float32Array(rowsTouched * 8).fill(1) }]]) });
      perStep.push(client.traffic.tensorBytesOut + client.traffic.tensorBytesIn - before.tensorBytesOut - before.tensorBytesIn);
    }
    // pull: ids out (4 B) + rows in (32 B); push: ids + rows out (36 B); plus the dense w (64 B) pushed.
    expect(perStep).toEqual([10, 100, 1000].map((n) => n * (4 + 32 + 4 + 32) + 64));
    const row997 = new Float32Array(8);
    await client.pull({ minStep: 3, tables: new Map([['table', { table: row997, rowIds: Int32Array.from([0]) }]]) });
    expect(row997[0]).toBeCloseTo(-0.3, 6);
  });
});

describe('ParameterServer (async)', () => {
  it('applies each push at once and discards gradients older than M × laggedGradDiscardRatio steps', async () => {
    const { clients, servers } = await cluster(1, 2, 'async');
    const init = initialValues();
    await clients[0]!.init('m', { type: 'sgd', learningRate: 1 }, (n) => init.get(n)!);
    const grad = new Map(specs.filter((p) => !p.table).map((p) => [p.name, new Float32Array(p.size).fill(0.5)]));
    for (let k = 0; k < 4; k++) await clients[0]!.push({ step: k, pass: 0, samples: 1, dense: grad, tables: new Map() });
    // Trainer 1 still holds step-0 parameters: 4 steps behind > 2 × 1.5 → dropped.
    await clients[1]!.push({ step: 0, pass: 0, samples: 1, dense: grad, tables: new Map() });
    const got = emptyArrays();
    await clients[1]!.pull({ minStep: 0, dense: got });
    expect(got.get('w')![3]).toBeCloseTo(init.get('w')![3]! - 2, 5);
    expect(servers[0]!.stats()).toMatchObject({ step: 4, pushes: 5, discarded: 1 });
  });
});

describe('ParameterServer errors', () => {
  it('refuses a trainer started with another number of trainers, and a different model', async () => {
    const { clients } = await cluster(1, 2);
    const server = (await cluster(1, 3)).servers[0]!;
    const odd = ParameterClient.connect({ endpoints: [server.endpoint], trainerId: 0, numTrainers: 2, connectTimeoutMs: 5000 });
    opened.push(odd);
    await expect(odd.hello('m')).rejects.toThrow(/started for 3 trainers, but trainer 0 was started with --num-trainers 2/);
    const init = initialValues();
    await clients[0]!.init('model-a', { type: 'sgd', learningRate: 1 }, (n) => init.get(n)!);
    await expect(clients[1]!.hello('model-b')).rejects.toThrow(/trains a different model/);
  });

  it('a port in use is a clear error', async () => {
    const server = await ParameterServer.listen('tcp://127.0.0.1:0', { numTrainers: 1, log: () => {} });
    opened.push(server);
    await expect(ParameterServer.listen(server.endpoint, { numTrainers: 1 })).rejects.toThrow(/is in use by another process; choose another --port/);
  });

  it('rejects bad client settings where they are given', () => {
    expect(() => ParameterClient.connect({ endpoints: ['tcp://127.0.0.1:1'], trainerId: 2, numTrainers: 2 })).toThrow(/trainerId must be an integer in 0..1, got 2/);
    expect(() => ParameterClient.connect({ endpoints: [], trainerId: 0, numTrainers: 1 })).toThrow(/endpoints must be a non-empty list/);
  });

  it('answers malformed messages with an error and goes on serving', async () => {
    const { clients, servers } = await cluster(1, 1);
    const init = initialValues();
    await clients[0]!.init('m', { type: 'sgd', learningRate: 1 }, (n) => init.get(n)!);
    const raw = new zmq.Dealer({ linger: 0 });
    opened.push(raw);
    raw.connect(servers[0]!.endpoint);
    const request = (header: object, frames: Buffer[] = []) => [encodeRequestHeader(header, frames), ...frames];
    const row77 = Buffer.from(Int32Array.from([77]).buffer);
    const pull = request({ v: 2, id: 6, op: 'pull', trainer: 0, minStep: 0, dense: true, tables: [] });
    const bad = [
      [Buffer.from('not msgpack at all \xc1')],
      request({ v: 2, id: 1, op: 'push', trainer: 0, step: 0, pass: 0, samples: 1, version: 0, tables: [], session: 's', seq: 1, task: -1 }), // no frames
      request({ v: 2, id: 2, op: 'pull', trainer: 5, minStep: 0, dense: true, tables: [] }),
      request({ v: 2, id: 3, op: 'explode', trainer: 0 }),
      request({ v: 2, id: 4, op: 'pull', trainer: 0, minStep: 0, dense: false, tables: [[2, 1]] }, [row77]),
      [Buffer.concat([pull[0]!.subarray(0, 10), Buffer.from([0xff]), pull[0]!.subarray(11)])], // a flipped byte
      [encodeRequestHeader({ v: 2, id: 7, op: 'pull', trainer: 0, minStep: 0, dense: false, tables: [[2, 1]] }, [row77])], // a frame missing
      request({ v: 1, id: 8, op: 'stats', trainer: 0 }),
    ];
    const errors: string[] = [];
    for (const frames of bad) {
      await raw.send(frames);
      const [head] = await raw.receive();
      const reply = decodeHeader(head);
      expect(reply.ok).toBe(false);
      errors.push(String(reply.error));
    }
    expect(errors[0]).toMatch(/CRC-32 mismatch/);
    expect(errors[1]).toMatch(/push: expected 4 block frames/);
    expect(errors[2]).toMatch(/trainer id 5 is outside 0..0/);
    expect(errors[3]).toMatch(/header.op must be one of/);
    expect(errors[4]).toMatch(/row 77 of emb is not held by pserver 0 of 1 \(rows 0..49/);
    expect(errors[5]).toMatch(/CRC-32 mismatch: the message says 0x[0-9a-f]{8}, its 1 frames give 0x[0-9a-f]{8}/);
    expect(errors[6]).toMatch(/CRC-32 mismatch/);
    expect(errors[7]).toMatch(/header.v must be 2, got 1/);
    const got = emptyArrays();
    await clients[0]!.pull({ minStep: 0, dense: got });
    expect(got.get('w')).toEqual(init.get('w'));
    expect(servers[0]!.stats().errors).toBe(8);
  });
});
