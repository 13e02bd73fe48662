/** Metrics of evaluators, by name: `classification_error` is the fraction of wrong predictions. */
export type Metrics = Record<string, number>;

/**
 * Events a trainer sends to the user's handler, as Paddle's `paddle.event.*`.
 * @paddle paddle.event.BeginPass / EndIteration / EndPass / TestResult
 */
export type TrainerEvent =
  | { kind: 'BeginPass'; pass: number }
  | { kind: 'BeginIteration'; pass: number; batch: number }
  | { kind: 'EndIteration'; pass: number; batch: number; cost: number; samples: number; metrics: Metrics }
  | {
    kind: 'EndPass'; pass: number; cost: number; metrics: Metrics;
    /** Wall time of the pass's batches, and the part of it spent waiting for the reader's next batch. */
    seconds: number; dataWaitSeconds: number;
  }
  | { kind: 'TestResult'; pass: number; cost: number; metrics: Metrics };

export type EventHandler = (event: TrainerEvent) => void | Promise<void>;

/** Evaluator counts summed over batches, reported as rates under the evaluator's type name. */
export class MetricAccumulator {
  readonly #counts = new Map<string, { errors: number; total: number }>();
  #cost = 0;
  #samples = 0;

  add(cost: number, samples: number, evaluators: Record<string, { errors: number; total: number }>): void {
    this.#cost += cost * samples;
    this.#samples += samples;
    for (const [name, { errors, total }] of Object.entries(evaluators)) {
      const c = this.#counts.get(name) ?? { errors: 0, total: 0 };
      c.errors += errors;
      c.total += total;
      this.#counts.set(name, c);
    }
  }

  get cost(): number {
    return this.#samples ? this.#cost / this.#samples : NaN;
  }

  metrics(): Metrics {
    const out: Metrics = {};
    for (const [name, { errors, total }] of this.#counts) out[metricName(name)] = total ? errors / total : NaN;
    return out;
  }
}

/** `classification_error_evaluator` reports as `classification_error` (and `_1` ... for further ones). */
function metricName(evaluator: string): string {
  return evaluator.replace(/_evaluator(_\d+)?$/, (_m, n: string | undefined) => n ?? '');
}
