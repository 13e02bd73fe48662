import { Command, InvalidArgumentError, Option } from 'commander';
import { readKeyPair, readPublicKey, type SyncMode } from '@oar/pserver';
import { backendNames, type BackendName } from '@oar/worker';
import { generateCommand } from './generateCommand.js';
import { inferCommand } from './inferCommand.js';
import { averageCommand } from './averageCommand.js';
import { evaluateCommand } from './evaluateCommand.js';
import { exitWithParent } from './exitWithParent.js';
import { exportPaddleCommand } from './exportPaddleCommand.js';
import { keygenCommand } from './keygenCommand.js';
import { importPaddleCommand } from './importPaddleCommand.js';
import { launchCommand, parseGpus } from './launchCommand.js';
import { pserverCommand } from './pserverCommand.js';
import { defaultSaveDir, trainCommand, type TrainOptions } from './trainCommand.js';
import { UsageError } from './UsageError.js';

const positiveInt = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
};
const positiveNumber = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
};
const anyInt = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} must be an integer, got ${JSON.stringify(value)}`);
  return n;
};
const backendOption = () => new Option('--backend <name>', 'force a compute backend').choices(backendNames as string[]);

const program = new Command('oar')
  .description('Oar: PaddlePaddle-style training for Node (layer DSL, tfjs workers, ZeroMQ parameter servers)')
  .showHelpAfterError();

/** The training flags `oar train`, `oar worker` and `oar launch` share. */
function trainingFlags(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'config module (default examples/spam/config.ts)')
    .option('--num-passes <n>', 'passes over the training data', positiveInt('--num-passes'), 1)
    .option('--batch-size <n>', 'samples per batch, per trainer (default: the config\'s, else 64)', positiveInt('--batch-size'))
    .option('--save-dir <dir>', 'where pass folders, metrics.jsonl and curves.svg go (default runs/NAME)')
    .addOption(backendOption())
    .option('--seed <n>', 'seed of initialisation, shuffling and dropout', anyInt('--seed'), 1)
    .option('--shuffle-buffer <n>', 'shuffle buffer size (samples)', positiveInt('--shuffle-buffer'), 8192)
    .allowUnknownOption(true)
    .allowExcessArguments(true);
}

function trainOptions(opts: Record<string, unknown>): TrainOptions {
  return {
    ...(opts.config !== undefined ? { config: opts.config as string } : {}),
    numPasses: opts.numPasses as number,
    ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize as number } : {}),
    ...(opts.saveDir !== undefined ? { saveDir: opts.saveDir as string } : {}),
    ...(opts.backend !== undefined ? { backend: opts.backend as BackendName } : {}),
    seed: opts.seed as number,
    resume: (opts.resume as boolean | undefined) ?? false,
    shuffleBuffer: opts.shuffleBuffer as number,
  };
}

/** Flags of this command the user gave, to hand on to workers (`oar launch`), config flags included. */
function givenTrainingArgs(cmd: Command, passOn: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of passOn) {
    const option = cmd.options.find((o) => o.attributeName() === name)!;
    if (cmd.getOptionValueSource(name) === 'cli') out.push(option.long!, String(cmd.getOptionValue(name)));
  }
  return [...out, ...cmd.args];
}

const modeOptions = (cmd: Command) => cmd
  .addOption(new Option('--sync', 'synchronous SGD: every step sums the gradients of all trainers (default)').conflicts('async'))
  .addOption(new Option('--async', 'asynchronous SGD: each push applied at once; stale gradients dropped'));
const modeOf = (opts: Record<string, unknown>): SyncMode => (opts.async ? 'async' : 'sync');

const hostPort = (value: string) => {
  const endpoints = value.split(',').map((e) => e.trim()).map((e) => (e.includes('://') ? e : `tcp://${e}`));
  for (const e of endpoints) if (!/^tcp:\/\/[^:/]+:\d+$/.test(e)) throw new InvalidArgumentError(`--pservers must be a comma-separated list of host:port, got ${JSON.stringify(value)}`);
  return endpoints;
};

trainingFlags(program.command('train'))
  .description('train a config module on this machine (default: examples/spam); flags it does not know go to the config')
  .option('--resume', 'continue from the newest pass folder in the save dir', false)
  .action(async (opts: Record<string, unknown>, cmd: Command) => {
    await trainCommand(trainOptions(opts), cmd.args);
  });

