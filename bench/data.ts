// Data reader throughput on the real datasets: samples/s of each reader path of @oar/data.
//   npm run bench:data -- [--passes 3] [--threads 2]
// Paths, per dataset (Fashion-MNIST train, CMUdict g2p train split, SpamAssassin train split):
//   raw parse   the dataset's own reader on the original files, a fresh reader per pass (nothing cached)
//   chunk file  chunkFileReader on the dataset converted once with convertToChunkFile (same samples)
//   xmap        the raw units (uint8 images / dictionary entries / message texts) read in this thread,
//               the per-sample work (scaling / encoding / tokenizing) done by xmapReaders in worker threads,
//               on batches (a message per sample costs more than the work itself)
// Each figure is the best of --passes full passes. The workers import this file for its mapper exports,
// so everything that runs the benchmark is behind `isMainThread`.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import {
  batch,
  chunkFileReader,
  cmudict,
  convertToChunkFile,
  fashionMnist,
  lookupIds,
  readIdx,
  spamAssassin,
  tokenizeMessage,
  xmapReaders,
  type CmuEntry,
  type G2pSample,
  type Reader,
} from '@oar/data';

// ---- mappers run in the workers (dictionaries come in files named by environment variables) ----

/** uint8 pixels → Float32 in [0, 1], as fashionMnist.train yields them. */
export function scaleImages(samples: [Uint8Array, number][]): [Float32Array, number][] {
  return samples.map(([pixels, label]) => {
    const image = new Float32Array(pixels.length);
    for (let p = 0; p < pixels.length; p++) image[p] = pixels[p]! / 255;
    return [image, label];
  });
}

const loadJson = (variable: string) => {
  const file = process.env[variable];
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as [string, number][]) : [];
};
const g2pDicts = isMainThread ? undefined : { src: new Map(loadJson('OAR_BENCH_G2P_SRC')), trg: new Map(loadJson('OAR_BENCH_G2P_TRG')) };
const spamDict = isMainThread ? undefined : new Map(loadJson('OAR_BENCH_SPAM_DICT'));

/** Dictionary entries → g2p samples, as cmudict.train encodes them. */
export function encodeEntries(entries: CmuEntry[]): G2pSample[] {
  return entries.map((e) => cmudict.encode(e, g2pDicts!.src, g2pDicts!.trg));
}

/** Message texts → word ids, as spamAssassin.train does. */
export function encodeMessages(messages: [string, 0 | 1][]): [Int32Array, 0 | 1][] {
  return messages.map(([text, label]) => [lookupIds(tokenizeMessage(text), spamDict!), label]);
}

// ---- the benchmark ----

interface Path {
  name: string;
  reader: () => Reader<unknown>;
  /** Samples in one item of the reader (batches count their samples). */
  size?: (item: unknown) => number;
}

/** Best samples/s over `passes` passes; also after the first item (without start-up: workers, file loads). */
async function measure(path: Path, passes: number) {
  const best = { samples: 0, perSecond: 0, steadyPerSecond: 0, firstItemSeconds: Infinity };
  for (let p = 0; p < passes; p++) {
    const reader = path.reader();
    const t0 = performance.now();
    let [n, first, tFirst] = [0, 0, 0];
    for await (const item of reader()) {
      n += path.size ? path.size(item) : 1;
      if (tFirst === 0) [first, tFirst] = [n, performance.now()];
    }
    const t1 = performance.now();
    best.samples = n;
    best.perSecond = Math.max(best.perSecond, n / ((t1 - t0) / 1000));
    best.steadyPerSecond = Math.max(best.steadyPerSecond, (n - first) / ((t1 - tFirst) / 1000));
    best.firstItemSeconds = Math.min(best.firstItemSeconds, (tFirst - t0) / 1000);
  }
  return best;
}

