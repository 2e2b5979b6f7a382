import { parseArgs } from 'node:util';
import { UserError } from '../../src/core/errors.ts';

/** Added latency on /api/*: a fixed delay when min === max, otherwise uniform jitter in [min, max]. */
export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

export type SampleApiVersion = 1 | 2;

export interface SampleServiceOptions {
  host: string;
  /** 0 picks an ephemeral port. */
  port: number;
  /** The service's own version, reported by /health, /api/status and the OpenAPI info. */
  version: string;
  /** Bearer auth in front of /api/*. */
  auth: boolean;
  username: string;
  password: string;
  /** A fixed bearer token accepted besides issued ones, so two instances (blue and green) share one credential. */
  staticToken: string | undefined;
  latency: LatencyRange;
  /** Fraction (0..1) of /api/* requests answered 500. */
  errorRate: number;
  /** Seeds the fault-injection PRNG: the same seed gives the same sequence of failures and delays. */
  seed: number;
  failHealth: boolean;
  /** KiB retained (never freed) per request, so endurance tests see memory grow. */
  leakKb: number;
  apiVersion: SampleApiVersion;
  /** SQLite file; `:memory:` keeps the seeded data in memory. */
  db: string;
}

export const DEFAULT_SAMPLE_PASSWORD = 'sample-password';

export const DEFAULT_SAMPLE_OPTIONS: Readonly<SampleServiceOptions> = Object.freeze({
  host: '127.0.0.1',
  port: 8000,
  version: '1.0.0',
  auth: true,
  username: 'admin',
  password: DEFAULT_SAMPLE_PASSWORD,
  staticToken: undefined,
  latency: Object.freeze({ minMs: 0, maxMs: 0 }),
  errorRate: 0,
  seed: 1,
  failHealth: false,
  leakKb: 0,
  apiVersion: 1,
  db: ':memory:',
});

/** One command-line flag and its environment variable. The CLI can register its flags from this table. */
export interface SampleServiceKnob {
  key: keyof SampleServiceOptions;
  /** Long flag name without dashes. Booleans also accept `--no-<flag>`. */
  flag: string;
  env: string | undefined;
  type: 'string' | 'boolean';
  /** Placeholder shown in help for string flags. */
  valueName: string;
  description: string;
  parse(raw: string, source: string): SampleServiceOptions[keyof SampleServiceOptions];
}

const MAX_LATENCY_MS = 60_000;
const MAX_LEAK_KB = 100 * 1024;

