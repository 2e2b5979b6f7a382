import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../core/errors.ts';

/**
 * Processes that outlive the command that started them (a deploy colour, the built-in router, the
 * keep-old timer): their own process group, output appended to a log file, unreferenced. Tracked
 * by pid, so any later shipgate command can find and stop them.
 */

/** Children started by this process: a pid that exited here must not look alive while it is a zombie. */
const exited = new Set<number>();
const children = new Map<number, ChildProcess>();

export interface DetachedOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Appended stdout and stderr. */
  log: string;
}

export function spawnDetached(argv: readonly string[], options: DetachedOptions): number {
  const [command, ...args] = argv;
  if (!command) throw new UserError('empty command');
  mkdirSync(dirname(options.log), { recursive: true });
  const fd = openSync(options.log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: options.env ?? process.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) {
    throw new UserError(`cannot start ${command}`, {
      hint: 'check that the command exists and is executable',
    });
  }
  const pid = child.pid;
  children.set(pid, child);
  child.once('exit', () => {
    exited.add(pid);
    children.delete(pid);
  });
  child.once('error', () => exited.add(pid));
  child.unref();
  return pid;
}

export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined || pid <= 0 || exited.has(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** SIGTERM to the whole process group, then SIGKILL after `timeoutMs`; resolves once it is gone. */
export async function stopProcess(pid: number | undefined, timeoutMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  const target = pid as number;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-target, s);
    } catch {
      try {
        process.kill(target, s);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(target) && Date.now() < deadline) await sleep(25);
  if (isAlive(target)) {
    signal('SIGKILL');
    while (isAlive(target) && Date.now() < deadline + 2000) await sleep(25);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Splits a command line the way a shell would for simple cases (spaces, single and double quotes),
 * without a shell: substituted values such as a version can never inject a command.
 */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let has = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || current) out.push(current);
      current = '';
      has = false;
    } else current += ch;
  }
  if (quote) throw new UserError(`unbalanced ${quote} in command: ${line}`);
  if (has || current) out.push(current);
  return out;
}
