// matMul GFLOP/s of Oar's compute backends beside PyTorch, in one run:
//   npx tsx bench/matmul.ts [--quick]
// Each tfjs configuration runs in its own child process (one wasm module per process): wasm with 1 thread
// (Oar's kernels, and tfjs-wasm's stock kernel for the transposed products), wasm with one thread per core,
// tfjs's pure-JS cpu backend; then bench/matmul_torch.py under /usr/bin/python3 with OpenBLAS (pthreads
// build, chosen by LD_LIBRARY_PATH and checked in the child's /proc/self/maps), 1 thread and all cores.
// Figures: median over repetitions (≥ 5 and ≥ 0.5 s; cpu: ≥ 2), each a matMul plus reading the result.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

type Shape = [number, number, number];
type Variant = 'A·B' | 'Aᵀ·B' | 'A·Bᵀ';
interface Row { shape: Shape; variant: Variant; gflops: number; min: number; max: number; reps: number }
interface ChildSpec { backend: 'wasm' | 'cpu'; threads: number; stock: boolean; shapes: Shape[]; variants: Variant[] }

const quick = process.argv.includes('--quick');
const shapes: Shape[] = quick ? [[64, 512, 1536], [512, 512, 512]] : [[64, 512, 1536], [512, 512, 512], [1024, 1024, 1024]];
const variants: Variant[] = ['A·B', 'Aᵀ·B', 'A·Bᵀ'];
const cores = availableParallelism();
const openBlasDir = '/usr/lib/x86_64-linux-gnu/openblas-pthread';

/** Child: times every case on one backend and prints a JSON line per case. */
async function child(spec: ChildSpec): Promise<void> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-wasm');
  const stockMatMul = tf.getKernel('BatchMatMul', 'wasm')!;
  const { initBackend } = await import('@oar/worker');
  await initBackend({ backend: spec.backend, threads: spec.threads, log: () => {} });
  if (spec.stock) {
    // tfjs-wasm's own kernel, in place of Oar's (which transposes first).
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel(stockMatMul);
  }
  const minReps = spec.backend === 'cpu' ? 2 : 5;
  for (const [m, k, n] of spec.shapes) {
    for (const variant of spec.variants) {
      const ta = variant.startsWith('Aᵀ');
      const tb = variant.endsWith('Bᵀ');
      const a = tf.randomUniform(ta ? [k, m] : [m, k]);
      const b = tf.randomUniform(tb ? [n, k] : [k, n]);
      const once = () => { const c = tf.matMul(a, b, ta, tb); c.dataSync(); c.dispose(); };
      once();
      const rates: number[] = [];
      const started = performance.now();
      while (rates.length < 50 && (rates.length < minReps || performance.now() - started < 500)) {
        const t0 = performance.now();
        once();
        rates.push((2 * m * k * n) / ((performance.now() - t0) * 1e6));
      }
      rates.sort((x, y) => x - y);
      const row: Row = { shape: [m, k, n], variant, gflops: rates[rates.length >> 1]!, min: rates[0]!, max: rates.at(-1)!, reps: rates.length };
      console.log(JSON.stringify(row));
      tf.dispose([a, b]);
    }
  }
}

function runChild(spec: ChildSpec): Row[] {
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, ['--conditions=@oar/source', '--import', 'tsx', self, '--child', JSON.stringify(spec)],
    { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) throw new Error(`child ${JSON.stringify(spec)} failed: ${run.stderr || run.error}`);
  return run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Row);
}

function runTorch(threads: number): { info: string; rows: Row[] } {
  const script = fileURLToPath(new URL('./matmul_torch.py', import.meta.url));
  const env = { ...process.env, LD_LIBRARY_PATH: openBlasDir, OPENBLAS_NUM_THREADS: String(threads) };
  const run = spawnSync('/usr/bin/python3', [script, JSON.stringify({ shapes, variants })], { encoding: 'utf8', env, timeout: 600_000 });
  if (run.status !== 0) throw new Error(`torch failed: ${run.stderr || run.error}`);
  const [first, ...rest] = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const info = `torch ${first!['torch']}, ${first!['blas']} (${(first!['libraries'] as string[]).join(', ')}), ${threads} thread(s)`;
  return { info, rows: rest as unknown as Row[] };
}

async function main(): Promise<void> {
  const columns: Array<[string, Row[]]> = [];
  const add = (name: string, rows: Row[]) => { columns.push([name, rows]); process.stderr.write(`done: ${name}\n`); };
  add('wasm 1T', runChild({ backend: 'wasm', threads: 1, stock: false, shapes, variants }));
  add('wasm 1T stock', runChild({ backend: 'wasm', threads: 1, stock: true, shapes, variants: ['Aᵀ·B', 'A·Bᵀ'] }));
  if (cores > 1) add(`wasm ${cores}T`, runChild({ backend: 'wasm', threads: cores, stock: false, shapes, variants }));
  add('tfjs cpu', runChild({ backend: 'cpu', threads: 1, stock: false, shapes: shapes.slice(0, 2), variants: ['A·B'] }));
  const notes: string[] = [];
  for (const threads of cores > 1 ? [1, cores] : [1]) {
    const torch = runTorch(threads);
    notes.push(torch.info);
    add(`torch ${threads}T`, torch.rows);
  }
  const header = ['m×k·k×n', 'product', ...columns.map(([name]) => name)];
  const lines = [header];
  for (const shape of shapes) {
    for (const variant of variants) {
      const cells = columns.map(([, rows]) => {
        const row = rows.find((r) => r.shape.join() === shape.join() && r.variant === variant);
        return row === undefined ? '—' : row.gflops.toFixed(1);
      });
      lines.push([`${shape[0]}×${shape[1]}·${shape[1]}×${shape[2]}`, variant, ...cells]);
    }
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  console.log('matMul GFLOP/s (median)');
  for (const l of lines) console.log(l.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  for (const note of notes) console.log(note);
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(JSON.parse(process.argv[at + 1]!) as ChildSpec);
else await main();
