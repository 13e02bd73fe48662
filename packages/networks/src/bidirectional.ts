import { layer, type Activation, type LayerAttr, type LayerOutput, type NameScope } from '@oar/layers';
import { inner } from './check.js';

/** The options a bidirectional helper passes to its forward (`fwd…`) or backward (`bwd…`) half. */
export function directionOptions<T extends object>(args: object, direction: 'fwd' | 'bwd', options: readonly (keyof T & string)[]): Partial<T> {
  const picked: Record<string, unknown> = {};
  for (const option of options) {
    const value = (args as Record<string, unknown>)[prefixed(direction, option)];
    if (value !== undefined) picked[option] = value;
  }
  return picked as Partial<T>;
}

/** Both directions' names of some options: `act` → `fwdAct`, `bwdAct`. */
export function bothDirections(options: readonly string[]): string[] {
  return (['fwd', 'bwd'] as const).flatMap((d) => options.map((o) => prefixed(d, o)));
}

/** `act` → `fwdAct`: Paddle's `fwd_act`. */
export function prefixed(direction: 'fwd' | 'bwd', option: string): string {
  return `${direction}${option[0]!.toUpperCase()}${option.slice(1)}`;
}

export interface JoinArgs {
  returnSeq?: boolean;
  lastSeqAttr?: LayerAttr;
  firstSeqAttr?: LayerAttr;
  concatAttr?: LayerAttr;
  concatAct?: Activation;
}

export const JOIN_KEYS = ['returnSeq', 'lastSeqAttr', 'firstSeqAttr', 'concatAttr', 'concatAct'];
export const JOIN_KINDS = { acts: ['concatAct'], layerAttrs: ['concatAttr'], noDropAttrs: ['lastSeqAttr', 'firstSeqAttr'], bools: ['returnSeq'] };

/**
 * Joins the two directions: the whole sequences side by side (`returnSeq`), or the forward half's last row
 * (`${name}_fw_last`) beside the backward half's first row (`${name}_bw_last`), in a concat named `name`.
 */
export function joinDirections(where: string, scope: NameScope, fw: LayerOutput, bw: LayerOutput, args: JoinArgs): LayerOutput {
  const parts = args.returnSeq
    ? [fw, bw]
    : [
      inner(where, 'last_seq', () => layer.lastSeq({ name: scope.sub('_fw_last'), input: fw, layerAttr: args.lastSeqAttr })),
      inner(where, 'first_seq', () => layer.firstSeq({ name: scope.sub('_bw_last'), input: bw, layerAttr: args.firstSeqAttr })),
    ];
  return inner(where, 'concat', () => layer.concat({ name: scope.sub(), input: parts, layerAttr: args.concatAttr, act: args.concatAct }));
}
