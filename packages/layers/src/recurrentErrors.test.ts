import { describe, expect, it } from 'vitest';
import { ConfigError, dataType, layer, layerAttr, staticInput, Topology, type LayerOutput } from './index.js';

const seq = (n = 4, name = 's') => layer.data({ name, type: dataType.denseVectorSequence(n) });
const dense = (n = 3, name = 'x') => layer.data({ name, type: dataType.denseVector(n) });
const nested = () => layer.data({ name: 'n', type: dataType.denseVectorSubSequence(4) });
const group = (step: (...x: LayerOutput[]) => LayerOutput | LayerOutput[], input: Parameters<typeof layer.recurrentGroup>[0]['input'] = seq()) =>
  layer.recurrentGroup({ input, step } as Parameters<typeof layer.recurrentGroup>[0]);

function errorOf(call: () => unknown): Error {
  try {
    call();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

describe('misuse of recurrent groups is a ConfigError at the call site', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['memory whose layer the step lacks (names the memory and the layers there are)', () => group((x) => layer.fc({ input: [x, layer.memory({ name: 'rnn', size: 3 })], size: 3, name: 'rn' })),
      /^layer\.recurrentGroup: memory "rnn" \(size 3\) remembers the step layer named "rnn", but the step has no layer of that name; its layers are: fc_layer "rn" \(size 3\)$/],
    ['memory size differs from its layer', () => group((x) => layer.fc({ input: [x, layer.memory({ name: 'rnn', size: 4 })], size: 3, name: 'rnn' })),
      /^layer\.recurrentGroup: memory "rnn" \(size 4\) has size 4 but the layer it remembers, fc_layer "rnn" \(size 3\), has size 3; they must match$/],
    ['memory of a sequence layer without isSeq', () => group((x) => layer.fc({ input: [x, layer.memory({ name: 'h', size: 3 })], size: 3, name: 'h' }), nested()),
      /memory "h" \(size 3\) is one row per step \(not isSeq\) but the layer it remembers, fc_layer "h" \(size 3, sequence\), is a sequence; give the memory isSeq: true$/],
    ['memory without a name or setInput', () => group((x) => layer.fc({ input: [x, layer.memory({ size: 3 })], size: 3 })),
      /^layer\.recurrentGroup: a memory of size 3 has no name and no setInput\(\.\.\.\) layer; say which step layer it remembers$/],
    ['two memories of one layer', () => group((x) => layer.fc({ input: [x, layer.memory({ name: 'h', size: 3 }), layer.memory({ name: 'h', size: 3 })], size: 3, name: 'h' })),
      /two memories remember fc_layer "h" \(size 3\); make one memory and use it wherever it is needed/],
    ['memory of an ids layer without bootWithConstId, or the reverse', () => group((x) => layer.fc({ input: [x, layer.embedding({ input: layer.memory({ name: 'h', size: 3, bootWithConstId: 1 }), size: 2 })], size: 3, name: 'h' })),
      /memory "h" \(size 3\) and the layer it remembers, fc_layer "h" \(size 3\), must both hold ids \(bootWithConstId\) or both dense values/],
    ['group with no sequence input', () => layer.recurrentGroup({ input: [staticInput(seq())], step: (x) => layer.fc({ input: x, size: 2 }) }),
      /^layer\.recurrentGroup: input must include at least one sequence input to step over \(a layer not wrapped in staticInput\), got only static inputs$/],
    ['non-sequence input to step over', () => group((x) => x, [seq(), dense()]),
      /^layer\.recurrentGroup: input\[1\] must be a sequence to step over, got data "x" \(size 3\); give a non-sequence layer as staticInput\(\.\.\.\)$/],
    ['plain and nested sequence inputs together', () => group((x) => x, [seq(), nested()]),
      /sequence inputs must all be plain sequences or all nested sequences, got data "s" \(size 4, sequence\) and data "n" \(size 4, nested sequence\)/],
    ['empty input', () => group((x) => x, []), /^layer\.recurrentGroup: input must hold at least one sequence layer, got \[\]$/],
    ['input that is not a layer', () => group((x) => x, [seq(), 3 as never]), /^layer\.recurrentGroup: input\[1\] must be a layer or staticInput\(layer\), got 3$/],
    ['step that is not a function', () => layer.recurrentGroup({ input: seq(), step: 'rnn' as never }), /^layer\.recurrentGroup: step must be a function of the step's inputs, got "rnn"$/],
    ['step returning nothing', () => group((() => undefined) as never), /^layer\.recurrentGroup: step must return a layer or a non-empty list of layers, got undefined$/],
    ['step returning its input', () => group((x) => x), /^layer\.recurrentGroup: step output 0 is one of the step's inputs \(data "s" \(size 4\)\); return a layer computed in the step$/],
    ['step returning an outer layer', () => { const outer = layer.fc({ input: dense(), size: 2, name: 'outer' }); return group(() => outer); },
      /step output 0, fc_layer "outer" \(size 2\), is not computed from the step's inputs or memories/],
    ['step layer reading an outer layer', () => { const outer = dense(); return group((x) => layer.fc({ input: [x, outer], size: 2, name: 'h' })); },
      /^layer\.recurrentGroup: fc_layer "h" \(size 2\) in the step reads data "x" \(size 3\), which was made outside the step; give it to the group as an input or as staticInput\(\.\.\.\)$/],
    ['boot layer of the wrong size', () => layer.memory({ name: 'h', size: 3, bootLayer: dense(4) }),
      /^layer\.memory: bootLayer must have the memory's size 3 and be one row per sequence \(not a sequence\), got data "x" \(size 4\)$/],
    ['two boots', () => layer.memory({ name: 'h', size: 3, bootLayer: dense(), bootBias: true }), /^layer\.memory: give at most one of bootLayer, bootBias and bootWithConstId, got bootLayer and bootBias$/],
    ['memory size', () => layer.memory({ name: 'h', size: 0 }), /^layer\.memory: size must be a positive integer, got 0$/],
    ['setInput on a named memory', () => layer.memory({ name: 'h', size: 3 }).setInput(dense()), /^memory\.setInput: this memory already remembers the layer named "h"; give a memory either a name or setInput$/],
    ['staticInput isSeq that is wrong', () => staticInput(dense(), { isSeq: true }), /^staticInput: isSeq is true but the input is not a sequence: data "x" \(size 3\)$/],
    ['gruStep input not 3·size', () => layer.gruStep({ input: dense(10), outputMem: dense(3, 'h'), size: 3 }), /^layer\.gruStep: input must have 3·size = 9 columns \(\[x_z \| x_r \| x_c\]\), got data "x" \(size 10\)$/],
    ['gruStep input not a multiple of 3', () => layer.gruStep({ input: dense(10), outputMem: dense(3, 'h') }), /^layer\.gruStep: input size must be a multiple of 3 \(\[x_z \| x_r \| x_c\]\), got data "x" \(size 10\)$/],
    ['gruStep memory of another size', () => layer.gruStep({ input: dense(9), outputMem: dense(4, 'h') }), /^layer\.gruStep: outputMem must have the layer's size 3, got data "h" \(size 4\)$/],
    ['lstmStep input not 4·size', () => layer.lstmStep({ input: dense(9), state: dense(3, 'c') }), /^layer\.lstmStep: input must have 4·size = 12 columns \(\[x_a \| x_i \| x_f \| x_o\]\), got data "x" \(size 9\)$/],
    ['lstmStep state of another size', () => layer.lstmStep({ input: dense(12), state: dense(2, 'c'), size: 3 }), /^layer\.lstmStep: state must have the layer's size 3, got data "c" \(size 2\)$/],
    ['getOutput of an output that does not exist', () => layer.getOutput({ input: dense(), argName: 'state' }), /^layer\.getOutput: argName must name an output of data "x" \(size 3\), one of 'default'; got "state"$/],
    ['grumemory over a non-sequence', () => layer.grumemory({ input: dense(9) }), /^layer\.grumemory: input must be a plain sequence \(nested sequences go through layer\.recurrentGroup\), got data "x" \(size 9\)$/],
    ['grumemory size that disagrees', () => layer.grumemory({ input: seq(9), size: 4 }), /^layer\.grumemory: input must have 3·size = 12 columns/],
    ['lstmemory input not a multiple of 4', () => layer.lstmemory({ input: seq(10) }), /^layer\.lstmemory: input size must be a multiple of 4 \(\[x_a \| x_i \| x_f \| x_o\]\), got data "s" \(size 10, sequence\)$/],
    ['lstmemory with dropout', () => layer.lstmemory({ input: seq(8), layerAttr: layerAttr({ dropRate: 0.5 }) }), /^layer\.lstmemory: layerAttr\.dropRate is not supported by this layer \(nor by Paddle's\); add layer\.dropout after it, got dropRate 0\.5$/],
    ['recurrent over a nested sequence', () => layer.recurrent({ input: nested() }), /^layer\.recurrent: input must be a plain sequence/],
    ['pooling with dropout', () => layer.pooling({ input: seq(), layerAttr: layerAttr({ dropRate: 0.1 }) }), /^layer\.pooling: layerAttr\.dropRate is not supported/],
  ];
  it.each(cases)('%s', (_label, call, message) => {
    const error = errorOf(call);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
  });
});

describe('misuse found when the network is traced', () => {
  it('a memory used outside a step', () => {
    const m = layer.memory({ name: 'h', size: 3 });
    const error = errorOf(() => Topology.fromOutputs(layer.fc({ input: m, size: 2 })));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^layer\.memory: memory "h" \(size 3\) is used outside a recurrentGroup step; a memory reads a step layer's previous output and exists only inside a step/);
  });

  it('a step layer or memory used once its group is built, at that call', () => {
    let inner: LayerOutput | undefined;
    let memory: LayerOutput | undefined;
    group((x) => (inner = layer.fc({ input: [x, (memory = layer.memory({ name: 'h', size: 3 }))], size: 3, name: 'h' })));
    for (const leaked of [inner!, memory!]) {
      const error = errorOf(() => layer.fc({ input: leaked, size: 2 }));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/^layer\.recurrentGroup: (fc_layer|memory) "h" \(size 3\) belongs to the step of a recurrentGroup that has already returned; outside the step, use the group's output$/);
    }
  });

  it('a step layer reached from outside while the step is still being built', () => {
    let outside: LayerOutput | undefined;
    const out = layer.recurrentGroup({
      input: seq(),
      step: (x) => {
        const h = layer.fc({ input: [x, layer.memory({ name: 'h', size: 3 })], size: 3, name: 'h' });
        outside = layer.fc({ input: h, size: 2, name: 'leak' });
        return h;
      },
    });
    const error = errorOf(() => Topology.fromOutputs([out, outside!]));
    expect(error.message).toMatch(/^outputs: fc_layer "h" \(size 3\) is computed inside the step of a recurrentGroup and cannot be used outside it; use the group's output instead$/);
  });

  it('a step layer given to another group', () => {
    let inner: LayerOutput | undefined;
    group((x) => (inner = layer.fc({ input: [x, layer.memory({ name: 'h', size: 3 })], size: 3, name: 'h' })));
    const error = errorOf(() => group(() => inner!));
    expect(error.message).toMatch(/^layer\.recurrentGroup: fc_layer "h" \(size 3\) belongs to the step of another recurrentGroup; use that group's output instead$/);
  });

  it('setInput after the group is built', () => {
    const m = layer.memory({ size: 3 });
    group((x) => {
      const h = layer.fc({ input: [x, m], size: 3 });
      m.setInput(h);
      return h;
    });
    expect(errorOf(() => m.setInput(dense())).message).toMatch(/^memory\.setInput: the memory's layer is already set/);
  });
});
