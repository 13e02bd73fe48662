import { ParameterServer, type SyncMode } from '@oar/pserver';
import { exitWithParent } from './exitWithParent.js';

export interface PserverOptions {
  port: number;
  host: string;
  numTrainers: number;
  mode: SyncMode;
  laggedGradDiscardRatio: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** `oar pserver`: serves its shard of the parameters until SIGINT or SIGTERM. */
export async function pserverCommand(opts: PserverOptions): Promise<void> {
  exitWithParent();
  const server = await ParameterServer.listen(`tcp://${opts.host}:${opts.port}`, {
    numTrainers: opts.numTrainers, mode: opts.mode, laggedGradDiscardRatio: opts.laggedGradDiscardRatio,
    log: (line) => log(`oar ${line}`),
  });
  log(`oar pserver: listening on ${server.endpoint} (${opts.mode} SGD, ${opts.numTrainers} trainer(s))`);
  const stop = async (signal: string) => {
    const s = server.stats();
    log(`oar pserver: ${signal}: stopping at step ${s.step} (${s.pushes} pushes, ${s.discarded} discarded, ${s.errors} bad messages)`);
    await server.close();
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await server.closed;
}
