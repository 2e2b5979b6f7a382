#!/usr/bin/env node
import { CommanderError } from 'commander';
import { isUserError } from '../core/errors.ts';
import { redact } from '../core/redact.ts';
import { EXIT } from '../core/verdict.ts';
import { buildProgram, commanderExitCode } from './program.ts';

/**
 * The shipgate executable. Known problems (UserError) print one line and exit 2; anything else is a
 * bug: one line too, with the stack only under --debug.
 */
async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return commanderExitCode(e);
    const debug = argv.includes('--debug');
    if (isUserError(e)) {
      process.stderr.write(`shipgate: ${redact(e.format())}\n`);
      if (debug && e.stack) process.stderr.write(`${redact(e.stack)}\n`);
      return EXIT.usage;
    }
    const err = e as Error;
    process.stderr.write(`shipgate: internal error: ${redact(err?.message ?? String(e))}\n`);
    process.stderr.write(
      debug && err?.stack ? `${redact(err.stack)}\n` : 'Run again with --debug for the stack trace.\n',
    );
    return EXIT.usage;
  }
}

// `shipgate … | head` closes the pipe early: the reader has what it wanted, which is not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await main(process.argv);
// A finished command exits even if a library left a socket or timer behind; a clean exit comes first.
setTimeout(() => process.exit(), 1000).unref();
