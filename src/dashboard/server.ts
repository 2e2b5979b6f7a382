import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { UserError } from '../core/errors.ts';
import { parseDuration } from '../core/units.ts';
import type { Store } from '../store/store.ts';
import { collectReport } from './collect.ts';
import { renderPage, scriptHashes } from './page.ts';

/**
 * `shipgate dashboard`: the report's views served live from the store. Read-only (GET and HEAD
 * only, nothing writes), loopback by default; any other address needs a token, which every request
 * must then carry (a bearer header, or the cookie set when the page is opened once with ?token=).
 */
export interface DashboardOptions {
  store: Store;
  host: string;
  port: number;
  token?: string;
  /** Default period shown; `?since=90d` picks another. */
  sinceMs: number;
  refreshSeconds: number;
  onRequest?: (line: string) => void;
}

export interface Dashboard {
  url: string;
  close(): Promise<void>;
}

const COOKIE = 'shipgate_dashboard';
const MAX_SINCE_MS = 5 * 365 * 86_400_000;

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  if (!isLoopback(options.host) && !options.token) {
    throw new UserError(`refusing to serve the dashboard on ${options.host} without a token`, {
      hint: 'set SHIPGATE_DASHBOARD_TOKEN (every request must then carry it), or keep the default --host 127.0.0.1',
    });
  }
  const csp = [
    "default-src 'none'",
    `script-src ${scriptHashes().join(' ')}`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `dashboard error: ${(e as Error).message}\n`);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    options.onRequest?.(`${req.method} ${url.pathname}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'text/plain', 'read-only\n');
    }
    if (url.pathname === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
    if (options.token) {
      const offered = url.searchParams.get('token');
      if (offered !== null && sameSecret(offered, options.token)) {
        // Move the token from the address bar (and history) into a cookie.
        url.searchParams.delete('token');
        res.setHeader(
          'set-cookie',
          `${COOKIE}=${encodeURIComponent(options.token)}; HttpOnly; SameSite=Strict; Path=/`,
        );
        res.setHeader('location', url.pathname + url.search);
        return send(res, 303, 'text/plain', 'see other\n');
      }
      if (!authorised(req, options.token)) {
        res.setHeader('www-authenticate', 'Bearer realm="shipgate dashboard"');
        return send(
          res,
          401,
          'text/plain',
          'token required: open /?token=… once, or send Authorization: Bearer …\n',
        );
      }
    }
    let sinceMs = options.sinceMs;
    const since = url.searchParams.get('since');
    if (since !== null) {
      try {
        sinceMs = Math.min(parseDuration(since, 'since'), MAX_SINCE_MS);
      } catch {
        return send(res, 400, 'text/plain', `bad since '${since.slice(0, 40)}': use a duration like 30d\n`);
      }
    }
    const now = new Date();
    if (url.pathname === '/' || url.pathname === '/api/report') {
      const data = await collectReport(options.store, { since: new Date(now.getTime() - sinceMs), now });
      if (url.pathname === '/api/report') return send(res, 200, 'application/json', JSON.stringify(data));
      res.setHeader('content-security-policy', csp);
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        renderPage(data, { title: 'shipgate dashboard', refreshSeconds: options.refreshSeconds }),
      );
    }
    return send(res, 404, 'text/plain', 'not found\n');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL'
          ? new UserError(`cannot listen on ${options.host}:${options.port}: ${e.code}`, {
              hint: 'pick another --port or --host',
            })
          : e,
      ),
    );
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function authorised(req: IncomingMessage, token: string): boolean {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer !== undefined && sameSecret(bearer.trim(), token)) return true;
  const cookie = (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim().split('='))
    .find(([k]) => k === COOKIE)?.[1];
  if (cookie === undefined) return false;
  try {
    return sameSecret(decodeURIComponent(cookie), token);
  } catch {
    return false;
  }
}