modeOptions(program.command('pserver'))
  .description('run a parameter server: holds its shard of the parameters and their optimizer state')
  .requiredOption('--port <p>', 'tcp port to listen on', positiveInt('--port'))
  .requiredOption('--num-trainers <m>', 'how many trainers take part', positiveInt('--num-trainers'))
  .option('--host <addr>', 'interface to listen on', '*')
  .option('--lagged-grad-discard-ratio <r>', 'async: drop gradients older than M × r steps', Number, 1.5)
  .option('--trainer-timeout <s>', 'seconds a trainer may be silent before the others go on without it (it may rejoin)', positiveNumber('--trainer-timeout'), 60)
  .option('--checkpoint-dir <dir>', 'this pserver\'s own folder: write checkpoints there, and resume from the newest valid one at start')
  .option('--checkpoint-every-steps <n>', 'checkpoint every n steps (and at each pass end)', positiveInt('--checkpoint-every-steps'))
  .option('--checkpoint-every-seconds <s>', 'checkpoint every s seconds (default 60 when no --checkpoint-every-steps)', positiveNumber('--checkpoint-every-seconds'))
  .option('--curve <keyfile>', 'encrypt and authenticate with CURVE: this pserver\'s key pair (oar keygen)')
  .option('--authorized-keys <file>', 'with --curve: the public keys of the trainers allowed to connect, one per line')
  .action(async (opts: Record<string, unknown>) => {
    await pserverCommand({
      port: opts.port as number, host: opts.host as string, numTrainers: opts.numTrainers as number, mode: modeOf(opts),
      laggedGradDiscardRatio: opts.laggedGradDiscardRatio as number, trainerTimeout: opts.trainerTimeout as number,
      checkpointDir: opts.checkpointDir as string | undefined, checkpointEverySteps: opts.checkpointEverySteps as number | undefined,
      checkpointEverySeconds: opts.checkpointEverySeconds as number | undefined,
      curve: opts.curve as string | undefined, authorizedKeys: opts.authorizedKeys as string | undefined,
    });
  });

modeOptions(trainingFlags(program.command('worker')))
  .description('train as one trainer of a cluster, with parameter servers; takes the flags of oar train')
  .requiredOption('--pservers <list>', 'the pservers, host:port,... in the same order for every trainer', hostPort)
  .requiredOption('--trainer-id <i>', 'this trainer, 0..M-1 (trainer 0 initialises, tests and saves)', anyInt('--trainer-id'))
  .requiredOption('--num-trainers <m>', 'M, the number of trainers', positiveInt('--num-trainers'))
  .option('--task-size <n>', 'samples per task the master deals (default: the batch size; a dead trainer\'s task is redone)', positiveInt('--task-size'))
  .option('--pserver-timeout <s>', 'give up on a pserver that answers nothing for s seconds (it may restart meanwhile)', positiveNumber('--pserver-timeout'), 600)
  .option('--curve <keyfile>', 'talk CURVE: this trainer\'s key pair (oar keygen); needs --server-key')
  .option('--server-key <file>', 'with --curve: the pservers\' public key (their .pub file)')
  .action(async (opts: Record<string, unknown>, cmd: Command) => {
    const [trainerId, numTrainers] = [opts.trainerId as number, opts.numTrainers as number];
    if (trainerId < 0 || trainerId >= numTrainers) throw new UsageError(`--trainer-id must be in 0..${numTrainers - 1} (--num-trainers ${numTrainers}), got ${trainerId}`);
    if ((opts.curve === undefined) !== (opts.serverKey === undefined)) throw new UsageError('--curve KEYFILE and --server-key FILE go together: this trainer\'s key pair and the pservers\' public key');
    exitWithParent();
    const curve = opts.curve ? { ...readKeyPair(opts.curve as string), serverKey: readPublicKey(opts.serverKey as string) } : undefined;
    await trainCommand({
      ...trainOptions(opts),
      cluster: {
        pservers: opts.pservers as string[], trainerId, numTrainers, mode: modeOf(opts), pserverTimeout: opts.pserverTimeout as number,
        ...(opts.taskSize !== undefined ? { taskSize: opts.taskSize as number } : {}), ...(curve ? { curve } : {}),
      },
    }, cmd.args);
  });

modeOptions(trainingFlags(program.command('launch')))
  .description('start pservers and trainers as local processes (or on the hosts of --hosts FILE over ssh), show their progress, exit with the trainers\' status')
  .option('--pservers <n>', 'number of pservers', positiveInt('--pservers'), 1)
  .option('--trainers <m>', 'number of trainers', positiveInt('--trainers'), 2)
  .option('--base-port <p>', 'pserver i listens on base-port + i (default: free ports)', positiveInt('--base-port'))
  .option('--gpus <ids>', 'GPU ids dealt to trainers round-robin (CUDA_VISIBLE_DEVICES), e.g. 0,1', parseGpus)
  .addOption(new Option('--hosts <file>', 'a cluster file (JSON): run on its hosts over ssh, with its pservers, trainers, ports and GPUs (docs/OPERATIONS.md)')
    .conflicts(['pservers', 'trainers', 'basePort', 'gpus']))
  .option('--trainer-timeout <s>', 'seconds the pservers wait for a silent trainer before the others go on (default 60)', positiveNumber('--trainer-timeout'))
  .action(async (opts: Record<string, unknown>, cmd: Command) => {
    await launchCommand({
      ...(opts.config !== undefined ? { config: opts.config as string } : {}),
      pservers: opts.pservers as number, trainers: opts.trainers as number, mode: modeOf(opts),
      ...(opts.basePort !== undefined ? { basePort: opts.basePort as number } : {}),
      ...(opts.gpus !== undefined ? { gpus: opts.gpus as string[] } : {}),
      ...(opts.hosts !== undefined ? { hosts: opts.hosts as string } : {}),
      ...(opts.trainerTimeout !== undefined ? { trainerTimeout: opts.trainerTimeout as number } : {}),
      saveDir: (opts.saveDir as string | undefined) ?? defaultSaveDir(opts.config as string | undefined),
      trainArgs: givenTrainingArgs(cmd, ['numPasses', 'batchSize', 'backend', 'seed', 'shuffleBuffer']),
    });
  });

