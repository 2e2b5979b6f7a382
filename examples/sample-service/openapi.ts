import type { SampleApiVersion } from './options.ts';
import { isApiRoute, type SampleRoute } from './routes.ts';
import type { IntegerQueryParam } from './validation.ts';

/**
 * The OpenAPI 3.1 document, in the style FastAPI (with pydantic v2) generates, built from the same
 * route table the server dispatches on — so it lists exactly the operations served, with the
 * parameters they validate and the shapes they return.
 */

export type JsonSchema = Record<string, unknown>;

export interface OpenApiOperation {
  tags: string[];
  summary: string;
  description: string;
  operationId: string;
  parameters?: JsonSchema[];
  requestBody?: JsonSchema;
  responses: Record<string, JsonSchema>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes?: Record<string, JsonSchema> };
}

export interface OpenApiOptions {
  /** The service version: FastAPI's `info.version` is the app's version, not the API shape's. */
  version: string;
  apiVersion: SampleApiVersion;
  auth: boolean;
}

export const OPENAPI_TITLE = 'PiWardrive Sample Service';
export const SECURITY_SCHEME = 'OAuth2PasswordBearer';

export function buildOpenApiDocument(
  routes: readonly SampleRoute[],
  options: OpenApiOptions,
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    if (!route.inSchema) continue;
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, OpenApiOperation>)[route.method.toLowerCase()] = operation(
      route,
      options,
    );
  }
  const all = componentSchemas(options.apiVersion);
  const components: OpenApiDocument['components'] = { schemas: referencedSchemas(paths, all) };
  if (options.auth) {
    components.securitySchemes = {
      [SECURITY_SCHEME]: { type: 'oauth2', flows: { password: { scopes: {}, tokenUrl: 'token' } } },
    };
  }
  return { openapi: '3.1.0', info: { title: OPENAPI_TITLE, version: options.version }, paths, components };
}

/** FastAPI's generate_unique_id: handler name + path with non-word characters as `_` + method. */
export function operationId(route: Pick<SampleRoute, 'name' | 'path' | 'method'>): string {
  const base = `${route.name}${route.path}`.replace(/\W/g, '_');
  return `${base}_${route.method.toLowerCase()}`;
}

function operation(route: SampleRoute, options: OpenApiOptions): OpenApiOperation {
  const op: OpenApiOperation = {
    tags: [route.tag],
    summary: route.name
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(' '),
    description: route.description,
    operationId: operationId(route),
    responses: {},
  };
  const secured = options.auth && isApiRoute(route);
  if (secured) op.security = [{ [SECURITY_SCHEME]: [] }];
  if (route.query.length > 0) op.parameters = route.query.map(queryParameter);
  if (route.body) {
    const content: Record<string, JsonSchema> = {};
    for (const type of route.body.mediaTypes) content[type] = { schema: ref(route.body.schema) };
    op.requestBody = { content, required: true };
  }
  for (const r of route.responses) op.responses[String(r.status)] = jsonResponse(r.description, r.schema);
  if (secured) op.responses['401'] = jsonResponse('Not authenticated', 'ErrorDetail');
  if (route.query.length > 0 || route.body)
    op.responses['422'] = jsonResponse('Validation Error', 'HTTPValidationError');
  return op;
}

function queryParameter(p: IntegerQueryParam): JsonSchema {
  const bounds: JsonSchema = { type: 'integer' };
  if (p.maximum !== undefined) bounds.maximum = p.maximum;
  if (p.minimum !== undefined) bounds.minimum = p.minimum;
  // pydantic v2 spells an optional parameter without a default as "integer or null".
  const schema: JsonSchema =
    p.required || p.default !== undefined
      ? { ...bounds, description: p.description }
      : { anyOf: [bounds, { type: 'null' }], description: p.description };
  if (p.default !== undefined) schema.default = p.default;
  schema.title = p.title;
  return { name: p.name, in: 'query', required: p.required, schema, description: p.description };
}

