// Parameter-server transport: push+pull through Oar's pservers beside raw ZeroMQ multipart between the same
// processes; per-step sync overhead for the example models; sparse bytes per step against rows touched.
//   npm run bench:pserver            (~2 min)
//   npm run bench:pserver -- --quick (fewer steps)
//   npm run bench:pserver -- --dense --rounds 5 (only the 10M-float model: raw and Oar taken turn about 5 times,
//                                                each round printed, then the medians; for a busy machine)
// Every figure comes from separate processes (2 pservers, 2 trainers) on tcp://127.0.0.1.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as zmq from 'zeromq';
import { Topology } from '@oar/layers';
import { ParameterClient, ParameterServer, planShards, type ParameterSpec } from '@oar/pserver';
import { Network, type TrainConfig } from '@oar/worker';

const self = fileURLToPath(import.meta.url);
const quick = process.argv.includes('--quick');
const denseOnly = process.argv.includes('--dense');
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 1;

type Message =
  | { kind: 'ready'; endpoint: string; raw: string }
  | { kind: 'result'; seconds: number; bytes: number; steps: number; tensorBytesOut: number; tensorBytesIn: number };

interface Job {
  what: 'oar' | 'raw';
  specs: ParameterSpec[];
  steps: number;
  trainerId: number;
  numTrainers: number;
  servers: { endpoint: string; raw: string }[];
  /** Sparse: rows each step touches, per table. */
  rowsTouched?: number;
}

// ----------------------------------------------------------------------------- child processes
async function serverMain(numTrainers: number): Promise<void> {
  const server = await ParameterServer.listen('tcp://127.0.0.1:0', { numTrainers, log: () => {} });
  // Raw reference in the same process: a ROUTER that answers each multipart message with frames of the same sizes.
  const raw = new zmq.Router({ sendHighWaterMark: 0, receiveHighWaterMark: 0, linger: 0 });
  await raw.bind('tcp://127.0.0.1:0');
  process.send!({ kind: 'ready', endpoint: server.endpoint, raw: raw.lastEndpoint });
  process.on('disconnect', () => process.exit(0));
  for await (const [id, head, ...frames] of raw) await raw.send([id!, head!, ...frames]);
}

async function trainerMain(job: Job): Promise<void> {
  const plan = planShards(job.specs, job.servers.length);
  const values = new Map(job.specs.map((p) => [p.name, new Float32Array(p.size).fill(0.5)]));
  const grads = new Map(job.specs.filter((p) => !p.table).map((p) => [p.name, new Float32Array(p.size).fill(1e-6)]));
  const result = (seconds: number, bytes: number, traffic = { tensorBytesOut: 0, tensorBytesIn: 0 }) =>
    process.send!({ kind: 'result', seconds, bytes, steps: job.steps, ...traffic } satisfies Message);
  if (job.what === 'raw') {
    // The same frames Oar sends, to the same processes, request and same-size reply.
    const sockets = job.servers.map((s) => {
      const d = new zmq.Dealer({ sendHighWaterMark: 0, receiveHighWaterMark: 0, linger: 0 });
      d.connect(s.raw);
      return d;
    });
    const framesOf = (s: number) => plan.blocks[s]!.map((b) => {
      const g = grads.get(plan.params[b.param]!.name)!;
      return Buffer.from(g.buffer, g.byteOffset + b.offset * 4, b.length * 4);
    });
    await Promise.all(sockets.map(async (d) => { await d.send(['warm']); await d.receive(); }));
    const t0 = performance.now();
    let bytes = 0;
    for (let k = 0; k < job.steps; k++) {
      await Promise.all(sockets.map(async (d, s) => {
        const frames = framesOf(s);
        await d.send([Buffer.from('h'), ...frames]);
        const reply = await d.receive();
        bytes += frames.reduce((n, f) => n + f.length, 0) + reply.slice(1).reduce((n, f) => n + f.length, 0);
      }));
    }
    result((performance.now() - t0) / 1000, bytes);
    sockets.forEach((d) => d.close());
    return;
  }
  const client = ParameterClient.connect({ endpoints: job.servers.map((s) => s.endpoint), trainerId: job.trainerId, numTrainers: job.numTrainers });
  client.usePlan(plan);
  await client.hello('bench');
  if (job.trainerId === 0) await client.init('bench', { type: 'sgd', learningRate: 0.01 }, (n) => values.get(n)!);
  await client.pull({ minStep: 0, dense: new Map([...values].filter(([n]) => grads.has(n))) });
  const tables = job.specs.filter((p) => p.table);
  const before = { ...client.traffic };
  const t0 = performance.now();
  for (let k = 0; k < job.steps; k++) {
    const touched = new Map(tables.map((p) => {
      // Distinct rows spread over the table, shifted every step.
      const rowIds = Int32Array.from({ length: job.rowsTouched! }, (_, i) => (i * 7919 + k * 13 + job.trainerId) % p.table!.rows);
      return [p.name, rowIds] as const;
    }));
    if (tables.length) await client.pull({ minStep: k, tables: new Map([...touched].map(([n, rowIds]) => [n, { table: values.get(n)!, rowIds }])) });
    await client.push({
      step: k, pass: 0, samples: 1, dense: grads,
      tables: new Map([...touched].map(([n, rowIds]) => [n, { rowIds, values: new Float32Array(rowIds.length * tables.find((p) => p.name === n)!.table!.width) }])),
    });
    await client.pull({ minStep: k + 1, dense: new Map([...values].filter(([n]) => grads.has(n))) });
  }
  const seconds = (performance.now() - t0) / 1000;
  const traffic = { tensorBytesOut: client.traffic.tensorBytesOut - before.tensorBytesOut, tensorBytesIn: client.traffic.tensorBytesIn - before.tensorBytesIn };
  result(seconds, traffic.tensorBytesOut + traffic.tensorBytesIn, traffic);
  client.close();
}

