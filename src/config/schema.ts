import { z } from 'zod';
import { parseDuration, parsePercent, parseRate, parseSize } from '../core/units.ts';
import { ROUTER_KINDS, TARGET_KINDS } from '../deploy/kinds.ts';

/**
 * The schema of `shipgate.config.yaml` / `.json`. Every section is strict (a misspelt key is an
 * error, not a silently ignored setting) and fully defaulted, so an empty file yields the whole
 * default config. Defaults are the numbers the PiWardrive originals used.
 *
 * Files hold durations with units (`2s`, `100ms`; a bare number is seconds) and percentages as
 * numbers of percent (`10` or `"10%"`); the parsed config holds milliseconds and numbers.
 *
 * To add a section: write its schema below and add one line to `sections`.
 */

/** What the loader, the display and the secret registration need to know about a field. */
export interface FieldMeta {
  /** How the value is written by people; the parsed value is ms / bytes / percent / per second. */
  unit?: 'duration' | 'size' | 'percent' | 'rate';
  /** `value`: the whole value is a secret; `url-credentials`: only the password inside the URL is. */
  secret?: 'value' | 'url-credentials';
}

export const fieldMeta = z.registry<FieldMeta>();

/** `got "fast"`, `got 12`, `got a list` — how a bad input value is quoted in messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function expectedGot(expected: string, value: unknown): string {
  return `expected ${expected}, got ${describeValue(value)}`;
}

interface UnitOptions {
  /** Smallest accepted value, in the parsed unit (ms, %, …). */
  min?: number;
  /** Whether `min` itself is accepted. */
  exclusive?: boolean;
  max?: number;
}

/**
 * A value written as a string or number and parsed by one of the units.ts parsers. The error
 * map covers wrong types (a boolean, a list); the transform covers unparseable text and range.
 */
export function unitField(
  expected: string,
  parse: (input: string | number) => number,
  unit: FieldMeta['unit'],
  options: UnitOptions = {},
) {
  const { min, max, exclusive = false } = options;
  const schema = z
    .union([z.string(), z.number()], { error: (issue) => expectedGot(expected, issue.input) })
    .transform((input, ctx) => {
      let value: number;
      try {
        value = parse(input);
      } catch {
        ctx.addIssue({ code: 'custom', message: expectedGot(expected, input), input });
        return z.NEVER;
      }
      const tooSmall = min !== undefined && (exclusive ? value <= min : value < min);
      const tooBig = max !== undefined && value > max;
      if (tooSmall || tooBig) {
        const range =
          max === undefined
            ? `${exclusive ? 'more than' : 'at least'} ${min}`
            : min === undefined
              ? `at most ${max}`
              : `between ${min} and ${max}`;
        ctx.addIssue({ code: 'custom', message: expectedGot(`${expected} ${range}`, input), input });
        return z.NEVER;
      }
      return value;
    });
  return schema.register(fieldMeta, { unit });
}

/** Milliseconds, written `250ms`, `2s`, `5m` or a bare number of seconds. */
export const duration = (options: UnitOptions = {}) =>
  unitField('a duration like 2s', parseDuration, 'duration', options);
/** A duration that must be more than zero (timeouts, intervals). */
export const positiveDuration = () => duration({ min: 0, exclusive: true });
/** A number of percent, written `10` or `"10%"`. */
const percent = (options: UnitOptions = { min: 0, max: 100 }) =>
  unitField('a percentage like 80%', parsePercent, 'percent', options);
/** Bytes, written `10MB`, `512KiB` or a bare number of bytes. */
const size = () => unitField('a size like 10MB', parseSize, 'size');
/** Per second, written `50`, `50/s` or `3000/m`. */
export const rate = () => unitField('a rate like 50/s', parseRate, 'rate');

export const count = (min: number) => z.number().int().min(min);

/** A string whose whole value must never be shown. */
export const secret = () => z.string().min(1).register(fieldMeta, { secret: 'value' });
/** A connection URL that may carry a password (`postgres://user:pass@host/db`). */
const connectionUrl = () => z.string().min(1).register(fieldMeta, { secret: 'url-credentials' });

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export const httpUrl = () =>
  z.string().refine(isHttpUrl, { error: (issue) => expectedGot('an http(s) URL', issue.input) });

