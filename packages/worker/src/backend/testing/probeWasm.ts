// Probe: runs forward + backward of every op family on wasm and on the cpu reference, and lists what
// fails. `npx tsx packages/worker/src/backend/testing/probeWasm.ts [--stock]` (--stock: without Oar's
// wasm kernels, to see what tfjs-wasm lacks out of the box).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerGradients } from '../registerGradients.js';
import { registerWasmKernels } from '../kernels/registerKernels.js';
import { opFamilies } from './opFamilies.js';
import { probeOpFamilies } from './compareBackends.js';

const stock = process.argv.includes('--stock');
await registerGradients();
if (!stock) registerWasmKernels();
tf.enableProdMode(); // silences tfjs's console banner
const failures = await probeOpFamilies(opFamilies, 'wasm', 'cpu');
console.log(`${stock ? 'stock' : 'oar'} wasm: ${opFamilies.length - failures.length}/${opFamilies.length} families pass`);
for (const { family, problem } of failures) console.log(`  FAIL ${family}: ${problem}`);