async function run(): Promise<void> {
  const { values } = parseArgs({ options: { passes: { type: 'string', default: '3' }, threads: { type: 'string', default: '2' } } });
  const passes = Number(values.passes);
  const threads = Number(values.threads);
  const dir = mkdtempSync(join(tmpdir(), 'oar-bench-data-'));
  const module = new URL(import.meta.url);
  const batchSize = (item: unknown) => (item as unknown[]).length;
  try {
    const datasets: { name: string; raw: () => Reader<unknown>; xmap: () => Reader<unknown> }[] = [];

    // Fashion-MNIST: the 60,000 training images.
    const fashionDir = '/usr/share/datasets/fashion-mnist';
    datasets.push({
      name: 'Fashion-MNIST train',
      raw: () => fashionMnist.train(),
      xmap: () => {
        const images: Reader<[Uint8Array, number]> = async function* () {
          const [x, y] = await Promise.all([readIdx(join(fashionDir, 'train-images-idx3-ubyte.gz')), readIdx(join(fashionDir, 'train-labels-idx1-ubyte.gz'))]);
          const size = x.dims[1]! * x.dims[2]!;
          for (let i = 0; i < x.dims[0]!; i++) yield [(x.data as Uint8Array).slice(i * size, (i + 1) * size), y.data[i]!];
        };
        return xmapReaders({ module, exportName: 'scaleImages' }, batch(images, 256), threads, 8);
      },
    });

    // CMUdict: the g2p train split (dictionaries built from it, as cmudict.train does).
    const g2p = await cmudict.load();
    writeFileSync(join(dir, 'src.json'), JSON.stringify([...g2p.srcDict]));
    writeFileSync(join(dir, 'trg.json'), JSON.stringify([...g2p.trgDict]));
    process.env.OAR_BENCH_G2P_SRC = join(dir, 'src.json');
    process.env.OAR_BENCH_G2P_TRG = join(dir, 'trg.json');
    datasets.push({
      name: 'CMUdict g2p train',
      raw: () => cmudict.train(),
      xmap: () => {
        const entries: Reader<CmuEntry> = async function* () {
          for (const e of await cmudict.read()) if (cmudict.splitOf(e.word) === 'train') yield e;
        };
        return xmapReaders({ module, exportName: 'encodeEntries' }, batch(entries, 1024), threads, 8);
      },
    });

    // SpamAssassin: the train split as word ids (dictionary of the train split, words seen 3+ times).
    const dict = await spamAssassin.wordDict({ minFreq: 3 });
    writeFileSync(join(dir, 'spam.json'), JSON.stringify([...dict]));
    process.env.OAR_BENCH_SPAM_DICT = join(dir, 'spam.json');
    datasets.push({
      name: 'SpamAssassin train',
      raw: () => spamAssassin.train({ dict }),
      xmap: () => {
        const messages: Reader<[string, 0 | 1]> = async function* () {
          for await (const m of spamAssassin.messages('train')()) yield [m.text, m.label];
        };
        return xmapReaders({ module, exportName: 'encodeMessages' }, batch(messages, 64), threads, 8);
      },
    });

    console.log(`data bench: best of ${passes} passes, xmapReaders on ${threads} worker threads, Node ${process.version}`);
    console.log(
      '| dataset | samples | raw parse (samples/s) | chunk file (samples/s) | xmap, raw units (samples/s) | ' +
        'xmap after its first batch (samples/s) | xmap first batch (s) | convert (s) | chunk file (MB) |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const [k, d] of datasets.entries()) {
      const file = join(dir, `${k}.oarc`);
      const t0 = performance.now();
      await convertToChunkFile(d.raw(), file, { chunkSize: 1000 });
      const convertSeconds = (performance.now() - t0) / 1000;
      const raw = await measure({ name: 'raw', reader: d.raw }, passes);
      const chunk = await measure({ name: 'chunk', reader: () => chunkFileReader(file) }, passes);
      const xmap = await measure({ name: 'xmap', reader: d.xmap, size: batchSize }, passes);
      if (chunk.samples !== raw.samples || xmap.samples !== raw.samples) {
        throw new Error(`${d.name}: the paths disagree on the sample count: raw ${raw.samples}, chunk ${chunk.samples}, xmap ${xmap.samples}`);
      }
      const mb = statSync(file).size / 2 ** 20;
      const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
      console.log(
        `| ${d.name} | ${fmt(raw.samples)} | ${fmt(raw.perSecond)} | ${fmt(chunk.perSecond)} | ${fmt(xmap.perSecond)} | ` +
          `${fmt(xmap.steadyPerSecond)} | ${xmap.firstItemSeconds.toFixed(2)} | ${convertSeconds.toFixed(1)} | ${mb.toFixed(1)} |`,
      );
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMainThread) await run();