program
  .command('keygen')
  .description('make a CURVE key pair for --curve: PREFIX.key (secret) and PREFIX.pub (public); prints the public key')
  .requiredOption('--out <prefix>', 'writes PREFIX.key and PREFIX.pub (never overwrites)')
  .action((opts: { out: string }) => keygenCommand(opts));

program
  .command('infer')
  .description('run a trained model on each line of a file')
  .requiredOption('--model <dir>', 'a pass folder (DIR/pass-NNNNN), or a save dir meaning its newest pass')
  .requiredOption('--input <file>', 'one input per line, as the config reads it')
  .addOption(backendOption())
  .action(async (opts: { model: string; input: string; backend?: BackendName }) => {
    await inferCommand(opts);
  });

program
  .command('evaluate')
  .description('test a trained model and run its config\'s held-out evaluation (e.g. WER/PER); config flags override the saved ones')
  .requiredOption('--model <dir>', 'a pass folder (DIR/pass-NNNNN), or a save dir meaning its newest pass')
  .addOption(backendOption())
  .allowUnknownOption(true)
  .allowExcessArguments(true)
  .action(async (opts: { model: string; backend?: BackendName }, cmd: Command) => {
    await evaluateCommand(opts, cmd.args);
  });

program
  .command('average')
  .description('average the parameters of several pass folders of one run into OUT/pass-NNNNN (checkpoint averaging)')
  .argument('<pass...>', 'pass folders (DIR/pass-NNNNN) of one run, e.g. DIR/pass-000{20..27}')
  .requiredOption('--out <dir>', 'save dir for the averaged pass folder')
  .action(async (passes: string[], opts: { out: string }) => {
    await averageCommand(passes, opts);
  });

program
  .command('generate')
  .description('generate with a trained model\'s beam search, one source per line: SOURCE<TAB>TOKENS<TAB>SCORE, best first')
  .requiredOption('--model <dir>', 'a pass folder (DIR/pass-NNNNN), or a save dir meaning its newest pass')
  .requiredOption('--input <file>', 'one source per line (raw text, as the config reads it)')
  .option('--beam-size <k>', 'paths kept per source (default: the model\'s)', positiveInt('--beam-size'))
  .option('--max-length <l>', 'most tokens per result (default: the model\'s)', positiveInt('--max-length'))
  .option('--num-results <n>', 'results printed per source (default: the model\'s)', positiveInt('--num-results'))
  .addOption(backendOption())
  .action(async (opts: { model: string; input: string; beamSize?: number; maxLength?: number; numResults?: number; backend?: BackendName }) => {
    await generateCommand(opts);
  });

program
  .command('import-paddle')
  .description('read a Paddle model (protostr, and a v2 parameter tar) into a model folder for oar infer and oar train --resume')
  .requiredOption('--config <file>', "Paddle's ModelConfig in text format (*.protostr)")
  .option('--params <file>', "Paddle's v2 parameter archive (*.tar); without it the parameters are initialised")
  .requiredOption('--out <dir>', 'the model folder to write (a save dir with pass-00000)')
  .option('--data-type <name=type>', 'a data layer\'s type where the network does not show it (repeatable): dense_vector, integer_value_sequence ...', (v: string, all: string[]) => [...all, v], [] as string[])
  .option('--output <layer>', 'the layer oar infer computes (default: the input of the last cost, else the last output)')
  .option('--seed <n>', 'seed of initialisation when there is no --params', anyInt('--seed'), 1)
  .action(async (opts: { config: string; params?: string; out: string; dataType: string[]; output?: string; seed: number }) => {
    await importPaddleCommand(opts);
  });

program
  .command('export-paddle')
  .description("write a model folder as Paddle's PREFIX.protostr and PREFIX.tar (v2 parameter archive)")
  .requiredOption('--model <dir>', 'a pass folder (DIR/pass-NNNNN), or a save dir meaning its newest pass')
  .requiredOption('--out <prefix>', 'writes PREFIX.protostr and, when the model has parameters, PREFIX.tar')
  .action(async (opts: { model: string; out: string }) => {
    await exportPaddleCommand(opts);
  });

try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof UsageError || ['ConfigError', 'DataError', 'ProtocolError'].includes((err as Error).name)) {
    process.stderr.write(`oar: ${(err as Error).message}\n`);
    process.exit(2);
  }
  throw err;
}
