import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { UserError } from './errors.ts';

/**
 * Starts a long-running child process (a service under test, a deploy colour) and waits until it
 * prints a line matching `ready`, so callers know it is up and can read what it announced
 * (e.g. the ephemeral port). Output lines are handed to `onLine` for logs.
 */
export interface ServiceProcess {
  child: ChildProcess;
  /** The match of the ready pattern. */
  ready: RegExpMatchArray;
  /** Sends `signal`, waits up to `timeoutMs`, then SIGKILLs; resolves with the exit code (null when killed). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export interface SpawnServiceOptions {
  ready: RegExp;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export async function spawnService(
  command: string,
  args: string[],
  options: SpawnServiceOptions,
): Promise<ServiceProcess> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const tail: string[] = [];
  const ready = new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new UserError(`${command} did not become ready within ${options.timeoutMs ?? 30_000} ms`)),
      options.timeoutMs ?? 30_000,
    );
    const watch = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') => {
      createInterface({ input: stream }).on('line', (line) => {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        options.onLine?.(line, name);
        const m = line.match(options.ready);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      });
    };
    if (child.stdout) watch(child.stdout, 'stdout');
    if (child.stderr) watch(child.stderr, 'stderr');
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new UserError(`cannot start ${command}: ${e.message}`));
    });
    void exited.then(([code, signal]) => {
      clearTimeout(timer);
      reject(
        new UserError(
          `${command} exited (${signal ?? `code ${code}`}) before it was ready${tail.length ? `:\n${tail.join('\n')}` : ''}`,
        ),
      );
    });
  });
  try {
    const match = await ready;
    return {
      child,
      ready: match,
      async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        const [code] = await exited;
        clearTimeout(timer);
        return code;
      },
    };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}