/** An absolute http(s) URL, or a path under `service.baseUrl`. */
const urlOrPath = () =>
  z.string().refine((v) => v.startsWith('/') || isHttpUrl(v), {
    error: (issue) => expectedGot('an http(s) URL or a path starting with /', issue.input),
  });

export const urlPath = () =>
  z.string().refine((v) => v.startsWith('/'), {
    error: (issue) => expectedGot('a path starting with /', issue.input),
  });

export const envName = () =>
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    error: (issue) => expectedGot('an environment variable name like STAGING_AUTH_TOKEN', issue.input),
  });

// ---------------------------------------------------------------------------------------------
// service: the HTTP service under test. PiWardrive's ports, paths and auth disagree between its
// own docs and code, so every part of "how to reach it and tell it is healthy" is configurable.

const loginSchema = z.strictObject({
  path: urlPath().default('/token'),
  username: z.string().min(1).optional(),
  /** Names the variable holding the password; the password itself never sits in the file. */
  passwordEnv: envName().optional(),
});

const authSchema = z.strictObject({
  tokenEnv: envName().default('STAGING_AUTH_TOKEN'),
  token: secret().optional(),
  header: z.string().min(1).default('Authorization'),
  /** Empty for headers that take the bare token (`X-API-Key`). */
  scheme: z.string().default('Bearer'),
  login: loginSchema.optional(),
});

const serviceSchema = z.strictObject({
  baseUrl: httpUrl().default('http://localhost:8080'),
  healthPath: urlPath().default('/health'),
  expectStatus: z
    .array(z.number().int().min(100).max(599))
    .min(1)
    .default(() => [200]),
  healthBody: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  auth: authSchema.prefault({}),
});

// ---------------------------------------------------------------------------------------------
// load: the seed's load_test_config defaults.

const loadSchema = z.strictObject({
  users: count(1).default(10),
  duration: positiveDuration().prefault('60s'),
  rampUp: duration().prefault('10s'),
  timeout: positiveDuration().prefault('30s'),
  stress: z.strictObject({ maxUsers: count(1).default(200) }).prefault({}),
  endurance: z.strictObject({ duration: positiveDuration().prefault('300s') }).prefault({}),
  /** Hosts besides loopback that load tests may target (`staging.example.com`, `*.internal`, `10.0.0.5:8000`). */
  allowedHosts: z.array(z.string().min(1)).default(() => []),
});

// ---------------------------------------------------------------------------------------------
// thresholds: the seed's performance_thresholds (its alert conditions).

const thresholdsSchema = z.strictObject({
  apiResponseTime: positiveDuration().prefault('2s'),
  dbQueryTime: positiveDuration().prefault('100ms'),
  memoryPercent: percent().prefault(80),
  cpuPercent: percent().prefault(80),
  diskPercent: percent().prefault(85),
  networkLatency: positiveDuration().prefault('100ms'),
  throughputRps: rate().prefault(50),
  errorRatePercent: percent().prefault(5),
});

// ---------------------------------------------------------------------------------------------
// regression: how much worse than the baseline a run may be. Staging is noisier, hence looser.

const regressionSchema = z.strictObject({
  threshold: percent({ min: 0, exclusive: true }).prefault(10),
  stagingThreshold: percent({ min: 0, exclusive: true }).prefault(30),
});

// ---------------------------------------------------------------------------------------------
// coverage: track_coverage.sh's 80 % gate and 90 % target.

const coverageSchema = z
  .strictObject({
    min: percent().prefault(80),
    target: percent().prefault(90),
  })
  .superRefine((value, ctx) => {
    if (value.target < value.min) {
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: `expected at least coverage.min (${value.min}%), got ${value.target}%`,
      });
    }
  });

// ---------------------------------------------------------------------------------------------
// tests: `shipgate tests` — history window, flaky and duration analysis, the executed-test guard.

