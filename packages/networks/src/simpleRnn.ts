import { layer, type Activation, type BiasAttr, type LayerAttr, type LayerOutput } from '@oar/layers';
import { inner, positiveInt } from './check.js';
import { checkOptions, helperScope, sequenceArg } from './recurrentArgs.js';

export interface SimpleRnnArgs {
  /** A sequence of dense rows. */
  input: LayerOutput;
  /** Size of the state x_t. */
  size: number;
  /** Name of the step's mixed layer (and of its memory); the group is `${name}_recurrent_group`. */
  name?: string;
  reverse?: boolean;
  /** The bias b; default none (the tutorial's mixed layer has none unless given). */
  rnnBiasAttr?: BiasAttr;
  /** Default linear (the tutorial passes its act through to the mixed layer). */
  act?: Activation;
  rnnLayerAttr?: LayerAttr;
}

/**
 * The vanilla RNN of Paddle's "RNN Configuration" tutorial, as a recurrent group: each step is a mixed layer
 * `x_{t+1} = act(W_i I_t + W_x x_t + b)` of two full-matrix projections, the input row and a memory of itself.
 * Layers: `${name}_recurrent_group`, and `name` inside it (with its memory `${name}+delay1`) and outside.
 * @paddle simple_rnn (the seed tutorial's, built on paddle.layer.recurrent_group and paddle.layer.memory)
 * @example
 * const rnn = networks.simpleRnn({ input: emb, size: 128, act: 'tanh', rnnBiasAttr: true });
 */
export function simpleRnn(args: SimpleRnnArgs): LayerOutput {
  const where = 'networks.simpleRnn';
  checkOptions(where, args, ['input', 'size', 'name', 'reverse', 'rnnBiasAttr', 'act', 'rnnLayerAttr'], {
    acts: ['act'], biases: ['rnnBiasAttr'], layerAttrs: ['rnnLayerAttr'], bools: ['reverse'],
  });
  const input = sequenceArg(where, 'input', args.input);
  const size = positiveInt(where, 'size', args.size);
  const scope = helperScope(where, 'simple_rnn', args.name);
  return layer.recurrentGroup({
    name: scope.sub('_recurrent_group'), input, reverse: args.reverse ?? false,
    step: (ipt) => {
      const outMem = layer.memory({ name: scope.sub(), size });
      return inner(where, 'step', () => layer.mixed({
        name: scope.sub(), size, act: args.act, biasAttr: args.rnnBiasAttr, layerAttr: args.rnnLayerAttr,
        input: [layer.fullMatrixProjection({ input: ipt }), layer.fullMatrixProjection({ input: outMem })],
      }));
    },
  });
}