// ----------------------------------------------------------------------------- parent
/** The trainable parameters of an example config with its default options, as the RemoteUpdater sends them. */
async function modelSpecs(path: string): Promise<ParameterSpec[]> {
  const config = (await import(path)).default as TrainConfig;
  const options = Object.fromEntries(Object.entries(config.options ?? {}).map(([k, v]) => [k, v.default]));
  const setup = await config.build(options as never, { batchSize: 64, seed: 1 });
  const topology = Topology.fromOutputs([...(Array.isArray(setup.cost) ? setup.cost : [setup.cost]), setup.output]);
  const tables = new Set(new Network(topology).tableParameters);
  return topology.parameters.filter((p) => !p.is_static).map((p) => ({
    name: p.name, size: p.size, ...(tables.has(p.name) ? { table: { rows: p.dims[0]!, width: p.dims[1]! } } : {}),
  }));
}

function child(args: string[]): { proc: ChildProcess; next: () => Promise<Message> } {
  const proc = fork(self, args, { execArgv: process.execArgv, stdio: 'inherit' });
  const queue: Message[] = [];
  const waiters: ((m: Message) => void)[] = [];
  proc.on('message', (m: Message) => (waiters.length ? waiters.shift()!(m) : queue.push(m)));
  return { proc, next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiters.push(r))) };
}

async function run(specs: ParameterSpec[], steps: number, what: 'oar' | 'raw', rowsTouched?: number) {
  const servers = [child(['server', '2']), child(['server', '2'])];
  const ready = (await Promise.all(servers.map((s) => s.next()))) as Extract<Message, { kind: 'ready' }>[];
  const trainers = [0, 1].map((trainerId) => child(['trainer', JSON.stringify({
    what, specs, steps, trainerId, numTrainers: 2, servers: ready.map((r) => ({ endpoint: r.endpoint, raw: r.raw })), ...(rowsTouched ? { rowsTouched } : {}),
  } satisfies Job)]));
  const results = (await Promise.all(trainers.map((t) => t.next()))) as Extract<Message, { kind: 'result' }>[];
  for (const p of [...trainers, ...servers]) p.proc.kill();
  const seconds = Math.max(...results.map((r) => r.seconds));
  const bytes = results.reduce((n, r) => n + r.bytes, 0);
  return { seconds, bytes, gbps: bytes / seconds / 1e9, msPerStep: (seconds / steps) * 1000, perTrainerStepBytes: results[0]!.bytes / steps };
}

/** The run of median ms/step (the lower middle one of an even count). */
function median<T extends { msPerStep: number }>(runs: T[]): T {
  return [...runs].sort((a, b) => a.msPerStep - b.msPerStep)[Math.floor((runs.length - 1) / 2)]!;
}

