// The body of each xmapReaders worker, run with `new Worker(code, { eval: true })` so that it needs no
// separate JavaScript file next to the TypeScript sources (internal).
//
// Protocol: the worker loads the mapper once (module export, through tsx's loader for a TypeScript
// file, or function source); then for each
// `{ seq, sample }` it answers `{ seq, ok: true, value }` or `{ seq, ok: false, error }`. A mapper that
// cannot be loaded is reported once as `{ fatal }`.
export const xmapWorkerSource = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const describe = (e) => (e instanceof Error ? e.message : String(e));
async function load() {
  if (workerData.kind === 'module') {
    if (workerData.tsx) (await import(workerData.tsx)).register(); // TypeScript mappers
    const mod = await import(workerData.url);
    const fn = mod[workerData.exportName];
    if (typeof fn !== 'function') {
      throw new Error('module ' + workerData.url + ' has no function export "' + workerData.exportName +
        '" (its exports: ' + (Object.keys(mod).join(', ') || 'none') + ')');
    }
    return fn;
  }
  const fn = new Function('require', '"use strict"; return (' + workerData.source + '\n);')(require);
  if (typeof fn !== 'function') throw new Error('the source evaluated to ' + typeof fn + ', not a function');
  return fn;
}
const ready = load();
ready.catch((e) => parentPort.postMessage({ fatal: describe(e) }));
parentPort.on('message', async ({ seq, sample }) => {
  let fn;
  try {
    fn = await ready;
  } catch {
    return;
  }
  try {
    const value = await fn(sample);
    parentPort.postMessage({ seq, ok: true, value });
  } catch (e) {
    parentPort.postMessage({ seq, ok: false, error: describe(e) });
  }
});
`;
