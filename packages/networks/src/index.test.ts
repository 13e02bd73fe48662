import { describe, expect, it } from 'vitest';
import * as api from './index.js';

describe('@oar/networks exports', () => {
  it('the networks namespace holds each helper, also exported by name', () => {
    const names = [
      'sequenceConvPool', 'textConvPool', 'simpleImgConvPool', 'imgConvBnPool', 'imgConvGroup', 'vgg16Network', 'dropoutLayer', 'outputs',
      'simpleRnn', 'lstmemoryUnit', 'lstmemoryGroup', 'simpleLstm', 'bidirectionalLstm', 'gruUnit', 'gruGroup', 'simpleGru', 'simpleGru2',
      'bidirectionalGru', 'simpleAttention',
    ] as const;
    expect(Object.keys(api.networks).sort()).toEqual([...names].sort());
    for (const name of names) expect(api.networks[name]).toBe(api[name]);
  });
});