function jsonResponse(description: string, schema: string): JsonSchema {
  return { description, content: { 'application/json': { schema: ref(schema) } } };
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** Only the schemas the operations reach, like FastAPI, sorted by name. */
function referencedSchemas(
  paths: OpenApiDocument['paths'],
  all: Record<string, JsonSchema>,
): Record<string, JsonSchema> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') {
          const name = value.slice('#/components/schemas/'.length);
          if (!found.has(name)) {
            found.add(name);
            const schema = all[name];
            if (!schema) throw new Error(`OpenAPI: no component schema named ${name}`);
            visit(schema);
          }
        } else {
          visit(value);
        }
      }
    }
  };
  visit(paths);
  return Object.fromEntries([...found].sort().map((name) => [name, all[name] as JsonSchema]));
}

const str = (title: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', ...extra, title });
const int = (title: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'integer', ...extra, title });
const num = (title: string): JsonSchema => ({ type: 'number', title });
const bool = (title: string): JsonSchema => ({ type: 'boolean', title });
const nullable = (type: string, title: string, extra: JsonSchema = {}): JsonSchema => ({
  anyOf: [{ type, ...extra }, { type: 'null' }],
  title,
});
const dateTime = (title: string): JsonSchema => str(title, { format: 'date-time' });
const arrayOf = (title: string, schema: string): JsonSchema => ({ items: ref(schema), type: 'array', title });
const counters = (title: string): JsonSchema => ({
  additionalProperties: { type: 'integer' },
  type: 'object',
  title,
});

/** A pydantic model: every property required unless listed as optional. */
function model(
  title: string,
  properties: Record<string, JsonSchema>,
  optional: readonly string[] = [],
): JsonSchema {
  return {
    properties,
    type: 'object',
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    title,
  };
}

