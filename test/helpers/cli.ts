import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';

export const ROOT = join(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the shipgate CLI as a user would: a separate process, its own environment, a working folder. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NO_COLOR: '1',
      ...options.env,
    };
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)) && /T/.test(s));

/** Validates a result envelope against the published JSON Schema of its kind (schemas/<kind>.v1.schema.json). */
export function validateEnvelope(envelope: unknown): string[] {
  const kind = (envelope as { kind?: string }).kind;
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', `${kind}.v1.schema.json`), 'utf8'));
  const validate = ajv.getSchema(schema.$id) ?? ajv.compile(schema);
  return validate(envelope) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
