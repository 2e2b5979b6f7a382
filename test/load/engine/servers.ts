import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterEach } from 'vitest';
import type { Scenario } from '../../../src/load/types.ts';

/**
 * Real HTTP servers on 127.0.0.1 ephemeral ports for the engine tests. Each counts every request it
 * sees (per path too), so a test can check that the engine's counts equal the server's.
 */

export interface TestServer {
  url: string;
  port: number;
  /** Requests seen so far (counted when the request line arrives). */
  readonly seen: number;
  seenOn(path: string): number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

export async function startServer(handler: Handler): Promise<TestServer> {
  let seen = 0;
  const byPath = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    seen++;
    const path = (req.url ?? '/').split('?')[0] as string;
    byPath.set(path, (byPath.get(path) ?? 0) + 1);
    handler(req, res, seen);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get seen() {
      return seen;
    },
    seenOn: (path) => byPath.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, status: number, body: string, type = 'text/plain'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Answers "hello" at once. */
export function helloServer(): Promise<TestServer> {
  return startServer((_req, res) => reply(res, 200, 'hello'));
}

/**
 * Answers `ms` milliseconds after the request arrived, every time. A Node timer alone fires up to
 * ~1 ms late, which is as large as the tolerance the tests check; so the timer is set short and the
 * last stretch is waited out one event-loop turn at a time (other I/O keeps flowing meanwhile).
 */
export function delayServer(ms: number): Promise<TestServer> {
  return startServer((_req, res) => {
    holdThen(performance.now() + ms, () => reply(res, 200, 'ok'));
  });
}

/**
 * The same held answer from a server on its own thread: its event loop, and its spinning out of the
 * last stretch, never delay the generator's, as with a real service in another process. `seen` is
 * a shared counter, so reading it costs the generator nothing while the run lasts.
 */
export async function delayServerThread(ms: number): Promise<TestServer & { heldMsP50(): Promise<number> }> {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(DELAY_WORKER, { eval: true, workerData: { ms, counter } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port));
    worker.once('error', reject);
  });
  const ask = <T>(what: string) =>
    new Promise<T>((resolve) => {
      worker.once('message', resolve);
      worker.postMessage(what);
    });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get seen() {
      return Atomics.load(counter, 0);
    },
    seenOn: () => Atomics.load(counter, 0),
    heldMsP50: () => ask<number>('held'),
    close: async () => {
      await ask('close');
      await worker.terminate();
    },
  };
}

// Plain JavaScript: it runs as an eval'd worker script.
const DELAY_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createServer } = require('node:http');
const { ms, counter } = workerData;
const held = [];
function holdThen(until, done) {
  const left = until - performance.now();
  if (left <= 0) done();
  else if (left > 2) setTimeout(holdThen, left - 1.5, until, done);
  else setImmediate(holdThen, until, done);
}
const server = createServer((req, res) => {
  Atomics.add(counter, 0, 1);
  const arrived = performance.now();
  req.resume();
  holdThen(arrived + ms, () => {
    held.push(performance.now() - arrived);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    res.end('ok');
  });
});
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (what) => {
  if (what === 'held') {
    const sorted = [...held].sort((a, b) => a - b);
    parentPort.postMessage(sorted[Math.floor(sorted.length / 2)] ?? ms);
  } else if (what === 'close') {
    server.closeAllConnections();
    server.close(() => parentPort.postMessage('closed'));
  }
});
`;

function holdThen(until: number, done: () => void): void {
  const left = until - performance.now();
  if (left <= 0) done();
  else if (left > 2) setTimeout(holdThen, left - 1.5, until, done);
  else setImmediate(holdThen, until, done);
}

/**
 * Answers after `normalMs`, except once: the first request at or after `stallAtMs` (from the first
 * request) starts a stall of `stallMs`, and every request that arrives before the stall ends is held
 * until it ends.
 */
export function stallOnceServer(options: {
  normalMs: number;
  stallAtMs: number;
  stallMs: number;
}): Promise<TestServer & { stalledAt(): number }> {
  let first = 0;
  let stallUntil = 0;
  let stalledAt = 0;
  return startServer((_req, res) => {
    const now = performance.now();
    if (first === 0) first = now;
    if (stallUntil === 0 && now - first >= options.stallAtMs) {
      stallUntil = now + options.stallMs;
      stalledAt = now;
    }
    const wait = now < stallUntil ? Math.max(options.normalMs, stallUntil - now) : options.normalMs;
    setTimeout(() => reply(res, 200, 'ok'), wait);
  }).then((server) => Object.assign(server, { stalledAt: () => stalledAt }));
}

/** Always answers with `status`. */
export function statusServer(status: number): Promise<TestServer> {
  return startServer((_req, res) => reply(res, status, `status ${status}`));
}

/** Answers with a fixed JSON document. */
export function jsonServer(doc: unknown): Promise<TestServer> {
  const body = JSON.stringify(doc);
  return startServer((_req, res) => reply(res, 200, body, 'application/json'));
}

/** Tears the connection down on every request, without an answer. */
export function resetServer(): Promise<TestServer> {
  return startServer((req) => {
    req.socket.resetAndDestroy();
  });
}

/** Never answers (the request is held until the server closes). */
export function silentServer(): Promise<TestServer> {
  return startServer(() => undefined);
}

/**
 * POST /login answers `{"auth":{"token":"t<n>"}}` with a fresh token per call; GET /data answers
 * 200 only with a bearer token it issued, 401 otherwise.
 */
export function loginServer(): Promise<TestServer & { tokensIssued(): number }> {
  const issued = new Set<string>();
  return startServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/login' && req.method === 'POST') {
      req.resume();
      req.on('end', () => {
        const token = `t${issued.size + 1}`;
        issued.add(token);
        reply(res, 200, JSON.stringify({ auth: { token } }), 'application/json');
      });
      return;
    }
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (issued.has(token)) reply(res, 200, '{"ok":true}', 'application/json');
    else reply(res, 401, '{"error":"unauthorized"}', 'application/json');
  }).then((server) => Object.assign(server, { tokensIssued: () => issued.size }));
}

/** A one-request scenario against `url`, closed model by default; fields override. */
export function scenarioFor(url: string, overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: 'engine-test',
    baseUrl: url,
    requests: [{ name: 'root', method: 'GET', path: '/', headers: {}, weight: 1 }],
    auth: { kind: 'none' },
    model: { kind: 'closed', users: 2, rampUpMs: 0, thinkTimeMs: 0 },
    durationMs: 1000,
    timeoutMs: 2000,
    ...overrides,
  };
}

/** Returns `track`: servers started through it are closed after each test of the calling file. */
export function trackServers(): <T extends TestServer>(started: Promise<T>) => Promise<T> {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (started) => {
    const server = await started;
    servers.push(server);
    return server;
  };
}
