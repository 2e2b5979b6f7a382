import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { UserError } from '../../src/core/errors.ts';
import { bearerToken, TokenStore } from './auth.ts';
import { openSampleDatabase } from './db.ts';
import { delayUntil, FaultInjector } from './faults.ts';
import { RequestMetrics } from './metrics.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { resolveSampleOptions, type SampleServiceOptions } from './options.ts';
import {
  isApiRoute,
  NOT_AUTHENTICATED,
  type Reply,
  type SampleApp,
  type SampleRoute,
  sampleRoutes,
} from './routes.ts';
import { parseQuery, type ValidationErrorItem } from './validation.ts';

export interface RunningSampleService {
  /** `http://host:port`, with the real port when 0 was asked for. */
  url: string;
  host: string;
  port: number;
  options: SampleServiceOptions;
  /** Graceful shutdown: stop accepting, let in-flight requests finish (at most DRAIN_TIMEOUT_MS), close idle sockets. */
  close(): Promise<void>;
}

/** In-flight requests get this long to finish on shutdown before their connections are cut. */
export const DRAIN_TIMEOUT_MS = 10_000;
/** Like uvicorn's default: long enough for load generators to reuse connections, short enough to shed idle ones. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const MAX_BODY_BYTES = 64 * 1024;

const NOT_FOUND: Reply = { status: 404, body: { detail: 'Not Found' } };
const METHOD_NOT_ALLOWED = { detail: 'Method Not Allowed' };
const INTERNAL_ERROR: Reply = { status: 500, body: { detail: 'Internal Server Error' } };
const INJECTED_ERROR: Reply = {
  status: 500,
  body: { detail: 'Internal Server Error (injected by the error-rate knob)' },
};
const BODY_TOO_LARGE: Reply = { status: 413, body: { detail: 'Request body too large' } };
const UNMATCHED = 'unmatched';

interface RouteEntry {
  route: SampleRoute;
  /** `GET /api/status`: the key requests are counted under, built once. */
  key: string;
  api: boolean;
}

interface ServerState {
  closing: boolean;
}

interface PathEntry {
  methods: Map<string, RouteEntry>;
  allow: string;
}

/** Starts the sample service and resolves once it is listening. Throws UserError for a bad option or a busy port. */
export async function startSampleService(
  input: Partial<SampleServiceOptions> = {},
): Promise<RunningSampleService> {
  const options = resolveSampleOptions(input);
  const routes = sampleRoutes(options.apiVersion);
  const db = await openSampleDatabase(options.db, options.apiVersion);
  const app: SampleApp = {
    options,
    db,
    tokens: new TokenStore({
      username: options.username,
      password: options.password,
      staticToken: options.staticToken,
    }),
    metrics: new RequestMetrics(),
    faults: new FaultInjector(options),
    startedAt: new Date(),
    openapiJson: JSON.stringify(
      buildOpenApiDocument(routes, {
        version: options.version,
        apiVersion: options.apiVersion,
        auth: options.auth,
      }),
    ),
  };
  const table = routeTable(routes);
  const state: ServerState = { closing: false };

  const server = createServer((req, res) => {
    void handle(app, table, state, req, res);
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;

  try {
    await listen(server, options.host, options.port);
  } catch (e) {
    db.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      state.closing = true;
      const force = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    }).finally(() => {
      db.close();
      app.tokens.clear();
      app.faults.release();
    });
    return closed;
  };

  return { url: `http://${hostInUrl}:${port}`, host: options.host, port, options, close };
}

function routeTable(routes: readonly SampleRoute[]): Map<string, PathEntry> {
  const table = new Map<string, PathEntry>();
  for (const route of routes) {
    let entry = table.get(route.path);
    if (!entry) {
      entry = { methods: new Map(), allow: '' };
      table.set(route.path, entry);
    }
    entry.methods.set(route.method, { route, key: `${route.method} ${route.path}`, api: isApiRoute(route) });
    entry.allow = [...entry.methods.keys()].join(', ');
  }
  return table;
}

