import type { TokenStore } from './auth.ts';
import type { SampleDatabase } from './db.ts';
import type { FaultInjector } from './faults.ts';
import { type RequestMetrics, round3 } from './metrics.ts';
import type { SampleApiVersion, SampleServiceOptions } from './options.ts';
import {
  type IntegerQueryParam,
  missingField,
  notAString,
  patternMismatch,
  type QueryValues,
  type ValidationErrorItem,
} from './validation.ts';

/** What every handler can reach: one per running service. */
export interface SampleApp {
  options: SampleServiceOptions;
  db: SampleDatabase;
  tokens: TokenStore;
  metrics: RequestMetrics;
  faults: FaultInjector;
  startedAt: Date;
  /** The serialised OpenAPI document, built once at start. */
  openapiJson: string;
}

export interface RouteRequest {
  query: QueryValues;
  /** Decoded form or JSON body, for routes that declare one. */
  body: Record<string, unknown> | undefined;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Already-serialised JSON (lists come ready-made from SQLite), sent as is instead of `body`. */
  json?: string;
  headers?: Record<string, string>;
}

export interface DeclaredResponse {
  status: number;
  description: string;
  /** Name of a schema in openapi.ts's components. */
  schema: string;
}

export interface SampleRoute {
  method: 'GET' | 'POST';
  path: string;
  /** Handler name in FastAPI's sense: the operationId and summary derive from it. */
  name: string;
  tag: string;
  description: string;
  query: readonly IntegerQueryParam[];
  /** Request body schema and media types, for POST /token. */
  body?: { schema: string; mediaTypes: readonly string[] };
  /** Success and designed error responses; openapi.ts adds 401 and 422 where they apply. */
  responses: readonly DeclaredResponse[];
  /** FastAPI leaves its own /openapi.json out of the document; so do we. */
  inSchema: boolean;
  handle(app: SampleApp, request: RouteRequest): Reply;
}

/** Auth and fault injection sit in front of /api/*, nothing else. */
export function isApiRoute(route: Pick<SampleRoute, 'path'>): boolean {
  return route.path.startsWith('/api/');
}

export const NOT_AUTHENTICATED: Reply = {
  status: 401,
  body: { detail: 'Not authenticated' },
  headers: { 'www-authenticate': 'Bearer' },
};

const limitParam = (max: number): IntegerQueryParam => ({
  name: 'limit',
  title: 'Limit',
  description: 'Maximum number of items to return',
  required: false,
  default: 50,
  minimum: 1,
  maximum: max,
});

const offsetParam: IntegerQueryParam = {
  name: 'offset',
  title: 'Offset',
  description: 'Number of items to skip',
  required: false,
  default: 0,
  minimum: 0,
};

const minSignalParam: IntegerQueryParam = {
  name: 'min_signal',
  title: 'Min Signal',
  description: 'Only networks at least this strong (dBm)',
  required: false,
  minimum: -120,
  maximum: 0,
};

const minRssiParam: IntegerQueryParam = {
  name: 'min_rssi',
  title: 'Min Rssi',
  description: 'Only devices at least this strong (dBm)',
  required: true,
  minimum: -120,
  maximum: 0,
};

const MAX_LIMIT = 500;

const ok = (schema: string): DeclaredResponse => ({
  status: 200,
  description: 'Successful Response',
  schema,
});

function uptimeSeconds(app: SampleApp): number {
  return round3((Date.now() - app.startedAt.getTime()) / 1000);
}

const health: SampleRoute = {
  method: 'GET',
  path: '/health',
  name: 'health',
  tag: 'health',
  description:
    'Liveness and readiness: answers 503 when the database is unreachable or the service is told to fail.',
  query: [],
  responses: [ok('HealthStatus'), { status: 503, description: 'Service Unhealthy', schema: 'HealthStatus' }],
  inSchema: true,
  handle(app) {
    let connected = true;
    let connectionMs = 0;
    try {
      connectionMs = round3(app.db.ping());
    } catch {
      connected = false;
    }
    const healthy = connected && !app.options.failHealth;
    return {
      status: healthy ? 200 : 503,
      body: {
        status: healthy ? 'healthy' : 'unhealthy',
        version: app.options.version,
        timestamp: new Date().toISOString(),
        uptime_seconds: uptimeSeconds(app),
        database: { connected, connection_ms: connectionMs },
      },
    };
  },
};

const PASSWORD_GRANT = '^password$';

const token: SampleRoute = {
  method: 'POST',
  path: '/token',
  name: 'login',
  tag: 'auth',
  description: 'OAuth2 password flow: exchange username and password for a bearer token.',
  query: [],
  body: { schema: 'Body_login_token_post', mediaTypes: ['application/x-www-form-urlencoded'] },
  responses: [
    ok('Token'),
    { status: 401, description: 'Incorrect username or password', schema: 'ErrorDetail' },
  ],
  inSchema: true,
  handle(app, request) {
    const body = request.body ?? {};
    const errors: ValidationErrorItem[] = [];
    const field = (name: string): string | undefined => {
      const value = body[name];
      if (value === undefined || value === null) {
        errors.push(missingField(['body', name]));
        return undefined;
      }
      if (typeof value !== 'string') {
        errors.push(notAString(['body', name], value));
        return undefined;
      }
      return value;
    };
    const grantType = body.grant_type;
    if (typeof grantType === 'string' && grantType !== 'password') {
      errors.push(patternMismatch(['body', 'grant_type'], grantType, PASSWORD_GRANT));
    }
    const username = field('username');
    const password = field('password');
    if (errors.length > 0 || username === undefined || password === undefined) {
      return { status: 422, body: { detail: errors } };
    }
    const issued = app.tokens.login(username, password);
    if (!issued) {
      return {
        status: 401,
        body: { detail: 'Incorrect username or password' },
        headers: { 'www-authenticate': 'Bearer' },
      };
    }
    return { status: 200, body: issued };
  },
};

