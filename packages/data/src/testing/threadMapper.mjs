// Mappers loaded by xmapReaders' workers in the tests (plain JavaScript: workers do not get vitest's
// TypeScript transform).
import { threadId } from 'node:worker_threads';

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** `[x * x, the id of the thread that computed it]`. */
export function tagThread(x) {
  return [x * x, threadId];
}

/** x * x, computed slowly for small x, so that results finish out of order. */
export function slowSquare(x) {
  sleep(Math.max(0, 12 - 2 * x));
  return x * x;
}

/** An async mapper. */
export async function asyncDouble(x) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return x * 2;
}

/** Throws on 3. */
export function failOn3(x) {
  if (x === 3) throw new Error(`boom on ${x}`);
  return x;
}

export default function negate(x) {
  return -x;
}
