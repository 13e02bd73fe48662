// Starts the 2-thread wasm backend, computes, and returns without process.exit: the test that runs this
// checks that Node then exits by itself (the pthread workers must not keep it alive).
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../initBackend.js';

const info = await initBackend({ backend: 'wasm', threads: 2, log: () => {} });
const y = tf.matMul(tf.ones([256, 256]), tf.ones([256, 256])).dataSync();
console.log(`threads ${info.threads} sum ${y[0]}`);
