import { rmSync } from 'node:fs';
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type Socket } from 'node:net';
import { writeFileAtomic } from '../../core/fs.ts';
import type { Colour } from '../kinds.ts';

/**
 * shipgate's own reverse proxy: HTTP/1.1 keep-alive to clients and to the colours, an atomic
 * switch (one variable read per request), in-flight counts per colour so a switch can report its
 * drain, and WebSocket pass-through. Controlled over HTTP on a Unix socket only the local user can
 * reach; its settings are saved on every change and restored at start.
 */
export interface ProxySettings {
  host: string;
  listen: number;
  upstreamHost: string;
  ports: Record<Colour, number>;
  active: Colour;
  drainTimeoutMs: number;
  /** The admin Unix socket. */
  admin: string;
  /** Where the settings are saved on every change. */
  file?: string;
}

export interface ProxyStats {
  active: Colour;
  ports: Record<Colour, number>;
  inFlight: Record<Colour, number>;
  served: Record<Colour, number>;
  errors: number;
  websockets: number;
}

export interface RunningProxy {
  stats(): ProxyStats;
  /** Switches and waits for the old colour to drain (at most the drain timeout). */
  switchTo(
    colour: Colour,
  ): Promise<{ drained: boolean; inFlightAtSwitch: number; remaining: number; waitedMs: number }>;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

function forwardHeaders(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function startBuiltinProxy(settings: ProxySettings): Promise<RunningProxy> {
  let active = settings.active;
  const inFlight: Record<Colour, number> = { blue: 0, green: 0 };
  const served: Record<Colour, number> = { blue: 0, green: 0 };
  let errors = 0;
  let websockets = 0;
  // Idle upstream sockets are dropped before the colours' own keep-alive timeout would close them
  // under a request.
  const agents: Record<Colour, Agent> = {
    blue: new Agent({ keepAlive: true, maxSockets: 512, timeout: 4000 }),
    green: new Agent({ keepAlive: true, maxSockets: 512, timeout: 4000 }),
  };
  const save = () => {
    if (settings.file)
      writeFileAtomic(settings.file, `${JSON.stringify({ ...settings, active }, null, 2)}\n`);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, colour: Colour, attempt: number) => {
    const upstream = request(
      {
        host: settings.upstreamHost,
        port: settings.ports[colour],
        method: req.method,
        path: req.url,
        headers: { ...forwardHeaders(req.headers), 'x-forwarded-for': req.socket.remoteAddress ?? '' },
        agent: agents[colour],
      },
      (up) => {
        const headers = forwardHeaders(up.headers);
        headers['x-shipgate-colour'] = colour;
        res.writeHead(up.statusCode ?? 502, headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      // A reused keep-alive socket the colour closed at the same moment: safe to resend once
      // when the request has no body and nothing was answered yet.
      if (!res.headersSent && attempt === 0 && upstream.reusedSocket && IDEMPOTENT.has(req.method ?? '')) {
        forward(req, res, colour, 1);
        return;
      }
      errors += 1;
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`bad gateway: ${colour} ${e.message}\n`);
      } else res.destroy();
    });
    if (attempt === 0) req.pipe(upstream);
    else upstream.end();
  };

  const server: Server = createServer((req, res) => {
    const colour = active;
    inFlight[colour] += 1;
    served[colour] += 1;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight[colour] -= 1;
    };
    res.once('finish', finish);
    res.once('close', finish);
    forward(req, res, colour, 0);
  });
  server.keepAliveTimeout = 5000;

  // upgraded connections leave the HTTP server's bookkeeping: tracked here so close() can end them
  const tunnels = new Set<Socket>();
  server.on('upgrade', (req, client: Socket, head) => {
    const colour = active;
    websockets += 1;
    tunnels.add(client);
    const up = connect(settings.ports[colour], settings.upstreamHost, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    const end = () => {
      up.destroy();
      client.destroy();
    };
    up.on('error', end);
    client.on('error', end);
    up.on('close', () => client.end());
    client.on('close', () => {
      tunnels.delete(client);
      up.destroy();
    });
  });

  const admin = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    const url = new URL(req.url ?? '/', 'http://admin');
    if (req.method === 'GET' && url.pathname === '/state') return reply(200, proxy.stats());
    if (req.method === 'POST' && url.pathname === '/switch') {
      const colour = url.searchParams.get('colour');
      if (colour !== 'blue' && colour !== 'green')
        return reply(400, { error: 'colour must be blue or green' });
      void proxy.switchTo(colour).then((r) => reply(200, r));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/stop') {
      reply(200, { stopping: true });
      void proxy.close().then(() => process.exit(0));
      return;
    }
    reply(404, { error: 'unknown admin request' });
  });

  const proxy: RunningProxy = {
    stats: () => ({
      active,
      ports: settings.ports,
      inFlight: { ...inFlight },
      served: { ...served },
      errors,
      websockets,
    }),
    async switchTo(colour) {
      const old = active;
      if (old === colour) return { drained: true, inFlightAtSwitch: 0, remaining: 0, waitedMs: 0 };
      active = colour;
      save();
      const inFlightAtSwitch = inFlight[old];
      const started = Date.now();
      while (inFlight[old] > 0 && Date.now() - started < settings.drainTimeoutMs) {
        await new Promise((r) => setTimeout(r, 10));
      }
      return {
        drained: inFlight[old] === 0,
        inFlightAtSwitch,
        remaining: inFlight[old],
        waitedMs: Date.now() - started,
      };
    },
    async close() {
      await new Promise<void>((r) => admin.close(() => r()));
      server.closeIdleConnections();
      for (const t of tunnels) t.destroy();
      const force = setTimeout(() => server.closeAllConnections(), settings.drainTimeoutMs);
      await new Promise<void>((r) => server.close(() => r()));
      clearTimeout(force);
      agents.blue.destroy();
      agents.green.destroy();
    },
  };

  rmSync(settings.admin, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.listen, settings.host, () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    admin.once('error', reject);
    admin.listen(settings.admin, () => resolve());
  });
  save();
  return proxy;
}
