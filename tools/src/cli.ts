import { Command, InvalidArgumentError, Option } from 'commander';
import { backendNames, type BackendName } from '@oar/worker';
import { generateCommand } from './generateCommand.js';
import { inferCommand } from './inferCommand.js';
import { trainCommand } from './trainCommand.js';
import { UsageError } from './UsageError.js';

const positiveInt = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
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

program
  .command('train')
  .description('train a config module on this machine (default: examples/spam); flags it does not know go to the config')
  .option('--config <file>', 'config module (default examples/spam/config.ts)')
  .option('--num-passes <n>', 'passes over the training data', positiveInt('--num-passes'), 1)
  .option('--batch-size <n>', 'samples per batch (default: the config\'s, else 64)', positiveInt('--batch-size'))
  .option('--save-dir <dir>', 'where pass folders, metrics.jsonl and curves.svg go (default runs/NAME)')
  .addOption(backendOption())
  .option('--seed <n>', 'seed of initialisation, shuffling and dropout', anyInt('--seed'), 1)
  .option('--shuffle-buffer <n>', 'shuffle buffer size (samples)', positiveInt('--shuffle-buffer'), 8192)
  .option('--resume', 'continue from the newest pass folder in the save dir', false)
  .allowUnknownOption(true)
  .allowExcessArguments(true)
  .action(async (opts: Record<string, unknown>, cmd: Command) => {
    await trainCommand({
      ...(opts.config !== undefined ? { config: opts.config as string } : {}),
      numPasses: opts.numPasses as number,
      ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize as number } : {}),
      ...(opts.saveDir !== undefined ? { saveDir: opts.saveDir as string } : {}),
      ...(opts.backend !== undefined ? { backend: opts.backend as BackendName } : {}),
      seed: opts.seed as number,
      resume: opts.resume as boolean,
      shuffleBuffer: opts.shuffleBuffer as number,
    }, cmd.args);
  });

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

try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof UsageError || (err as Error).name === 'ConfigError' || (err as Error).name === 'DataError') {
    process.stderr.write(`oar: ${(err as Error).message}\n`);
    process.exit(2);
  }
  throw err;
}
