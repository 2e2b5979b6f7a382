import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../../core/errors.ts';

/** Finds an executable on PATH (and the sbin folders Debian puts nginx and haproxy in). */
export function findBinary(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const file = join(dir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

export function requireBinary(name: string, configured: string | undefined): string {
  const found = configured ?? findBinary(name);
  if (!found || !existsSync(found)) {
    throw new UserError(`${name} is not installed (not found on PATH)`, {
      hint: `install it (apt-get install ${name}) or set router.binary`,
    });
  }
  return found;
}

export function runTool(
  binary: string,
  args: string[],
  timeoutMs = 15_000,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

export function readPidFile(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const n = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