const testsSchema = z.strictObject({
  /** History and trends are kept per suite (unit, e2e, …). */
  suite: z.string().min(1).default('tests'),
  /** Beside this file, not in .shipgate/ (the local store's folder, usually git-ignored): it is reviewed like code. */
  quarantineFile: z.string().min(1).default('shipgate.quarantine.yaml'),
  /** Fail when executed tests drop more than this below the median of recent runs. */
  maxExecutedDrop: percent().prefault(10),
  /** Earlier runs that flaky and duration analysis read. */
  window: count(1).default(30),
  slowest: count(1).default(10),
  /** Past runs a test needs before its duration or failure rate is judged. */
  minSamples: count(2).default(5),
  /** Robust z (scaled MADs above the median) beyond which a test is slower than usual… */
  durationZ: z.number().positive().default(3.5),
  /** …and the slowdown it must also exceed. */
  minSlowdown: duration({ min: 0 }).prefault('50ms'),
  /** Lower bound of the failure-rate interval above which an intermittent test is flaky. */
  flakyRate: percent().prefault(2),
});

// ---------------------------------------------------------------------------------------------
// apiDiff: `shipgate api-diff` — the gate level, approvals, URL auth, re-rated rules.

const apiLevel = () => z.enum(['ERR', 'WARN', 'INFO']);

const apiDiffSchema = z.strictObject({
  /** Fail when a change at or above this level remains (--fail-on overrides). */
  failOn: apiLevel().default('ERR'),
  /** Approved changes (fingerprint or rule + operation, reason, expiry); --ignore overrides. */
  ignoreFile: z.string().min(1).optional(),
  /** Names the variable holding the bearer token for URL sources (--token overrides). */
  tokenEnv: envName().default('SHIPGATE_API_TOKEN'),
  /** Rule id → ERR, WARN, INFO or none (off), like oasdiff's --severity-levels. */
  levels: z.record(z.string().min(1), z.enum(['ERR', 'WARN', 'INFO', 'none'])).default(() => ({})),
});

// ---------------------------------------------------------------------------------------------
// monitor: performance_monitor.py's cycle, endpoints, database and host checks.

const endpointSchema = z.strictObject({
  name: z.string().min(1),
  url: urlOrPath(),
  /** The seed's monitor ignored per-endpoint timeouts and always waited 10 s; that is the default. */
  timeout: positiveDuration().prefault('10s'),
});

/** The seed's five endpoints; paths are under service.baseUrl, so they follow it when it moves. */
const seedEndpoints = () => [
  { name: 'health_check', url: '/health', timeout: '10s' },
  { name: 'status_api', url: '/api/status', timeout: '15s' },
  { name: 'wifi_networks', url: '/api/wifi/networks', timeout: '30s' },
  { name: 'bluetooth_devices', url: '/api/bluetooth/devices', timeout: '30s' },
  { name: 'metrics_endpoint', url: '/api/metrics', timeout: '20s' },
];

const checkBase = {
  name: z.string().min(1),
  timeout: positiveDuration().prefault('10s'),
};

const bodyCondition = z.strictObject({
  /** A dotted path into the JSON body (`data.items.0.id`); empty for the whole body. */
  path: z.string().default(''),
  op: z.enum(['==', '!=', '<', '<=', '>', '>=', 'exists', 'contains']).default('=='),
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
});

const checkSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...checkBase,
    kind: z.literal('http'),
    url: urlOrPath(),
    method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
    expectStatus: z
      .array(z.number().int().min(100).max(599))
      .min(1)
      .default(() => [200]),
    headers: z.record(z.string(), z.string()).default(() => ({})),
    /** Names the variable holding a bearer token for this check. */
    tokenEnv: envName().optional(),
    body: z.array(bodyCondition).default(() => []),
  }),
  z.strictObject({
    ...checkBase,
    kind: z.literal('sqlite'),
    path: z.string().min(1),
    query: z.string().default('SELECT 1'),
  }),
  z.strictObject({
    ...checkBase,
    kind: z.literal('postgres'),
    url: connectionUrl(),
    query: z.string().default('SELECT 1'),
  }),
  z.strictObject({
    ...checkBase,
    kind: z.literal('redis'),
    url: connectionUrl(),
    /** A command run after PING and timed on its own, as words (`[GET, some:key]`). */
    command: z.array(z.string().min(1)).min(1).optional(),
  }),
  z.strictObject({
    ...checkBase,
    kind: z.literal('host'),
    mounts: z.array(z.string().min(1)).default(() => ['/']),
  }),
  z.strictObject({
    ...checkBase,
    kind: z.literal('process'),
    pid: z.number().int().min(1).optional(),
    /** Matched against the process name and its command line. */
    match: z.string().min(1).optional(),
  }),
  z.strictObject({
    ...checkBase,
    kind: z.literal('gates'),
    /** The latest recorded run of each of these kinds becomes samples (coverage, regression…). */
    kinds: z
      .array(z.string().min(1))
      .min(1)
      .default(() => ['coverage', 'compare']),
  }),
]);

const severity = () => z.enum(['warning', 'critical']);

const ruleSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
      error: (issue) => expectedGot('a rule name like api_response_time', issue.input),
    }),
    metric: z.string().min(1),
    /** Only series whose labels include all of these. */
    match: z.record(z.string(), z.string()).default(() => ({})),
    above: z.number().optional(),
    below: z.number().optional(),
    /** Hysteresis: once firing, the value must get back past this level to count as recovered. */
    recover: z.number().optional(),
    for: duration().optional(),
    failureThreshold: count(1).optional(),
    successThreshold: count(1).optional(),
    /** Stay firing this long after the condition clears (Prometheus keep_firing_for). */
    keepFiringFor: duration().prefault(0),
    severity: severity().default('warning'),
    labels: z.record(z.string(), z.string()).default(() => ({})),
    summary: z.string().optional(),
    /** When a series stops reporting: keep its state, treat it as fine, or as breaching. */
    noData: z.enum(['keep', 'ok', 'alerting']).default('keep'),
  })
  .superRefine((rule, ctx) => {
    if ((rule.above === undefined) === (rule.below === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['above'], message: 'expected exactly one of above or below' });
    }
  });

const clock = () =>
  z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: (issue) => expectedGot('a time like 02:30', issue.input) });

const maintenanceSchema = z
  .strictObject({
    name: z.string().min(1),
    /** A one-off window (ISO 8601 times). */
    start: z.iso.datetime({ offset: true }).optional(),
    end: z.iso.datetime({ offset: true }).optional(),
    /** A daily window in UTC (`02:00`–`03:00`; may wrap past midnight). */
    daily: z.strictObject({ from: clock(), to: clock() }).optional(),
    /** Only alerts whose labels include all of these are muted; empty mutes every alert. */
    match: z.record(z.string(), z.string()).default(() => ({})),
  })
  .superRefine((w, ctx) => {
    if (!w.daily && !(w.start && w.end)) {
      ctx.addIssue({ code: 'custom', path: ['start'], message: 'expected start and end, or daily' });
    }
  });

