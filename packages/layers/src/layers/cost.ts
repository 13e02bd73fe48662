import type { LayerName } from '../NameScope.js';
import { finiteNumber, knownKeys, optionalName, bool } from '../check.js';
import { ConfigError } from '../errors.js';
import { asLayer, denseInput, idsInput } from '../inputs.js';
import { LayerOutput } from '../LayerOutput.js';

interface CostArgs {
  input: LayerOutput;
  label: LayerOutput;
  name?: LayerName;
  /** Weight of this cost in the total. */
  coeff?: number;
}

function costLayer(where: string, type: string, input: LayerOutput, label: LayerOutput, args: CostArgs, evaluator: boolean): LayerOutput {
  if (input.seqLevel !== label.seqLevel) {
    throw new ConfigError(`${where}: input and label must have the same sequence level, got ${input.describe()} and ${label.describe()}`);
  }
  const coeff = args.coeff === undefined ? 1 : finiteNumber(where, 'coeff', args.coeff);
  const name = optionalName(where, args.name);
  return new LayerOutput({
    prefix: 'cost', ...(name ? { name } : {}), size: 1, seqLevel: 0, inputs: [input, label],
    emit: (ctx) => {
      const names = [ctx.nameOf(input), ctx.nameOf(label)];
      if (evaluator) ctx.evaluator('classification_error', names);
      return { type, size: 1, active_type: '', inputs: names.map((n) => ({ input_layer_name: n })), coeff };
    },
  });
}

function classificationInputs(where: string, args: CostArgs) {
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  const label = idsInput(where, 'label', asLayer(where, 'label', args.label));
  if (label.size !== input.size) {
    throw new ConfigError(`${where}: label range (${label.size}) must equal the input size (${input.size}), one probability per class`);
  }
  if (input.activation !== 'softmax' && input.activation !== 'sequence_softmax') {
    throw new ConfigError(`${where}: input must end in a softmax activation (probabilities), got ${input.describe()} with act '${input.activation || 'linear'}'`);
  }
  return { input, label };
}

/**
 * Multi-class cross-entropy over softmax outputs, with a classification-error evaluator.
 * @paddle paddle.layer.classification_cost
 * @example
 * const cost = layer.classificationCost({ input: prediction, label });
 */
export function classificationCost(args: CostArgs & { evaluator?: boolean }): LayerOutput {
  const where = 'layer.classificationCost';
  knownKeys(where, args, ['input', 'label', 'name', 'coeff', 'evaluator']);
  const { input, label } = classificationInputs(where, args);
  return costLayer(where, 'multi-class-cross-entropy', input, label, args, bool(where, 'evaluator', args.evaluator, true));
}

/**
 * Multi-class cross-entropy `−log p[label]` over softmax outputs (no evaluator).
 * @paddle paddle.layer.cross_entropy_cost
 * @example
 * const cost = layer.crossEntropyCost({ input: prediction, label });
 */
export function crossEntropyCost(args: CostArgs): LayerOutput {
  const where = 'layer.crossEntropyCost';
  knownKeys(where, args, ['input', 'label', 'name', 'coeff']);
  const { input, label } = classificationInputs(where, args);
  return costLayer(where, 'multi-class-cross-entropy', input, label, args, false);
}

/**
 * Sum of squared differences per sample: `Σ_j (input_j − label_j)²`.
 * @paddle paddle.layer.square_error_cost (regression_cost, mse_cost)
 * @example
 * const cost = layer.squareErrorCost({ input: prediction, label: target });
 */
export function squareErrorCost(args: CostArgs): LayerOutput {
  const where = 'layer.squareErrorCost';
  knownKeys(where, args, ['input', 'label', 'name', 'coeff']);
  const input = denseInput(where, 'input', asLayer(where, 'input', args.input));
  const label = denseInput(where, 'label', asLayer(where, 'label', args.label));
  if (label.size !== input.size) {
    throw new ConfigError(`${where}: label size must equal the input size ${input.size}, got ${label.describe()}`);
  }
  return costLayer(where, 'square_error', input, label, args, false);
}
