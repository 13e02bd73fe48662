import { readdirSync, readFileSync } from 'node:fs';
import { parseProtostr, type ProtoMessage, type Topology } from '@oar/layers';
import imgLayers from './configs/img_layers.js';
import layerActivations from './configs/layer_activations.js';
import mathOps from './configs/math_ops.js';
import sharedFc from './configs/shared_fc.js';
import sharedLstm from './configs/shared_lstm.js';
import simpleRnnLayers from './configs/simple_rnn_layers.js';
import testFc from './configs/test_fc.js';
import testGrumemoryLayer from './configs/test_grumemory_layer.js';
import testRnnGroup from './configs/test_rnn_group.js';
import testSeqConcat from './configs/test_seq_concat.js';
import testSequencePooling from './configs/test_sequence_pooling.js';
import utilLayers from './configs/util_layers.js';

/** Paddle's golden dumps (a copy of ../shared/paddle-golden kept with the layers package). */
export const GOLDEN_DIR = new URL('../../packages/layers/fixtures/paddle-golden/', import.meta.url);

export const goldenNames = (): string[] =>
  readdirSync(GOLDEN_DIR).filter((n) => n.endsWith('.protostr')).map((n) => n.replace(/\.protostr$/, '')).sort();

export const goldenText = (name: string): string => readFileSync(new URL(`${name}.protostr`, GOLDEN_DIR), 'utf8');
export const golden = (name: string): ProtoMessage => parseProtostr(goldenText(name));

/** The golden networks Oar builds, each with its Oar configuration (configs/NAME.ts). */
export const CONFIGS: Record<string, () => Topology> = {
  img_layers: imgLayers,
  layer_activations: layerActivations,
  math_ops: mathOps,
  shared_fc: sharedFc,
  shared_lstm: sharedLstm,
  simple_rnn_layers: simpleRnnLayers,
  test_fc: testFc,
  test_grumemory_layer: testGrumemoryLayer,
  test_rnn_group: testRnnGroup,
  test_seq_concat: testSeqConcat,
  test_sequence_pooling: testSequencePooling,
  util_layers: utilLayers,
};

/**
 * The golden networks Oar cannot build, with what the importer says about each (the first thing it meets that
 * Oar lacks); docs/PADDLE_COMPAT.md lists every missing part.
 */
export const UNSUPPORTED: Record<string, RegExp> = {
  last_first_seq: /layer "__first_seq_2__" \(seqlastins\): layer\.firstSeq: stride needs a plain sequence and aggLevel 'toNoSequence' \(as in Paddle\), got data "data" \(size 30, nested sequence\)/,
  projections: /layer "__mixed_1__" \(mixed\): layer\.tableProjection: input must be integer ids/,
  test_expand_layer: /layer "__expand_layer_1__" \(expand\): layer\.expand: expandLevel 'fromNoSequence' needs a non-sequence input/,
};
