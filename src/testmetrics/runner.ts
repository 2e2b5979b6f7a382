import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { UserError } from '../core/errors.ts';
import { canSampleProcesses, sampleProcessTree, type TreeResources } from './process-tree.ts';

/**
 * Runs a test command, sampling the whole process tree while it runs, and tells whether it wrote a
 * fresh JUnit report. The command's output goes to our stderr: the user sees it, and stdout stays
 * clean for the result (`--format json` or markdown piped into a PR comment).
 */
export interface RunnerResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  resources: TreeResources | undefined;
  startedAt: Date;
  finishedAt: Date;
}

export async function runTestCommand(
  argv: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; sampleIntervalMs?: number; quiet?: boolean },
): Promise<RunnerResult> {
  const [command, ...args] = argv;
  if (!command)
    throw new UserError('no test command given', {
      hint: 'put it after --, e.g. shipgate tests run -- npm test',
    });
  const startedAt = new Date();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: options.quiet ? 'ignore' : ['inherit', 2, 2],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const failedToStart = once(child, 'error').then(([e]) => e as NodeJS.ErrnoException);
  const spawned = await Promise.race([once(child, 'spawn').then(() => undefined), failedToStart]);
  if (spawned) {
    throw new UserError(
      `cannot start ${command}: ${spawned.code === 'ENOENT' ? 'command not found' : spawned.message}`,
    );
  }
  const sampler =
    child.pid && canSampleProcesses() ? sampleProcessTree(child.pid, options.sampleIntervalMs) : undefined;
  const [exitCode, signal] = await exited;
  const resources = sampler?.stop();
  return { exitCode, signal, resources, startedAt, finishedAt: new Date() };
}

/** True when the file exists and was modified at or after `since` (a stale report must not pass for a new one). */
export function writtenSince(file: string, since: Date): boolean {
  try {
    return statSync(file).mtimeMs >= since.getTime() - 1000;
  } catch {
    return false;
  }
}
