import { dataType, layer, mixedLayer, Topology, type Activation, type LayerOutput } from '@oar/layers';

/** Paddle's `layer_math.exp(x)` and the like: a mixed layer of one identity projection, named after the function. */
const math = (act: Activation, prefix: string) => (input: LayerOutput) =>
  mixedLayer(`layer_math.${prefix}`, prefix, { input: layer.identityProjection({ input }), act });

/** Paddle's `x + y` of two layers of one size. */
const add = (x: LayerOutput, y: LayerOutput) => layer.mixed({ input: [layer.identityProjection({ input: x }), layer.identityProjection({ input: y })] });

/** Paddle's `-x`. */
const neg = (x: LayerOutput) => layer.slopeIntercept({ input: x, slope: -1 });

/**
 * Paddle's `trainer_config_helpers/tests/configs/math_ops.py` in Oar's DSL: Paddle's operators on layers spelled
 * out (`x + 1`, `1 - x`, `2 * x` are slope-intercept layers, `y * z` of a size-1 `z` a scaling layer, `y + z` a
 * repeat of `z` added). Paddle's `y - 2` gives intercept +2 (a bug of its `layer_math`); the dump is followed.
 */
export default function mathOps(): Topology {
  let x: LayerOutput = layer.data({ name: 'data', type: dataType.denseVector(100) });
  const fns: [Activation, string][] = [
    ['exp', 'exp'], ['sqrt', 'sqrt'], ['reciprocal', 'reciprocal'], ['log', 'log'], ['abs', 'abs'], ['sigmoid', 'sigmoid'],
    ['tanh', 'tanh'], ['square', 'square'], ['relu', 'relu'],
  ];
  for (const [act, prefix] of fns) x = math(act, prefix)(x);
  let y = layer.slopeIntercept({ input: x, intercept: 1 }); // 1 + x
  y = layer.slopeIntercept({ input: y, intercept: 1 }); // y + 1
  y = add(x, y); // x + y
  y = add(y, neg(x)); // y - x
  y = layer.slopeIntercept({ input: y, intercept: 2 }); // y - 2, as Paddle wrote it
  y = layer.slopeIntercept({ input: neg(y), intercept: 2 }); // 2 - y
  y = layer.slopeIntercept({ input: y, slope: 2 }); // 2 * y
  y = layer.slopeIntercept({ input: y, slope: 3 }); // y * 3
  const z = layer.data({ name: 'data_2', type: dataType.denseVector(1) });
  y = layer.scaling({ input: y, weight: z }); // y * z
  y = layer.scaling({ input: y, weight: z }); // z * y
  y = add(y, layer.repeat({ input: z, numRepeats: 100 })); // y + z
  y = add(y, layer.repeat({ input: z, numRepeats: 100 })); // z + y
  return Topology.fromOutputs(y);
}
