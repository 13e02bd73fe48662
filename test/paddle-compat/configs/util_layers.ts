import { dataType, layer, Topology } from '@oar/layers';

/**
 * Paddle's `trainer_config_helpers/tests/configs/util_layers.py` in Oar's DSL: addto, concat of layers and
 * concat of projections (Paddle's `concat2`).
 */
export default function utilLayers(): Topology {
  const a = layer.data({ name: 'a', type: dataType.denseVector(10) });
  const b = layer.data({ name: 'b', type: dataType.denseVector(10) });
  return Topology.fromOutputs([
    layer.addto({ input: [a, b] }),
    layer.concat({ input: [a, b] }),
    layer.concat({ input: [layer.identityProjection({ input: a }), layer.identityProjection({ input: b })] }),
  ]);
}