export const SAMPLE_SERVICE_KNOBS: readonly SampleServiceKnob[] = [
  {
    key: 'port',
    flag: 'port',
    env: 'SAMPLE_PORT',
    type: 'string',
    valueName: 'N',
    description: 'port to listen on; 0 picks a free one (default 8000)',
    parse: (raw, source) => parseInteger(raw, source, 0, 65_535),
  },
  {
    key: 'host',
    flag: 'host',
    env: 'SAMPLE_HOST',
    type: 'string',
    valueName: 'HOST',
    description: 'address to bind (default 127.0.0.1)',
    parse: (raw, source) => nonEmpty(raw, source),
  },
  {
    key: 'version',
    flag: 'version',
    env: 'SAMPLE_VERSION',
    type: 'string',
    valueName: 'V',
    description: 'service version reported by /health, /api/status and /openapi.json (default 1.0.0)',
    parse: (raw, source) => nonEmpty(raw, source),
  },
  {
    key: 'auth',
    flag: 'auth',
    env: 'SAMPLE_AUTH',
    type: 'boolean',
    valueName: '',
    description: 'require a bearer token on /api/* (default on; --no-auth or SAMPLE_AUTH=0 turns it off)',
    parse: parseBoolean,
  },
  {
    key: 'username',
    flag: 'username',
    env: 'SAMPLE_USERNAME',
    type: 'string',
    valueName: 'NAME',
    description: 'user accepted by POST /token (default admin)',
    parse: (raw, source) => nonEmpty(raw, source),
  },
  {
    key: 'password',
    flag: 'password',
    env: 'SAMPLE_PASSWORD',
    type: 'string',
    valueName: 'SECRET',
    description: `password accepted by POST /token (default ${DEFAULT_SAMPLE_PASSWORD})`,
    parse: (raw, source) => nonEmpty(raw, source),
  },
  {
    key: 'staticToken',
    flag: 'token',
    env: 'SAMPLE_TOKEN',
    type: 'string',
    valueName: 'TOKEN',
    description: 'a fixed bearer token accepted besides the issued ones (none by default)',
    parse: (raw, source) => nonEmpty(raw, source),
  },
  {
    key: 'latency',
    flag: 'latency-ms',
    env: 'SAMPLE_LATENCY_MS',
    type: 'string',
    valueName: 'MS|MIN-MAX',
    description: 'latency added to /api/*: 50, or 20-80 for uniform jitter (default 0)',
    parse: parseLatency,
  },
  {
    key: 'errorRate',
    flag: 'error-rate',
    env: 'SAMPLE_ERROR_RATE',
    type: 'string',
    valueName: 'FRACTION',
    description: 'fraction of /api/* requests answered 500, 0..1 or a percentage like 5% (default 0)',
    parse: parseFraction,
  },
  {
    key: 'seed',
    flag: 'seed',
    env: 'SAMPLE_SEED',
    type: 'string',
    valueName: 'N',
    description: 'seed of the fault-injection random sequence (default 1)',
    parse: (raw, source) => parseInteger(raw, source, 0, 0xffff_ffff),
  },
  {
    key: 'failHealth',
    flag: 'fail-health',
    env: 'SAMPLE_FAIL_HEALTH',
    type: 'boolean',
    valueName: '',
    description: 'answer /health with 503 unhealthy',
    parse: parseBoolean,
  },
  {
    key: 'leakKb',
    flag: 'leak-kb',
    env: 'SAMPLE_LEAK_KB',
    type: 'string',
    valueName: 'KB',
    description: 'KiB of memory retained per request and never freed (default 0)',
    parse: (raw, source) => parseInteger(raw, source, 0, MAX_LEAK_KB),
  },
  {
    key: 'apiVersion',
    flag: 'api-version',
    env: 'SAMPLE_API_VERSION',
    type: 'string',
    valueName: '1|2',
    description:
      'API shape: 2 renames and retypes fields, drops and adds parameters, adds an endpoint (default 1)',
    parse: parseApiVersion,
  },
  {
    key: 'db',
    flag: 'db',
    env: 'SAMPLE_DB',
    type: 'string',
    valueName: 'FILE',
    description: 'SQLite file to keep the data in, created and seeded when empty (default in memory)',
    parse: (raw, source) => nonEmpty(raw, source),
  },
];

/** Options set by `SAMPLE_*` environment variables; empty values count as unset. */
export function sampleOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SampleServiceOptions> {
  const out: Partial<Record<keyof SampleServiceOptions, unknown>> = {};
  for (const knob of SAMPLE_SERVICE_KNOBS) {
    const raw = knob.env ? env[knob.env] : undefined;
    if (raw === undefined || raw.trim() === '') continue;
    out[knob.key] = knob.parse(raw.trim(), knob.env as string);
  }
  return out as Partial<SampleServiceOptions>;
}

/**
 * Turns command-line flags and the environment into complete options: flags beat environment
 * variables, which beat the defaults. Throws UserError naming the flag or variable at fault.
 */
export function parseSampleServiceArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): SampleServiceOptions {
  const fromFlags = sampleOptionsFromFlags(argv);
  return resolveSampleOptions({ ...sampleOptionsFromEnv(env), ...fromFlags });
}

export function sampleOptionsFromFlags(argv: readonly string[]): Partial<SampleServiceOptions> {
  const spec: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const knob of SAMPLE_SERVICE_KNOBS) spec[knob.flag] = { type: knob.type };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: spec,
      strict: true,
      allowPositionals: false,
      allowNegative: true,
    }));
  } catch (e) {
    throw new UserError((e as Error).message.split('\n')[0] as string, { hint: 'see --help for the flags' });
  }
  const out: Partial<Record<keyof SampleServiceOptions, unknown>> = {};
  for (const knob of SAMPLE_SERVICE_KNOBS) {
    const value = values[knob.flag];
    if (value === undefined) continue;
    out[knob.key] = typeof value === 'boolean' ? value : knob.parse(value, `--${knob.flag}`);
  }
  return out as Partial<SampleServiceOptions>;
}

