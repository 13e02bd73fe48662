import { describe, expect, it } from 'vitest';
import { FormatError } from '../errors.js';
import { dataType, layer, paramAttr, Topology, type DataTypeName } from '../index.js';
import { layerCatalog } from '../testing/catalog.js';
import { diffModelConfigs } from './diffModelConfigs.js';
import { importProtostr } from './importProtostr.js';
import { parseProtostr } from './protostr.js';
import { exportProtostr } from './toModelConfig.js';

const catalog = layerCatalog();

function dataTypesOf(topology: Topology): Record<string, DataTypeName> {
  return Object.fromEntries(topology.layers.filter((l) => l.type === 'data').map((l) => {
    const kind = l.data_type!.value === 'dense' ? 'dense_vector' : 'integer_value';
    return [l.name, `${kind}${['', '_sequence', '_sub_sequence'][l.data_type!.seq_level]}` as DataTypeName];
  }));
}

// Networks whose protostr does not show that an integer input is a sequence: nothing reads it as one.
const NOT_SHOWN = new Set(['embedding', 'tableProjection']);

describe('importProtostr: every layer of the DSL through Paddle’s protostr and back', () => {
  it.each(Object.keys(catalog))('%s: the same topology, given the data types', (name) => {
    const topology = Topology.fromOutputs(catalog[name]!());
    const imported = importProtostr(exportProtostr(topology.config), { dataTypes: dataTypesOf(topology) });
    expect(imported.topology.config).toEqual(topology.config);
  });

  it.each(Object.keys(catalog))('%s: the data types inferred from the network', (name) => {
    const topology = Topology.fromOutputs(catalog[name]!());
    const text = exportProtostr(topology.config);
    const imported = importProtostr(text);
    if (NOT_SHOWN.has(name)) expect(imported.dataTypes).toEqual({ w: 'integer_value' });
    else expect(imported.dataTypes).toEqual(dataTypesOf(topology));
    expect(diffModelConfigs(parseProtostr(exportProtostr(imported.topology.config)), parseProtostr(text))).toEqual([]);
  });

  it('keeps layers no output reads as extra layers, out of the inputs', () => {
    const x = layer.data({ name: 'x', type: dataType.denseVector(3) });
    const unused = layer.data({ name: 'unused', type: dataType.denseVector(2) });
    const topology = Topology.fromOutputs(layer.fc({ input: x, size: 2 }), { extraLayers: [unused] });
    expect(topology.inputNames).toEqual(['x']);
    const imported = importProtostr(exportProtostr(topology.config));
    expect(imported.topology.config).toEqual(topology.config);
    expect(imported.extraLayers.map((l) => l.name)).toEqual(['unused', 'x', '__fc_layer_0__']);
  });
});

describe('importProtostr: what Oar cannot rebuild is a clear error', () => {
  const fcText = () => exportProtostr(Topology.fromOutputs(layer.fc({ input: layer.data({ name: 'x', type: dataType.denseVector(4) }), size: 2 })).config);

  it('names a layer whose type Oar does not support', () => {
    const text = fcText().replace('type: "fc"', 'type: "crf"');
    expect(() => importProtostr(text)).toThrow(/layer "__fc_layer_0__" has type "crf", which Oar does not support; Oar imports data, fc, mixed/);
  });

  it('names a projection, an operator or an activation Oar does not support', () => {
    const mixed = Topology.fromOutputs(layer.mixed({ size: 2, input: layer.fullMatrixProjection({ input: layer.data({ name: 'x', type: dataType.denseVector(4) }) }) }));
    const text = exportProtostr(mixed.config);
    expect(() => importProtostr(text.replace('type: "fc"', 'type: "convt"'))).toThrow(/layer "__mixed_0__" \(mixed\) uses projection type "convt" \(input 0\), which Oar does not support/);
    expect(() => importProtostr(fcText().replace('active_type: "tanh"', 'active_type: "swish"'))).toThrow(/active_type is "swish", an activation Oar does not support/);
  });

  it('lists every field Oar would not give back', () => {
    const text = fcText().replace('active_type: "tanh"', 'active_type: "tanh"\n  error_clipping_threshold: 3.0\n  norm_by_times: true');
    expect(() => importProtostr(text)).toThrow(
      /Oar rebuilds this network differently from the file \(2 differences\): layer __fc_layer_0__\.error_clipping_threshold: Oar \(default 0\), the file 3; layer __fc_layer_0__\.norm_by_times: Oar \(default false\), the file true/,
    );
    const smart = fcText().replace('initial_std: 0.5', 'initial_std: 0.3');
    expect(() => importProtostr(smart)).toThrow(/parameter ___fc_layer_0__\.w0\.initial_std: Oar 0\.5, the file 0\.3/);
  });

  it('passes the DSL’s own errors on, with the layer they come from', () => {
    const seq = layer.data({ name: 's', type: dataType.denseVectorSequence(4) });
    const text = exportProtostr(Topology.fromOutputs(layer.lastSeq({ input: layer.fc({ input: seq, size: 2 }) })).config);
    expect(() => importProtostr(text, { dataTypes: { s: 'dense_vector' } })).toThrow(/layer "__last_seq_0__" \(seqlastins\): layer\.lastSeq: input must be a sequence/);
    expect(() => importProtostr(text, { dataTypes: { t: 'dense_vector' } })).toThrow(/data types: "t" is not a data layer of the model; its data layers are s/);
    expect(() => importProtostr(text, { dataTypes: { s: 'dense' as DataTypeName } })).toThrow(/data type must be one of dense_vector, integer_value/);
  });

  it('refuses generating groups and shared parameter names Oar cannot write', () => {
    const group = exportProtostr(Topology.fromOutputs(catalog.recurrentGroup!()).config);
    const generating = group.replace('is_recurrent_layer_group: true', 'is_recurrent_layer_group: true\n  generator { max_num_frames: 5 eos_layer_name: "eos" }');
    expect(() => importProtostr(generating)).toThrow(/recurrent group "__recurrent_group_0__" generates \(beam search\); Oar does not import generating groups/);
    const text = fcText().replace('___fc_layer_0__.w0', 'w@shared').replace('___fc_layer_0__.w0', 'w@shared');
    expect(() => importProtostr(text)).toThrow(FormatError);
    expect(() => importProtostr(text)).toThrow(/parameter "w@shared": paramAttr: name must be a non-empty string without spaces or '@'/);
  });
});

describe('importProtostr: parameters', () => {
  it('gives back uniform, normal and smart initialisation and per-parameter settings', () => {
    const x = layer.data({ name: 'x', type: dataType.denseVector(4) });
    const attrs = [
      paramAttr({ name: 'uniform', initialMin: -0.3, initialMax: 0.7, learningRate: 0.5 }),
      paramAttr({ initialMean: 0.1, initialStd: 0.2, momentum: 0.9, l2Rate: 1e-4, gradientClippingThreshold: 5 }),
    ];
    const topology = Topology.fromOutputs(layer.fc({ input: [x, x], size: 3, paramAttr: attrs, biasAttr: paramAttr({ isStatic: true, initialMean: 1 }) }));
    const imported = importProtostr(exportProtostr(topology.config));
    expect(imported.topology.parameters).toEqual(topology.parameters);
    expect(imported.topology.parameters.map((p) => p.name)).toEqual(['uniform', '___fc_layer_0__.w1', '___fc_layer_0__.wbias']);
  });
});