async function main(): Promise<void> {
  const role = process.argv[2];
  if (role === 'server') return serverMain(Number(process.argv[3]));
  if (role === 'trainer') return trainerMain(JSON.parse(process.argv[3]!) as Job);

  console.log('pserver bench: 2 pserver processes, 2 trainer processes, tcp://127.0.0.1, sync SGD');
  // 1. A 10M-float dense model (10 parameters of 1M floats): push gradients, pull values, every step.
  const dense10M = Array.from({ length: 10 }, (_, i): ParameterSpec => ({ name: `w${i}`, size: 1_000_000 }));
  const steps = quick ? 5 : 20;
  const raws: Awaited<ReturnType<typeof run>>[] = [];
  const oars: Awaited<ReturnType<typeof run>>[] = [];
  for (let r = 0; r < rounds; r++) {
    raws.push(await run(dense10M, steps, 'raw'));
    oars.push(await run(dense10M, steps, 'oar'));
    if (rounds > 1) console.log(`round ${r + 1}: raw ${raws[r]!.msPerStep.toFixed(1)} ms/step, Oar ${oars[r]!.msPerStep.toFixed(1)} ms/step (${((raws[r]!.msPerStep / oars[r]!.msPerStep) * 100).toFixed(0)} %)`);
  }
  const raw = median(raws);
  const oar = median(oars);
  console.log(`\n10M floats (40 MB) per push and per pull, 2 trainers; GB/s = tensor bytes both ways, both trainers, / wall time${rounds > 1 ? `; medians of ${rounds} rounds` : ''}`);
  console.log('| path | ms/step | GB/s | share of raw |');
  console.log('|---|---|---|---|');
  console.log(`| raw ZeroMQ multipart (same frames, echo) | ${raw.msPerStep.toFixed(1)} | ${raw.gbps.toFixed(2)} | 100 % |`);
  console.log(`| Oar push + pull (sum, SGD update, release) | ${oar.msPerStep.toFixed(1)} | ${oar.gbps.toFixed(2)} | ${((oar.gbps / raw.gbps) * 100).toFixed(0)} % |`);
  if (denseOnly) return;

  // 2. Sync overhead per step for the example models (their parameter shapes), no compute.
  const models: Record<string, ParameterSpec[]> = {
    'fashion-mnist': await modelSpecs('../examples/fashion-mnist/config.ts'),
    spam: await modelSpecs('../examples/spam/config.ts'),
  };
  console.log('\nSync overhead per step (push + pull of a model\'s parameters, no compute), 2 pservers × 2 trainers');
  console.log('| model | floats | ms/step | bytes per trainer-step |');
  console.log('|---|---|---|---|');
  for (const [name, specs] of Object.entries(models)) {
    const r = await run(specs, quick ? 20 : 100, 'oar', specs.some((p) => p.table) ? 2000 : undefined);
    const floats = specs.reduce((n, p) => n + p.size, 0);
    console.log(`| ${name}${specs.some((p) => p.table) ? ' (2,000 table rows touched)' : ''} | ${floats.toLocaleString('en')} | ${r.msPerStep.toFixed(2)} | ${Math.round(r.perTrainerStepBytes).toLocaleString('en')} |`);
  }

  // 3. Sparse: a 1M × 64 table, bytes per step against rows touched.
  console.log('\nSparse table 1,000,000 × 64 (256 MB): tensor bytes per trainer-step (pull rows + push rows + a 64-float dense)');
  console.log('| rows touched | bytes per step | bytes per row | ms/step |');
  console.log('|---|---|---|---|');
  const table: ParameterSpec[] = [{ name: 'table', size: 64_000_000, table: { rows: 1_000_000, width: 64 } }, { name: 'b', size: 64 }];
  for (const rows of [10, 100, 1000, 10_000]) {
    const r = await run(table, quick ? 10 : 30, 'oar', rows);
    console.log(`| ${rows.toLocaleString('en')} | ${Math.round(r.perTrainerStepBytes).toLocaleString('en')} | ${(r.perTrainerStepBytes / rows).toFixed(1)} | ${r.msPerStep.toFixed(2)} |`);
  }
}

await main();
