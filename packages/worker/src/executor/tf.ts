// The one place the executor takes tfjs-core from, so every module shares one engine.
export * as tf from '@tensorflow/tfjs-core';
