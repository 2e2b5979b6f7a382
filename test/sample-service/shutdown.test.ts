import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startSampleService } from '../../examples/sample-service/server.ts';
import { request } from './helpers.ts';

const MAIN = fileURLToPath(new URL('../../examples/sample-service/main.ts', import.meta.url));

interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startMain(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const proc = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = once(proc, 'exit').then(([code]) => code as number | null);
  return { proc, stdout: () => out, stderr: () => err, exited };
}

async function listeningUrl(child: Child): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (!child.stdout().includes('\n')) {
    if (Date.now() > deadline || child.proc.exitCode !== null) {
      throw new Error(`no listening line; stderr: ${child.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const m = /^sample-service (\S+) listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/.exec(child.stdout());
  if (!m) throw new Error(`unexpected stdout: ${JSON.stringify(child.stdout())}`);
  return m[2] as string;
}

function connectError(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code));
  });
}

describe('main.ts', () => {
  it('finishes the in-flight request on SIGTERM, refuses new connections and exits 0', async () => {
    const child = startMain(['--port', '0', '--latency-ms', '400', '--token', 'shutdown-test'], {
      SAMPLE_VERSION: '9.9.9',
    });
    try {
      const url = await listeningUrl(child);
      expect(child.stdout()).toMatch(/^sample-service 9\.9\.9 listening on /);
      const port = Number(new URL(url).port);

      const started = Date.now();
      const inFlight = fetch(`${url}/api/status`, { headers: { authorization: 'Bearer shutdown-test' } });
      // Well inside the 400 ms the request is held for.
      await new Promise((r) => setTimeout(r, 200));
      child.proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 50));
      // Draining: the listener is gone while the request is still being served.
      expect(await connectError(port)).toBe('ECONNREFUSED');

      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(((await res.json()) as { version: string }).version).toBe('9.9.9');
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(await child.exited).toBe(0);
      expect(await connectError(port)).toBe('ECONNREFUSED');
      // One line when listening, nothing per request.
      expect(child.stdout().trim().split('\n')).toHaveLength(1);
      expect(child.stderr()).toBe('');
    } finally {
      child.proc.kill('SIGKILL');
    }
  });

  it('exits 2 with one line naming a bad flag or variable', async () => {
    const flag = startMain(['--port', '0', '--error-rate', '2']);
    expect(await flag.exited).toBe(2);
    expect(flag.stderr().trim()).toBe(
      'sample-service: --error-rate: expected a fraction 0..1 like 0.05, or a percentage like 5%, got "2"',
    );
    expect(flag.stdout()).toBe('');

    const env = startMain(['--port', '0'], { SAMPLE_LATENCY_MS: 'slow' });
    expect(await env.exited).toBe(2);
    expect(env.stderr()).toMatch(/^sample-service: SAMPLE_LATENCY_MS: expected milliseconds/);
  });
});

describe('close()', () => {
  it('lets an in-flight request finish and does not wait for idle keep-alive connections', async () => {
    const service = await startSampleService({ port: 0, auth: false, latency: { minMs: 300, maxMs: 300 } });
    // An idle keep-alive connection left in the client's pool.
    expect((await request(service, '/health')).status).toBe(200);
    const inFlight = request(service, '/api/status');
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await service.close();
    const waited = Date.now() - started;
    expect((await inFlight).status).toBe(200);
    expect(waited).toBeGreaterThanOrEqual(200);
    expect(waited).toBeLessThan(2000);
    expect(await connectError(service.port)).toBe('ECONNREFUSED');
  });

  it('reports a busy port as a user error', async () => {
    const first = await startSampleService({ port: 0 });
    try {
      await expect(startSampleService({ port: first.port })).rejects.toThrow(/already in use/);
    } finally {
      await first.close();
    }
  });
});