const monitorSchema = z.strictObject({
  interval: positiveDuration().prefault('60s'),
  endpoints: z
    .array(endpointSchema)
    .superRefine((endpoints, ctx) => {
      const seen = new Set<string>();
      endpoints.forEach((endpoint, i) => {
        // Names key the recorded metrics (api_response_time_<name>), so two endpoints may not share one.
        if (seen.has(endpoint.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `duplicate endpoint name "${endpoint.name}"`,
          });
        }
        seen.add(endpoint.name);
      });
    })
    .prefault(seedEndpoints),
  processes: z.array(z.string().min(1)).default(() => ['piwardrive', 'postgres', 'redis']),
  database: z
    .strictObject({
      url: connectionUrl().optional(),
      maxConnectionTime: positiveDuration().prefault('1s'),
      maxQueryTime: positiveDuration().prefault('0.5s'),
      poolSize: count(1).default(20),
      queryTimeout: positiveDuration().prefault('30s'),
    })
    .prefault({}),
  redisUrl: connectionUrl().optional(),
  system: z
    .strictObject({
      cpuAlert: percent().prefault(80),
      memoryAlert: percent().prefault(85),
      diskAlert: percent().prefault(90),
      networkTimeout: positiveDuration().prefault('10s'),
    })
    .prefault({}),
  /** The seed monitor's own SQLite file of metrics and alerts (its `database_path`). */
  metricsDatabase: z.string().min(1).default('performance_metrics.db'),
  /** Checks besides the ones the sections above imply (endpoints, database, redis, host, processes). */
  checks: z.array(checkSchema).default(() => []),
  /** Alert rules besides the defaults derived from `thresholds`. */
  rules: z.array(ruleSchema).default(() => []),
  /** Whether the seed's alert conditions (from `thresholds`) are rules too. */
  defaultRules: z.boolean().default(true),
  /** Timing the default rules use; a rule of your own may set each itself. */
  alerting: z
    .strictObject({
      for: duration().prefault('1m'),
      failureThreshold: count(1).default(3),
      successThreshold: count(1).default(2),
    })
    .prefault({}),
  /** Raw samples are kept this long, per-minute roll-ups and per-hour roll-ups longer, so the store stays bounded. */
  retention: z
    .strictObject({
      raw: positiveDuration().prefault('24h'),
      minute: positiveDuration().prefault('48h'),
      hour: positiveDuration().prefault('90d'),
    })
    .prefault({}),
  maintenance: z.array(maintenanceSchema).default(() => []),
});

// ---------------------------------------------------------------------------------------------
// notify: where alerts go.

const emailAddress = () =>
  z.string().regex(/^[^\s@]+@[^\s@]+$/, { error: (issue) => expectedGot('an email address', issue.input) });

const notifySchema = z.strictObject({
  slack: z
    .strictObject({
      webhookUrl: httpUrl().register(fieldMeta, { secret: 'value' }).optional(),
    })
    .prefault({}),
  email: z
    .strictObject({
      smtpServer: z.string().min(1).optional(),
      smtpPort: z.number().int().min(1).max(65535).default(587),
      username: z.string().min(1).optional(),
      password: secret().optional(),
      from: emailAddress().optional(),
      recipients: z.array(emailAddress()).default(() => []),
      /** `daily` / `weekly`: alerts are collected and mailed as one digest at `digestAt` (UTC; weekly on Mondays). */
      digest: z.enum(['off', 'daily', 'weekly']).default('off'),
      digestAt: clock().default('08:00'),
      /**
       * `starttls` (required, as the seed did), `tls` (implicit TLS) or `none` (a local relay).
       * Unset: `tls` on port 465, `starttls` on any other.
       */
      security: z.enum(['starttls', 'tls', 'none']).optional(),
      /** A PEM file of CA certificates to trust for the SMTP server, besides the system's. */
      caFile: z.string().min(1).optional(),
    })
    .prefault({}),
  /** The seed's monitoring_webhook: alerts as JSON with a bearer API key. The URL is a secret there too. */
  webhook: z
    .strictObject({
      url: httpUrl().register(fieldMeta, { secret: 'value' }).optional(),
      apiKey: secret().optional(),
    })
    .prefault({}),
  /** One comment on the pull request, edited in place as alerts fire and resolve. */
  github: z
    .strictObject({
      /** `owner/name`; GITHUB_REPOSITORY in Actions. */
      repository: z
        .string()
        .regex(/^[^/\s]+\/[^/\s]+$/, { error: (i) => expectedGot('owner/name', i.input) })
        .optional(),
      pullRequest: z.number().int().min(1).optional(),
      tokenEnv: envName().default('GITHUB_TOKEN'),
      apiUrl: httpUrl().default('https://api.github.com'),
    })
    .prefault({}),
  alertmanager: z.strictObject({ url: httpUrl().optional() }).prefault({}),
  /** Alerts sharing these labels travel in one message. */
  groupBy: z.array(z.string().min(1)).default(() => ['alertname']),
  /** A still-firing alert is sent again after this long (Alertmanager's repeat_interval). */
  repeatInterval: positiveDuration().prefault('4h'),
  sendResolved: z.boolean().default(true),
  /** Undelivered messages wait in the store's outbox and are retried with exponential backoff. */
  retry: z
    .strictObject({
      initialDelay: positiveDuration().prefault('1s'),
      maxDelay: positiveDuration().prefault('5m'),
      /** After this long undelivered, a message is given up on (and reported). */
      giveUpAfter: positiveDuration().prefault('24h'),
    })
    .prefault({}),
});