async function handle(
  app: SampleApp,
  table: Map<string, PathEntry>,
  state: ServerState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = performance.now();
  app.metrics.started();
  app.faults.leak();
  let key = UNMATCHED;
  let reply: Reply;
  try {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const entry = table.get(path);
    const matched = entry?.methods.get(req.method ?? 'GET');
    if (!entry) {
      reply = NOT_FOUND;
    } else if (!matched) {
      reply = { status: 405, body: METHOD_NOT_ALLOWED, headers: { allow: entry.allow } };
    } else {
      key = matched.key;
      reply = await dispatch(app, matched, req, q < 0 ? undefined : url.slice(q + 1), started);
    }
  } catch {
    reply = INTERNAL_ERROR;
  }
  // Once close() is called no keep-alive: each in-flight response ends its connection, so the server drains.
  if (state.closing) res.setHeader('connection', 'close');
  send(res, reply);
  app.metrics.finished(key, reply.status, performance.now() - started);
}

/** Auth, then validation, then the fault knobs, then the handler: the order a FastAPI app with middleware would give. */
async function dispatch(
  app: SampleApp,
  entry: RouteEntry,
  req: IncomingMessage,
  queryString: string | undefined,
  started: number,
): Promise<Reply> {
  const { route } = entry;
  if (entry.api && app.options.auth && !app.tokens.isValid(bearerToken(req.headers.authorization))) {
    return NOT_AUTHENTICATED;
  }
  const errors: ValidationErrorItem[] = [];
  const query =
    route.query.length === 0
      ? {}
      : parseQuery(route.query, queryString ? new URLSearchParams(queryString) : undefined, errors);
  if (errors.length > 0) return { status: 422, body: { detail: errors } };
  if (entry.api) {
    // Decide on failure at arrival, so the n-th request's fate depends on the seed only, not on timing.
    const fails = app.faults.nextFails();
    const delay = app.faults.nextDelayMs();
    if (delay > 0) await delayUntil(started, delay);
    if (fails) return INJECTED_ERROR;
  }
  let body: Record<string, unknown> | undefined;
  if (route.body) {
    const decoded = await readBody(req);
    if (decoded === TOO_LARGE) return BODY_TOO_LARGE;
    if (Array.isArray(decoded)) return { status: 422, body: { detail: decoded } };
    body = decoded;
  }
  return route.handle(app, { query, body });
}

const TOO_LARGE = Symbol('too large');

/** A form or JSON body as an object; a list of validation errors for malformed JSON. */
async function readBody(
  req: IncomingMessage,
): Promise<Record<string, unknown> | ValidationErrorItem[] | typeof TOO_LARGE> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return TOO_LARGE;
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return [
        {
          type: 'json_invalid',
          loc: ['body', 0],
          msg: 'JSON decode error',
          input: {},
          ctx: { error: (e as Error).message },
        },
      ];
    }
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const json = reply.json ?? JSON.stringify(reply.body);
  res.statusCode = reply.status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(json));
  if (reply.headers) for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  res.end(json);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(listenError(e, host, port));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host, port });
  });
}

function listenError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (e.code) {
    case 'EADDRINUSE':
      return new UserError(`port ${port} on ${host} is already in use`, {
        hint: 'pick another --port, or 0 for a free one',
      });
    case 'EACCES':
      return new UserError(`not allowed to listen on ${host}:${port}`, {
        hint: 'ports below 1024 need privileges',
      });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new UserError(`cannot listen on host ${host}: not an address of this machine`, {
        hint: 'use --host 127.0.0.1 or 0.0.0.0',
      });
    default:
      return e;
  }
}

/** The one line printed on start; parents read the port from it. */
export function listeningLine(service: RunningSampleService): string {
  return `sample-service ${service.options.version} listening on ${service.url}`;
}
