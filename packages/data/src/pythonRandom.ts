// Python's random.Random(seed).random() (MT19937 seeded by init_by_array), so that splits made with
// it match Paddle's exactly (internal).

const N = 624;
const M = 397;

/** A generator of doubles in [0, 1) equal to CPython's `random.Random(seed).random()` sequence. */
export function pythonRandom(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`pythonRandom: seed must be a safe integer, got ${seed}`);
  const mt = new Uint32Array(N);
  let index = N;
  const initGenrand = (s: number) => {
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = Math.imul(1812433253, prev) + i;
    }
  };
  // CPython seeds with the 32-bit words of |seed|, least significant first ([0] for 0).
  const key: number[] = [];
  for (let rest = Math.abs(seed); rest > 0; rest = Math.floor(rest / 2 ** 32)) key.push(rest % 2 ** 32);
  if (key.length === 0) key.push(0);
  initGenrand(19650218);
  let [i, j] = [1, 0];
  for (let k = Math.max(N, key.length); k > 0; k--) {
    const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
    mt[i] = (mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j;
    i += 1;
    j += 1;
    if (i >= N) [mt[0], i] = [mt[N - 1]!, 1];
    if (j >= key.length) j = 0;
  }
  for (let k = N - 1; k > 0; k--) {
    const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
    mt[i] = (mt[i]! ^ Math.imul(prev, 1566083941)) - i;
    i += 1;
    if (i >= N) [mt[0], i] = [mt[N - 1]!, 1];
  }
  mt[0] = 0x80000000;

  const next = (): number => {
    if (index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff);
        mt[k] = mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      index = 0;
    }
    let y = mt[index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    return (y ^ (y >>> 18)) >>> 0;
  };
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
}
