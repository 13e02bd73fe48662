import { readFileSync } from 'node:fs';
import { dataType, diffModelConfigs, exportProtostr, importProtostr, layer, parseProtostr, Topology } from '@oar/layers';
import { infer, initBackend, loadParameterTar, Parameters, Random, readParameterTar, SGD, writeParameterTar } from '@oar/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIGS } from './golden.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const bits = (values: Float32Array) => Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));

describe("a parameter archive written by Python's tarfile as Paddle's v2 API does", () => {
  // fixtures/make_paddle_v2_tar.py: GNU tar (a ././@LongLink name), hand-serialized ParameterConfigs.
  const tar = new Uint8Array(readFileSync(new URL('fixtures/paddle_v2_params.tar', import.meta.url)));
  const longName = `_${'very_long_layer_name_'.repeat(5)}@__recurrent_group_0__.w0`;

  it('reads every config and value', () => {
    const { configs, values } = readParameterTar(tar);
    expect([...configs.keys()]).toEqual(['___fc_layer_0__.w0', '___fc_layer_0__.wbias', longName]);
    expect(configs.get('___fc_layer_0__.w0')).toEqual({
      name: '___fc_layer_0__.w0', size: 6, dims: [3, 2], initial_mean: 0, initial_std: 0.5773502691896258, initial_strategy: 0, initial_smart: true,
    });
    expect(configs.get(longName)).toMatchObject({ size: 4, dims: [2, 2], learning_rate: 0.5 });
    expect(Array.from(values.get('___fc_layer_0__.w0')!)).toEqual([0.5, -1.25, 2, 0, Math.fround(1e-3), -7.5]);
    expect(Array.from(values.get(longName)!)).toEqual([1, 2, 3, 4]);
  });

  it("loads into the same network built with Oar's DSL, whose configs match the archive's", () => {
    const topology = Topology.fromOutputs(layer.fc({ input: layer.data({ name: 'x', type: dataType.denseVector(3) }), size: 2 }));
    const { configs } = readParameterTar(tar);
    for (const p of topology.parameters) expect(configs.get(p.name)).toEqual(p);
    const params = loadParameterTar(topology, tar);
    expect(Array.from(params.get('___fc_layer_0__.wbias'))).toEqual([0.25, -0.125]);
  });
});

/** Samples for a network's inputs, in `inputNames` order: dense vectors, ids, or sequences of them. */
function samples(topology: Topology, n: number, seed: number): unknown[][] {
  const random = new Random(seed);
  return Array.from({ length: n }, () => topology.inputNames.map((name) => {
    const l = topology.layer(name);
    const one = () => (l.data_type!.value === 'integer' ? Math.floor(random.uniform() * l.size) : Array.from({ length: l.size }, () => random.normal()));
    return l.data_type!.seq_level === 0 ? one() : Array.from({ length: 2 + Math.floor(random.uniform() * 4) }, one);
  }));
}

// A model trained in Oar, written as Paddle's protostr and v2 parameter tar, read back: the same parameters to
// the bit, and the same inference outputs.
describe("a trained Oar model through Paddle's formats and back", () => {
  it.each(['shared_fc', 'shared_lstm'])('%s', async (name) => {
    const topology = CONFIGS[name]!();
    const parameters = Parameters.create(topology, { seed: 5 });
    const train = samples(topology, 24, 1);
    const trainer = new SGD({ cost: topology, parameters, updateEquation: { type: 'adam', learningRate: 1e-2 } });
    const before = parameters.get(topology.parameters[0]!.name).slice();
    await trainer.train({ reader: () => [train.slice(0, 8), train.slice(8, 16), train.slice(16)], numPasses: 2 });
    expect(bits(parameters.get(topology.parameters[0]!.name))).not.toEqual(bits(before));

    const protostr = exportProtostr(topology.config);
    const tar = writeParameterTar(parameters);
    const imported = importProtostr(protostr).topology;
    expect(diffModelConfigs(parseProtostr(exportProtostr(imported.config)), parseProtostr(protostr))).toEqual([]);
    const loaded = loadParameterTar(imported, tar);
    for (const p of topology.parameters) expect(bits(loaded.get(p.name))).toEqual(bits(parameters.get(p.name)));

    const prediction = topology.layer(topology.outputNames[0]!).inputs[0]!.input_layer_name;
    const test = samples(topology, 6, 2);
    const feed = (t: Topology) => test.map((s) => t.inputNames.map((n) => s[topology.inputNames.indexOf(n)]));
    const [ours] = infer({ output: prediction, topology, parameters, input: test });
    const [theirs] = infer({ output: prediction, topology: imported, parameters: loaded, input: feed(imported) });
    expect(theirs!.rows).toBe(6);
    expect(Array.from(theirs!.data)).toEqual(Array.from(ours!.data));
  });
});
