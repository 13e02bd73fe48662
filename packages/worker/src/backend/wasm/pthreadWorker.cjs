// Entry script of one pthread worker of tfjs-backend-wasm's threaded SIMD build, for Node's worker_threads.
// The package ships its worker script only as a string, meant for a blob: URL that Node cannot start a
// worker from; this file runs that string with the `require` and `__filename` a script file would have.
'use strict';
const { parentPort, workerData } = require('worker_threads');
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
if (workerData === 'oar-preflight') {
  // Oar's check that this script loads here, before emscripten starts its pool (whose workers' errors are fatal).
  parentPort.postMessage(typeof wasmWorkerContents === 'string' ? 'ready' : 'no worker script in tfjs-backend-wasm');
} else {
  // The string holds raw newlines inside its string literals (tfjs escapes them the same way for its Blob).
  new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, __filename);
}