// ---------------------------------------------------------------------------------------------
// logging, reporting, store

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** Python's level names, which the seed's files use. */
const LOG_LEVEL_ALIASES: Record<string, (typeof LOG_LEVELS)[number]> = {
  warning: 'warn',
  critical: 'error',
  fatal: 'error',
};

const logLevel = () =>
  z.preprocess((v) => {
    if (typeof v !== 'string') return v;
    const lower = v.trim().toLowerCase();
    return LOG_LEVEL_ALIASES[lower] ?? lower;
  }, z.enum(LOG_LEVELS));

const loggingSchema = z.strictObject({
  level: logLevel().default('info'),
  file: z.string().min(1).optional(),
  maxSize: size().prefault('10MB'),
  backupCount: count(0).default(5),
  console: z.boolean().default(true),
});

const reportingSchema = z.strictObject({
  html: z.boolean().default(true),
  retentionDays: count(1).default(30),
  dailySummary: z.boolean().default(true),
  weeklyReport: z.boolean().default(true),
});

const storeSchema = z.strictObject({
  /** A SQLite path or a postgres:// URL; unset means SHIPGATE_STORE or the default file. */
  url: connectionUrl().optional(),
});

// ---------------------------------------------------------------------------------------------
// deploy: blue_green_deployment.sh as environments. Health defaults are the seed's 30 tries x 5 s.

const portNumber = () => z.number().int().min(1).max(65_535);

const deployHealthSchema = z.strictObject({
  path: urlPath().default('/health'),
  expectStatus: z
    .array(z.number().int().min(100).max(599))
    .min(1)
    .default(() => [200]),
  /** JSON fields the health answer must have (`{ status: healthy }`). */
  body: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  timeout: positiveDuration().prefault('5s'),
  interval: positiveDuration().prefault('5s'),
  retries: count(1).default(30),
});

const deploySmokeSchema = z.strictObject({
  path: urlPath(),
  expectStatus: z
    .array(z.number().int().min(100).max(599))
    .min(1)
    .default(() => [200]),
});

const deployWatchSchema = z.strictObject({
  /** How long traffic through the router is watched after the switch; 0 skips the watch. */
  duration: duration({ min: 0 }).prefault('30s'),
  /** Probed through the router during the watch, so "no traffic" never passes as healthy. */
  path: urlPath().default('/health'),
  concurrency: count(1).default(2),
  maxErrorRate: percent().prefault(1),
  maxP95: positiveDuration().prefault('2s'),
  minRequests: count(1).default(20),
});

const deployRouterSchema = z.strictObject({
  kind: z.enum(ROUTER_KINDS).default('builtin'),
  listen: portNumber(),
  host: z.string().min(1).default('127.0.0.1'),
  /** How long the old colour may take to finish its in-flight requests after a switch. */
  drainTimeout: positiveDuration().prefault('30s'),
  /** nginx / haproxy / traefik binary (default: found on PATH). */
  binary: z.string().min(1).optional(),
  /** traefik: the watched dynamic-configuration directory, and its API for verification. */
  directory: z.string().min(1).optional(),
  api: httpUrl().optional(),
});

