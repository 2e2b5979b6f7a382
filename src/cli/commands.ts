import type { Command } from 'commander';
import { registerConfig } from './config.ts';
import { registerDemo } from './demo.ts';
import { registerHistory } from './history.ts';
import { registerSampleService } from './sample-service.ts';

/** Every command, in the order `shipgate --help` lists them. Adding a command is one module and one row. */
export const COMMANDS: Array<(program: Command) => void> = [
  registerDemo,
  registerConfig,
  registerHistory,
  registerSampleService,
];