/** Fills in defaults and checks values handed over by library callers, who skip the flag parsers. */
export function resolveSampleOptions(partial: Partial<SampleServiceOptions> = {}): SampleServiceOptions {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  const o: SampleServiceOptions = { ...DEFAULT_SAMPLE_OPTIONS, ...defined };
  check(Number.isInteger(o.port) && o.port >= 0 && o.port <= 65_535, 'port', o.port, 'an integer 0..65535');
  check(o.host.length > 0, 'host', o.host, 'an address');
  check(o.version.length > 0, 'version', o.version, 'a version string');
  const { minMs, maxMs } = o.latency;
  check(
    minMs >= 0 && maxMs >= minMs && maxMs <= MAX_LATENCY_MS,
    'latency',
    `${minMs}-${maxMs}`,
    `0 <= min <= max <= ${MAX_LATENCY_MS}`,
  );
  check(o.errorRate >= 0 && o.errorRate <= 1, 'errorRate', o.errorRate, 'a fraction 0..1');
  check(
    Number.isInteger(o.seed) && o.seed >= 0 && o.seed <= 0xffff_ffff,
    'seed',
    o.seed,
    'an unsigned 32-bit integer',
  );
  check(
    Number.isInteger(o.leakKb) && o.leakKb >= 0 && o.leakKb <= MAX_LEAK_KB,
    'leakKb',
    o.leakKb,
    `0..${MAX_LEAK_KB}`,
  );
  check(o.apiVersion === 1 || o.apiVersion === 2, 'apiVersion', o.apiVersion, '1 or 2');
  return o;
}

/** Help text for the flags, generated from the knob table so it cannot drift from the parser. */
export function sampleServiceUsage(command = 'node examples/sample-service/main.ts'): string {
  const rows = SAMPLE_SERVICE_KNOBS.map((k) => {
    const flag = k.type === 'boolean' ? `--${k.flag}` : `--${k.flag} ${k.valueName}`;
    return [flag, k.env ?? '', k.description] as const;
  });
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const lines = rows.map(([f, e, d]) => `  ${f.padEnd(w0)}  ${e.padEnd(w1)}  ${d}`);
  return [
    `usage: ${command} [flags]`,
    '',
    'A small PiWardrive-like HTTP API to point shipgate at. Flags override environment variables.',
    '',
    ...lines,
    `  ${'--help'.padEnd(w0)}  ${''.padEnd(w1)}  show this help`,
    '',
  ].join('\n');
}

function check(ok: boolean, key: string, value: unknown, expected: string): void {
  if (!ok)
    throw new UserError(`sample service option ${key}: expected ${expected}, got ${JSON.stringify(value)}`);
}

function bad(source: string, raw: string, expected: string): UserError {
  return new UserError(`${source}: expected ${expected}, got "${raw}"`);
}

function nonEmpty(raw: string, source: string): string {
  if (raw.trim() === '') throw bad(source, raw, 'a non-empty value');
  return raw;
}

function parseInteger(raw: string, source: string, min: number, max: number): number {
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw bad(source, raw, `an integer ${min}..${max}`);
  return n;
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

function parseBoolean(raw: string, source: string): boolean {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw bad(source, raw, '1/0, true/false, yes/no or on/off');
}

function parseLatency(raw: string, source: string): LatencyRange {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)\s*)?(?:ms)?\s*$/.exec(raw);
  const minMs = Number(m?.[1]);
  const maxMs = m?.[2] === undefined ? minMs : Number(m[2]);
  if (!m || maxMs < minMs || maxMs > MAX_LATENCY_MS) {
    throw bad(source, raw, `milliseconds like 50, or a range like 20-80 (at most ${MAX_LATENCY_MS})`);
  }
  return { minMs, maxMs };
}

function parseFraction(raw: string, source: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%)?\s*$/.exec(raw);
  const n = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!(n >= 0 && n <= 1)) throw bad(source, raw, 'a fraction 0..1 like 0.05, or a percentage like 5%');
  return n;
}

function parseApiVersion(raw: string, source: string): SampleApiVersion {
  const v = raw.trim();
  if (v === '1' || v === '2') return Number(v) as SampleApiVersion;
  throw bad(source, raw, '1 or 2');
}
