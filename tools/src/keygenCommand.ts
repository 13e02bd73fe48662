import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeKeyPair } from '@oar/pserver';
import { UsageError } from './UsageError.js';

/**
 * `oar keygen --out PREFIX`: a new CURVE key pair as PREFIX.key (secret, mode 0600) and PREFIX.pub (public), in
 * ZeroMQ's certificate text format. A pserver takes its .key with `--curve` and the trainers' .pub files
 * (concatenated) with `--authorized-keys`; a trainer takes its .key with `--curve` and the pserver's .pub with
 * `--server-key`.
 */
export function keygenCommand(opts: { out: string }): void {
  mkdirSync(dirname(opts.out), { recursive: true });
  let pair;
  try {
    pair = writeKeyPair(opts.out);
  } catch (e) {
    if ((e as { code?: string }).code === 'EEXIST') throw new UsageError(`--out ${opts.out}: ${opts.out}.key or ${opts.out}.pub exists already; keygen does not overwrite keys`);
    throw e;
  }
  process.stderr.write(`oar keygen: secret key in ${pair.files[0]} (keep it private), public key in ${pair.files[1]}\n`);
  process.stdout.write(`${pair.publicKey}\n`);
}