const serviceStatus: SampleRoute = {
  method: 'GET',
  path: '/api/status',
  name: 'service_status',
  tag: 'service',
  description: 'Version, uptime, request counts and database row counts.',
  query: [],
  responses: [ok('ServiceStatus')],
  inSchema: true,
  handle(app) {
    const counts = app.metrics.counts();
    return {
      status: 200,
      body: {
        service: 'sample-service',
        version: app.options.version,
        api_version: app.options.apiVersion,
        started_at: app.startedAt.toISOString(),
        uptime_seconds: uptimeSeconds(app),
        requests: { total: counts.total, in_flight: counts.in_flight, errors: counts.errors },
        database: app.db.counts(),
      },
    };
  },
};

const metrics: SampleRoute = {
  method: 'GET',
  path: '/api/metrics',
  name: 'service_metrics',
  tag: 'service',
  description: 'Request counters, a latency summary over recent requests, and memory use.',
  query: [],
  responses: [ok('ServiceMetrics')],
  inSchema: true,
  handle(app) {
    const memory = process.memoryUsage();
    return {
      status: 200,
      body: {
        uptime_seconds: uptimeSeconds(app),
        requests: app.metrics.counts(),
        latency_ms: app.metrics.latency(),
        memory: {
          rss_bytes: memory.rss,
          heap_used_bytes: memory.heapUsed,
          external_bytes: memory.external,
          leaked_bytes: app.faults.leakedBytes,
        },
        injected_errors: app.faults.injectedErrors,
      },
    };
  },
};

function wifiNetworks(apiVersion: SampleApiVersion): SampleRoute {
  const paged = apiVersion === 1;
  return {
    method: 'GET',
    path: '/api/wifi/networks',
    name: 'list_wifi_networks',
    tag: 'wifi',
    description: 'Wi-Fi networks seen by the survey, in discovery order, optionally only the strong ones.',
    query: paged
      ? [limitParam(MAX_LIMIT), offsetParam, minSignalParam]
      : [limitParam(MAX_LIMIT), minSignalParam],
    responses: [ok('WifiNetworkList')],
    inSchema: true,
    handle(app, { query }) {
      const limit = query.limit as number;
      // v2 dropped the offset parameter; FastAPI ignores unknown query parameters, so a v1 client's offset is ignored.
      const offset = paged ? (query.offset as number) : 0;
      const page = app.db.wifiNetworks({ limit, offset, minSignal: query.min_signal });
      const head = paged
        ? `"total":${page.total},"limit":${limit},"offset":${offset}`
        : `"total":${page.total},"limit":${limit}`;
      return { status: 200, json: `{${head},"networks":${page.json}}` };
    },
  };
}

function bluetoothDevices(apiVersion: SampleApiVersion): SampleRoute {
  return {
    method: 'GET',
    path: '/api/bluetooth/devices',
    name: 'list_bluetooth_devices',
    tag: 'bluetooth',
    description: 'Bluetooth devices seen by the survey, in discovery order.',
    query: apiVersion === 1 ? [limitParam(MAX_LIMIT)] : [limitParam(MAX_LIMIT), minRssiParam],
    responses: [ok('BluetoothDeviceList')],
    inSchema: true,
    handle(app, { query }) {
      const limit = query.limit as number;
      const page = app.db.bluetoothDevices({ limit, minRssi: query.min_rssi });
      return {
        status: 200,
        json: `{"total":${page.total},"limit":${limit},"devices":${page.json}}`,
      };
    },
  };
}

const wifiChannels: SampleRoute = {
  method: 'GET',
  path: '/api/wifi/channels',
  name: 'wifi_channel_summary',
  tag: 'wifi',
  description: 'Networks per channel with their average signal.',
  query: [],
  responses: [ok('ChannelSummaryList')],
  inSchema: true,
  handle(app) {
    return { status: 200, json: `{"channels":${app.db.wifiChannels()}}` };
  },
};

const openapi: SampleRoute = {
  method: 'GET',
  path: '/openapi.json',
  name: 'openapi',
  tag: 'meta',
  description: 'This document.',
  query: [],
  responses: [],
  inSchema: false,
  handle(app) {
    return { status: 200, json: app.openapiJson };
  },
};

/** Every route the service answers for an API version; the server and the OpenAPI document both read this. */
export function sampleRoutes(apiVersion: SampleApiVersion): SampleRoute[] {
  const routes = [
    health,
    token,
    serviceStatus,
    metrics,
    wifiNetworks(apiVersion),
    bluetoothDevices(apiVersion),
  ];
  if (apiVersion === 2) routes.push(wifiChannels);
  routes.push(openapi);
  return routes;
}
