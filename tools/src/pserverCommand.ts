import { ParameterServer, readAuthorizedKeys, readKeyPair, type SyncMode } from '@oar/pserver';
import { exitWithParent } from './exitWithParent.js';
import { UsageError } from './UsageError.js';

export interface PserverOptions {
  port: number;
  host: string;
  numTrainers: number;
  mode: SyncMode;
  laggedGradDiscardRatio: number;
  /** Seconds a trainer may be silent before the barrier goes on without it. */
  trainerTimeout: number;
  checkpointDir?: string;
  checkpointEverySteps?: number;
  checkpointEverySeconds?: number;
  /** This pserver's CURVE key pair (a file made by `oar keygen`), and the trainers' public keys. */
  curve?: string;
  authorizedKeys?: string;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** `oar pserver`: serves its shard of the parameters until SIGINT or SIGTERM, resuming from its checkpoints. */
export async function pserverCommand(opts: PserverOptions): Promise<void> {
  exitWithParent();
  if ((opts.curve === undefined) !== (opts.authorizedKeys === undefined)) {
    throw new UsageError('--curve KEYFILE and --authorized-keys FILE go together: the pserver\'s key pair and the trainers\' public keys it admits');
  }
  if (!opts.checkpointDir && (opts.checkpointEverySteps || opts.checkpointEverySeconds)) {
    throw new UsageError('--checkpoint-every-steps and --checkpoint-every-seconds need --checkpoint-dir DIR');
  }
  const curve = opts.curve ? { ...readKeyPair(opts.curve), authorizedKeys: readAuthorizedKeys(opts.authorizedKeys!) } : undefined;
  const server = await ParameterServer.listen(`tcp://${opts.host}:${opts.port}`, {
    numTrainers: opts.numTrainers, mode: opts.mode, laggedGradDiscardRatio: opts.laggedGradDiscardRatio,
    trainerTimeoutMs: opts.trainerTimeout * 1000,
    ...(opts.checkpointDir ? {
      checkpoint: {
        dir: opts.checkpointDir,
        ...(opts.checkpointEverySteps ? { everySteps: opts.checkpointEverySteps } : {}),
        ...(opts.checkpointEverySeconds ? { everySeconds: opts.checkpointEverySeconds } : {}),
      },
    } : {}),
    ...(curve ? { curve } : {}),
    log: (line) => log(`oar ${line}`),
  });
  const extras = [
    opts.checkpointDir ? `checkpoints in ${opts.checkpointDir}` : '',
    curve ? `CURVE, ${curve.authorizedKeys.length} authorised key(s)` : '',
  ].filter(Boolean);
  log(`oar pserver: listening on ${server.endpoint} (${opts.mode} SGD, ${opts.numTrainers} trainer(s), trainer timeout ${opts.trainerTimeout} s${extras.map((e) => `, ${e}`).join('')})`);
  const stop = async (signal: string) => {
    const s = server.stats();
    log(`oar pserver: ${signal}: stopping at step ${s.step} (${s.pushes} pushes, ${s.discarded} discarded, ${s.duplicates + s.stale} resent or stale, ${s.dropped} trainer drop(s), ${s.errors} bad messages)`);
    await server.close();
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await server.closed;
}