const deployEnvironmentSchema = z.strictObject({
  target: z.enum(TARGET_KINDS).default('process'),
  /** The command (process) with {port} and {version}; for compose, the compose file. */
  start: z.string().min(1),
  ports: z.strictObject({ blue: portNumber(), green: portNumber() }),
  host: z.string().min(1).default('127.0.0.1'),
  router: deployRouterSchema,
  health: deployHealthSchema.prefault({}),
  smoke: z.array(deploySmokeSchema).default(() => []),
  watch: deployWatchSchema.prefault({}),
  /** How long the previous colour keeps running for an instant rollback. */
  keepOld: duration({ min: 0 }).prefault('10m'),
  stopTimeout: positiveDuration().prefault('10s'),
  /** Added to the environment the started service inherits from shipgate. */
  env: z.record(z.string(), z.string()).default(() => ({})),
  /** Where pid files, logs and router configuration live. */
  stateDir: z.string().min(1).default('.shipgate/deploy'),
});

/** Environments by name (`production`, `staging`, …). */
const deploySchema = z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), deployEnvironmentSchema);

// staging: deploy_staging.sh's and tests/staging's checks.

const stagingEndpointSchema = z.strictObject({
  path: urlPath(),
  expectStatus: z.number().int().min(100).max(599).default(200),
  /** The answer must be JSON (and, when given, hold these fields). */
  json: z
    .union([z.boolean(), z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))])
    .default(true),
});

const stagingSchema = z.strictObject({
  /** The staging URL; unset means the staging environment's router. */
  url: httpUrl().optional(),
  healthPath: urlPath().default('/health'),
  responseTime: positiveDuration().prefault('2s'),
  dbConnectTime: positiveDuration().prefault('1s'),
  endpoints: z
    .array(stagingEndpointSchema)
    .default(() => [{ path: '/api/status', expectStatus: 200, json: true }]),
  burst: z
    .strictObject({
      requests: count(1).default(50),
      concurrency: count(1).default(10),
      path: urlPath().default('/health'),
      minSuccess: percent().prefault(90),
    })
    .prefault({}),
  /** The named baseline staging's performance is compared with. */
  baseline: z.string().min(1).default('production'),
  /** The short load test whose result is compared with the baseline; the seed allows staging 30 % more. */
  performance: z
    .strictObject({
      duration: positiveDuration().prefault('5s'),
      users: count(1).default(4),
      threshold: percent({ min: 0, exclusive: true }).prefault(30),
    })
    .prefault({}),
});

// ---------------------------------------------------------------------------------------------

const sections = {
  service: serviceSchema.prefault({}),
  load: loadSchema.prefault({}),
  thresholds: thresholdsSchema.prefault({}),
  regression: regressionSchema.prefault({}),
  coverage: coverageSchema.prefault({}),
  tests: testsSchema.prefault({}),
  apiDiff: apiDiffSchema.prefault({}),
  monitor: monitorSchema.prefault({}),
  notify: notifySchema.prefault({}),
  logging: loggingSchema.prefault({}),
  reporting: reportingSchema.prefault({}),
  store: storeSchema.prefault({}),
  deploy: deploySchema.default(() => ({})),
  staging: stagingSchema.prefault({}),
};

/** Joins a path onto the base URL's path (`http://h:8000/api` + `/health` → `…/api/health`). */
export function joinUrl(baseUrl: string, path: string): string {
  if (!path.startsWith('/')) return path;
  return baseUrl.replace(/\/+$/, '') + path;
}

/** The object schema the loader walks for key names; `configSchema` adds the cross-section step. */
export const configObjectSchema = z.strictObject(sections);

export const configSchema = configObjectSchema.transform((config) => {
  // Monitor endpoints given as paths follow service.baseUrl, so consumers only see absolute URLs.
  for (const endpoint of config.monitor.endpoints)
    endpoint.url = joinUrl(config.service.baseUrl, endpoint.url);
  return config;
});

/** The parsed, effective configuration: durations in ms, sizes in bytes, percentages in percent. */
export type Config = z.output<typeof configSchema>;
/** What a config file may contain. */
export type ConfigInput = z.input<typeof configSchema>;

export function defaultConfig(): Config {
  return configSchema.parse({});
}

// ---------------------------------------------------------------------------------------------
// Schema introspection, so the loader, display and secret handling follow the schema instead of
// keeping their own lists of keys.

