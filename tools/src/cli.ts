import { Command } from 'commander';

const program = new Command('oar').description('Oar: PaddlePaddle-style distributed training for Node');
program.parse();
