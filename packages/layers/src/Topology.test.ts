import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, dataType, FormatError, layer, paramAttr, Topology, TOPOLOGY_VERSION, traceTopology } from './index.js';
import { layerCatalog } from './testing/catalog.js';

describe('saved format', () => {
  const catalog = layerCatalog();
  it.each(Object.keys(catalog))('%s survives a JSON round trip unchanged', (name) => {
    const topology = Topology.fromOutputs(catalog[name]!());
    const text = topology.serialize();
    const back = Topology.fromJSON(text);
    expect(back.config).toEqual(topology.config);
    expect(back.serialize()).toBe(text);
    expect(JSON.parse(text).version).toBe(TOPOLOGY_VERSION);
  });

  it('uses snake_case keys and Paddle type strings', () => {
    const config = Topology.fromOutputs(catalog.embedding!()).config;
    const keys = JSON.stringify(config).match(/"([a-zA-Z_]+)":/g)!;
    for (const key of keys) expect(key).not.toMatch(/[A-Z]/);
    expect(config.layers.map((l) => l.type)).toEqual(['data', 'mixed']);
    expect(config.layers[1]!.inputs[0]!.proj_conf!.type).toBe('table');
    expect(config.parameters[0]).toMatchObject({ name: '___embedding_0__.w0', dims: [20, 5], sparse_update: true });
  });

  it('rejects other versions, other formats and dangling references', () => {
    const config = Topology.fromOutputs(catalog.fc!()).config;
    expect(() => Topology.fromJSON({ ...config, version: 99 })).toThrow(/version 99 is not supported; this Oar reads version 1/);
    expect(() => Topology.fromJSON({ ...config, format: 'keras' })).toThrow(/format must be "oar-topology", got "keras"/);
    expect(() => Topology.fromJSON('{not json')).toThrow(FormatError);
    const dangling = structuredClone(config);
    dangling.layers[1]!.inputs[0]!.input_layer_name = 'ghost';
    expect(() => Topology.fromJSON(dangling)).toThrow(/reads "ghost", which is not defined before it/);
    const noParam = structuredClone(config);
    noParam.parameters = [];
    expect(() => Topology.fromJSON(noParam)).toThrow(/uses parameter "___fc_layer_0__.w0", which is not in parameters/);
  });

  it('lists the inputs in the order a trace of the outputs meets them, whatever order the extra layers come in', () => {
    const a = layer.data({ name: 'a', type: dataType.denseVector(1) });
    const b = layer.data({ name: 'b', type: dataType.denseVector(3) });
    const out = layer.scaling({ input: b, weight: a });
    expect(Topology.fromOutputs(out).inputNames).toEqual(['a', 'b']);
    const withExtras = Topology.fromOutputs(out, { extraLayers: [b, a, out] });
    expect(withExtras.layers.map((l) => l.name)).toEqual(['b', 'a', '__scaling_layer_0__']);
    expect(withExtras.inputNames).toEqual(['a', 'b']);
  });

  it('lists every activation under its Paddle name', () => {
    const x = layer.data({ name: 'x', type: dataType.denseVector(3) });
    for (const [act, paddle] of Object.entries(ACTIVATIONS)) {
      const config = traceTopology(layer.fc({ input: x, size: 2, act: act as keyof typeof ACTIVATIONS }));
      expect(config.layers[1]!.active_type).toBe(paddle);
    }
  });
});

describe('trace', () => {
  it('names layers Paddle-style in depth-first order, with counters owned by each trace', () => {
    const x = layer.data({ name: 'x', type: dataType.denseVector(4) });
    const h1 = layer.fc({ input: x, size: 3 });
    const h2 = layer.fc({ input: h1, size: 3 });
    const out = layer.mixed({ input: layer.fullMatrixProjection({ input: h2 }), size: 2 });
    const a = traceTopology(out);
    const b = traceTopology(out);
    expect(a.layers.map((l) => l.name)).toEqual(['x', '__fc_layer_0__', '__fc_layer_1__', '__mixed_0__']);
    expect(b).toEqual(a);
    expect(a.parameters.map((p) => p.name)).toEqual(['___fc_layer_0__.w0', '___fc_layer_0__.wbias', '___fc_layer_1__.w0', '___fc_layer_1__.wbias', '___mixed_0__.w0']);
  });

  it('keeps only what the outputs need; shared layers appear once', () => {
    const x = layer.data({ name: 'x', type: dataType.denseVector(4) });
    layer.fc({ input: x, size: 7, name: 'unused' });
    const h = layer.fc({ input: x, size: 3, name: 'h' });
    const config = traceTopology([layer.addto({ input: [h, h] }), h]);
    expect(config.layers.map((l) => l.name)).toEqual(['x', 'h', '__addto_0__']);
    expect(config.output_layer_names).toEqual(['__addto_0__', 'h']);
  });

  it('uses Paddle default initialisation: smart std for weights, zero for biases', () => {
    const x = layer.data({ name: 'x', type: dataType.denseVector(16) });
    const config = traceTopology(layer.fc({ input: x, size: 3 }));
    expect(config.parameters[0]).toMatchObject({ dims: [16, 3], initial_std: 0.25, initial_smart: true, initial_strategy: 0 });
    expect(config.parameters[1]).toMatchObject({ dims: [1, 3], initial_std: 0, initial_smart: false });
  });

  it('records per-parameter attributes', () => {
    const x = layer.data({ name: 'x', type: dataType.denseVector(4) });
    const attr = paramAttr({ name: 'w', initialStd: 0.5, learningRate: 0.1, l2Rate: 1e-3, momentum: 0.8, isStatic: true });
    const config = traceTopology(layer.fc({ input: x, size: 2, paramAttr: attr }));
    expect(config.parameters[0]).toEqual({
      name: 'w', size: 8, dims: [4, 2], initial_mean: 0, initial_std: 0.5, initial_strategy: 0, initial_smart: false,
      learning_rate: 0.1, momentum: 0.8, decay_rate: 1e-3, is_static: true,
    });
  });

  it('records the classification evaluator next to the cost', () => {
    const config = Topology.fromOutputs(layerCatalog().classificationCost!()).config;
    expect(config.evaluators).toEqual([{ name: 'classification_error_evaluator', type: 'classification_error', input_layers: ['__fc_layer_0__', 'label'] }]);
    expect(config.sub_models[0]!.evaluator_names).toEqual(['classification_error_evaluator']);
  });

  it('sizes image layers like Paddle: conv floors, pool ceils', () => {
    const img = layer.data({ name: 'img', type: dataType.denseVector(3 * 13 * 13), height: 13, width: 13 });
    const conv = layer.imgConv({ input: img, filterSize: 4, numFilters: 2, stride: 2 });
    expect(conv.image).toEqual({ channels: 2, height: 5, width: 5 });
    const pool = layer.imgPool({ input: img, poolSize: 2, stride: 2 });
    expect(pool.image).toEqual({ channels: 3, height: 7, width: 7 });
    expect(pool.size).toBe(3 * 7 * 7);
  });
});