function componentSchemas(apiVersion: SampleApiVersion): Record<string, JsonSchema> {
  const seenAt = { first_seen: dateTime('First Seen'), last_seen: dateTime('Last Seen') };
  const position = { lat: num('Lat'), lon: num('Lon') };
  const wifiNetwork =
    apiVersion === 1
      ? model('WifiNetwork', {
          bssid: str('Bssid'),
          ssid: nullable('string', 'Ssid'),
          signal_dbm: int('Signal Dbm'),
          channel: int('Channel'),
          encryption: str('Encryption'),
          ...seenAt,
          ...position,
        })
      : model('WifiNetwork', {
          bssid: str('Bssid'),
          name: nullable('string', 'Name'),
          signal_dbm: str('Signal Dbm'),
          channel: int('Channel'),
          encryption: str('Encryption'),
          ...seenAt,
          ...position,
        });
  const wifiNetworkList =
    apiVersion === 1
      ? model('WifiNetworkList', {
          total: int('Total'),
          limit: int('Limit'),
          offset: int('Offset'),
          networks: arrayOf('Networks', 'WifiNetwork'),
        })
      : model('WifiNetworkList', {
          total: int('Total'),
          limit: int('Limit'),
          networks: arrayOf('Networks', 'WifiNetwork'),
        });
  return {
    Body_login_token_post: model(
      'Body_login_token_post',
      {
        grant_type: nullable('string', 'Grant Type', { pattern: '^password$' }),
        username: str('Username'),
        password: str('Password', { format: 'password' }),
        scope: str('Scope', { default: '' }),
        client_id: nullable('string', 'Client Id'),
        client_secret: { ...nullable('string', 'Client Secret'), format: 'password' },
      },
      ['grant_type', 'scope', 'client_id', 'client_secret'],
    ),
    BluetoothDevice: model('BluetoothDevice', {
      address: str('Address'),
      name: nullable('string', 'Name'),
      rssi: int('Rssi'),
      device_type: str('Device Type', { enum: ['ble', 'classic', 'dual'] }),
      manufacturer: nullable('string', 'Manufacturer'),
      ...seenAt,
      ...position,
    }),
    BluetoothDeviceList: model('BluetoothDeviceList', {
      total: int('Total'),
      limit: int('Limit'),
      devices: arrayOf('Devices', 'BluetoothDevice'),
    }),
    ChannelSummary: model('ChannelSummary', {
      channel: int('Channel'),
      networks: int('Networks'),
      avg_signal_dbm: num('Avg Signal Dbm'),
    }),
    ChannelSummaryList: model('ChannelSummaryList', { channels: arrayOf('Channels', 'ChannelSummary') }),
    DatabaseHealth: model('DatabaseHealth', {
      connected: bool('Connected'),
      connection_ms: num('Connection Ms'),
    }),
    ErrorDetail: model('ErrorDetail', { detail: str('Detail') }),
    HTTPValidationError: {
      properties: { detail: arrayOf('Detail', 'ValidationError') },
      type: 'object',
      title: 'HTTPValidationError',
    },
    HealthStatus: model('HealthStatus', {
      status: str('Status', { enum: ['healthy', 'unhealthy'] }),
      version: str('Version'),
      timestamp: dateTime('Timestamp'),
      uptime_seconds: num('Uptime Seconds'),
      database: ref('DatabaseHealth'),
    }),
    LatencySummary: model('LatencySummary', {
      count: int('Count', { description: 'Requests answered since start' }),
      window: int('Window', { description: 'Recent requests the percentiles and max are computed over' }),
      mean: num('Mean'),
      p50: num('P50'),
      p90: num('P90'),
      p95: num('P95'),
      p99: num('P99'),
      max: num('Max'),
    }),
    MemoryUsage: model('MemoryUsage', {
      rss_bytes: int('Rss Bytes'),
      heap_used_bytes: int('Heap Used Bytes'),
      external_bytes: int('External Bytes'),
      leaked_bytes: int('Leaked Bytes', { description: 'Retained on purpose by the leak knob' }),
    }),
    RequestCounters: model('RequestCounters', {
      total: int('Total'),
      in_flight: int('In Flight'),
      errors: int('Errors', { description: 'Responses with status 500 and above' }),
      by_status: counters('By Status'),
      by_route: counters('By Route'),
    }),
    RequestTotals: model('RequestTotals', {
      total: int('Total'),
      in_flight: int('In Flight'),
      errors: int('Errors', { description: 'Responses with status 500 and above' }),
    }),
    ServiceMetrics: model('ServiceMetrics', {
      uptime_seconds: num('Uptime Seconds'),
      requests: ref('RequestCounters'),
      latency_ms: ref('LatencySummary'),
      memory: ref('MemoryUsage'),
      injected_errors: int('Injected Errors'),
    }),
    ServiceStatus: model('ServiceStatus', {
      service: str('Service'),
      version: str('Version'),
      api_version: int('Api Version'),
      started_at: dateTime('Started At'),
      uptime_seconds: num('Uptime Seconds'),
      requests: ref('RequestTotals'),
      database: ref('TableCounts'),
    }),
    TableCounts: model('TableCounts', {
      wifi_networks: int('Wifi Networks'),
      bluetooth_devices: int('Bluetooth Devices'),
    }),
    Token: model('Token', {
      access_token: str('Access Token'),
      token_type: str('Token Type', { const: 'bearer' }),
      expires_in: int('Expires In'),
    }),
    ValidationError: model(
      'ValidationError',
      {
        loc: {
          items: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
          type: 'array',
          title: 'Location',
        },
        msg: str('Message'),
        type: str('Error Type'),
        input: { title: 'Input' },
        ctx: { type: 'object', title: 'Context' },
      },
      ['input', 'ctx'],
    ),
    WifiNetwork: wifiNetwork,
    WifiNetworkList: wifiNetworkList,
  };
}