/** Peels optional/default/prefault/pipe wrappers; returns the core schema and the metadata met on the way. */
export function unwrap(schema: z.ZodType): { core: z.ZodType; meta: FieldMeta } {
  let current: z.ZodType = schema;
  let meta: FieldMeta = {};
  for (;;) {
    const own = fieldMeta.get(current);
    if (own) meta = { ...own, ...meta };
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      // A transform's output side carries no keys; the input side is the shape people write.
      const input = current.in as z.ZodType;
      if (input instanceof z.ZodTransform) current = current.out as z.ZodType;
      else current = input;
    } else {
      return { core: current, meta };
    }
  }
}

/** The schema of the value at `path`, or undefined when the path leaves the schema. */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    if (!current) return undefined;
    const { core } = unwrap(current);
    if (core instanceof z.ZodObject) current = (core.shape as Record<string, z.ZodType>)[String(segment)];
    else if (core instanceof z.ZodArray) current = core.element as z.ZodType;
    else if (core instanceof z.ZodRecord) current = core.valueType as z.ZodType;
    else return undefined;
  }
  return current;
}

/** The keys an object schema at `path` accepts, or undefined when it is not an object. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  const at = schemaAt(schema, path);
  if (!at) return undefined;
  const { core } = unwrap(at);
  return core instanceof z.ZodObject ? Object.keys(core.shape) : undefined;
}

/** Every key path the schema accepts, e.g. `['thresholds', 'apiResponseTime']` (array items as `[]`). */
export function allKeyPaths(schema: z.ZodType, prefix: string[] = []): string[][] {
  const { core } = unwrap(schema);
  if (core instanceof z.ZodObject) {
    return Object.entries(core.shape as Record<string, z.ZodType>).flatMap(([key, child]) => [
      [...prefix, key],
      ...allKeyPaths(child, [...prefix, key]),
    ]);
  }
  if (core instanceof z.ZodArray) return allKeyPaths(core.element as z.ZodType, [...prefix, '[]']);
  return [];
}

/**
 * Paths in `data` that the (non-strict) `schema` does not know — for formats where extra keys
 * are tolerated with a warning instead of rejected.
 */
export function unknownKeyPaths(
  schema: z.ZodType,
  data: unknown,
  prefix: PropertyKey[] = [],
): PropertyKey[][] {
  const { core } = unwrap(schema);
  if (core instanceof z.ZodObject && data && typeof data === 'object' && !Array.isArray(data)) {
    const shape = core.shape as Record<string, z.ZodType>;
    return Object.entries(data).flatMap(([key, value]) => {
      const child = shape[key];
      return child ? unknownKeyPaths(child, value, [...prefix, key]) : [[...prefix, key]];
    });
  }
  if (core instanceof z.ZodArray && Array.isArray(data)) {
    return data.flatMap((item, i) => unknownKeyPaths(core.element as z.ZodType, item, [...prefix, i]));
  }
  return [];
}

/** Calls `visit` for every leaf value of a parsed value, with the field's metadata. */
export function walkFields(
  schema: z.ZodType,
  value: unknown,
  visit: (value: unknown, meta: FieldMeta, path: PropertyKey[]) => unknown,
  path: PropertyKey[] = [],
): unknown {
  const { core, meta } = unwrap(schema);
  if (core instanceof z.ZodObject && value && typeof value === 'object' && !Array.isArray(value)) {
    const shape = core.shape as Record<string, z.ZodType>;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const childSchema = shape[key];
      out[key] = childSchema ? walkFields(childSchema, child, visit, [...path, key]) : child;
    }
    return out;
  }
  if (core instanceof z.ZodArray && Array.isArray(value)) {
    return value.map((item, i) => walkFields(core.element as z.ZodType, item, visit, [...path, i]));
  }
  if (core instanceof z.ZodRecord && value && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = walkFields(core.valueType as z.ZodType, child, visit, [...path, key]);
    }
    return out;
  }
  return visit(value, meta, path);
}

/** `['monitor', 'endpoints', 2, 'url']` → `monitor.endpoints[2].url`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}
