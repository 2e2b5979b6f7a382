import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Colour } from '../../src/deploy/kinds.ts';
import { startProbe } from '../../src/deploy/probe.ts';
import { type RunningProxy, startBuiltinProxy } from '../../src/deploy/routers/builtin-proxy.ts';
import { freePort } from '../helpers/ports.ts';

/**
 * The built-in router in process, in front of two tiny upstreams that say which colour they are:
 * the switch is atomic, in-flight requests on the old colour finish and are counted as drained,
 * keep-alive is kept on both sides, and WebSocket upgrades pass through.
 */
describe('builtin router', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-proxy-'));
  const servers: Server[] = [];
  let proxy: RunningProxy;
  let base = '';
  const ports = { blue: 0, green: 0 };
  let slowMs = 0;

  const upstream = async (colour: Colour): Promise<number> => {
    const server = createServer((req, res) => {
      const delay = req.url === '/slow' ? slowMs : 0;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ version: colour, connection: req.headers.connection ?? null }));
      }, delay);
    });
    server.on('upgrade', (req, socket: Socket) => {
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\nX-Colour: ${colour}\r\n\r\n`,
      );
      socket.on('data', (d) => socket.write(`${colour}:${d}`));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    return (server.address() as AddressInfo).port;
  };

  beforeAll(async () => {
    ports.blue = await upstream('blue');
    ports.green = await upstream('green');
    const listen = await freePort();
    base = `http://127.0.0.1:${listen}`;
    proxy = await startBuiltinProxy({
      host: '127.0.0.1',
      listen,
      upstreamHost: '127.0.0.1',
      ports,
      active: 'blue',
      drainTimeoutMs: 5000,
      admin: join(dir, 'admin.sock'),
      file: join(dir, 'settings.json'),
    });
  });

  afterAll(async () => {
    await proxy?.close();
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers from the active colour, keeping upstream connections alive', async () => {
    const res = await fetch(`${base}/x`);
    expect(res.headers.get('x-shipgate-colour')).toBe('blue');
    // hop-by-hop headers are not forwarded, and the agent keeps the upstream connection open
    expect(await res.json()).toEqual({ version: 'blue', connection: 'keep-alive' });
  });

  it('switches atomically while requests flow, waiting for in-flight ones on the old colour', async () => {
    slowMs = 1200;
    const slow = fetch(`${base}/slow`).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 100));
    const probe = startProbe(`${base}/fast`, { concurrency: 4 });
    await new Promise((r) => setTimeout(r, 100));
    const switched = await proxy.switchTo('green');
    const tally = await probe.stop();
    expect(switched.inFlightAtSwitch).toBeGreaterThanOrEqual(1);
    expect(switched.drained).toBe(true);
    // the switch returned only once the slow request had finished (generous margin for a busy machine)
    expect(switched.waitedMs).toBeGreaterThanOrEqual(300);
    expect(await slow).toMatchObject({ version: 'blue' });
    expect(tally.failed + tally.connectionErrors).toBe(0);
    expect(tally.versions.green).toBeGreaterThan(0);
    expect(proxy.stats().active).toBe('green');
    // saved, so a restarted router resumes the colour it served
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).active).toBe('green');
  });

  it('passes WebSocket upgrades through to the active colour', async () => {
    const port = Number(new URL(base).port);
    const reply = await new Promise<string>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port,
        path: '/ws',
        headers: { Connection: 'Upgrade', Upgrade: 'websocket' },
      });
      req.on('upgrade', (res, socket) => {
        expect(res.headers['x-colour']).toBe('green');
        socket.write('ping');
        socket.once('data', (d) => {
          resolve(String(d));
          socket.destroy();
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(reply).toBe('green:ping');
    expect(proxy.stats().websockets).toBe(1);
  });

  it('answers 502 when the active colour is down, and counts it', async () => {
    const dead = await freePort();
    const listen = await freePort();
    const p2 = await startBuiltinProxy({
      host: '127.0.0.1',
      listen,
      upstreamHost: '127.0.0.1',
      ports: { blue: dead, green: dead },
      active: 'blue',
      drainTimeoutMs: 1000,
      admin: join(dir, 'admin2.sock'),
    });
    try {
      const res = await fetch(`http://127.0.0.1:${listen}/`);
      expect(res.status).toBe(502);
      expect(await res.text()).toMatch(/bad gateway: blue/);
      expect(p2.stats().errors).toBe(1);
    } finally {
      await p2.close();
    }
  });
});
