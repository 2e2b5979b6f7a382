import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../core/errors.ts';
import { USUAL_REPORTS } from './read.ts';

/**
 * `shipgate coverage run -- <command>`: runs the tests (their output goes to stderr, so stdout
 * stays the report), then finds the coverage they wrote. A failing test run is reported, never
 * hidden; a report older than the run is not taken for this run's coverage.
 */
export interface TestRun {
  command: string[];
  exitCode: number | null;
  signal?: string;
  durationMs: number;
  startedAt: Date;
}

export function runTests(
  command: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  output: 'stderr' | 'ignore' = 'stderr',
): Promise<TestRun> {
  if (command.length === 0) {
    throw new UserError('coverage run needs a test command', {
      hint: 'shipgate coverage run -- npx vitest run --coverage',
    });
  }
  const startedAt = new Date();
  // One quoted argument is a shell command line (`"npm test && npm run e2e"`); several are argv.
  const [file, args, shell] =
    command.length === 1 ? [command[0] as string, [], true] : [command[0] as string, command.slice(1), false];
  return new Promise((resolvePromise, reject) => {
    const stdio =
      output === 'stderr' ? (['inherit', 2, 'inherit'] as const) : (['ignore', 'ignore', 'ignore'] as const);
    const child = spawn(file, args, { cwd, env, shell, stdio: [...stdio] });
    child.once('error', (e) => reject(new UserError(`cannot run ${file}: ${e.message}`)));
    child.once('close', (code, signal) =>
      resolvePromise({
        command,
        exitCode: code,
        ...(signal ? { signal } : {}),
        durationMs: Date.now() - startedAt.getTime(),
        startedAt,
      }),
    );
  });
}

/** Clock granularity of some filesystems; a report written during the run is never older than this. */
const MTIME_SLACK_MS = 2000;

export function writtenSince(file: string, cwd: string, since: Date): boolean {
  try {
    return statSync(resolve(cwd, file)).mtimeMs >= since.getTime() - MTIME_SLACK_MS;
  } catch {
    return false;
  }
}

/** The reports this run wrote: the named ones, or the first usual path written since it started. */
export function reportsOfRun(
  named: string[],
  cwd: string,
  since: Date,
): { fresh: string[]; stale: string[] } {
  if (named.length) {
    return {
      fresh: named.filter((f) => writtenSince(f, cwd, since)),
      stale: named.filter((f) => !writtenSince(f, cwd, since)),
    };
  }
  const found = USUAL_REPORTS.find((f) => writtenSince(f, cwd, since));
  return { fresh: found ? [found] : [], stale: [] };
}
