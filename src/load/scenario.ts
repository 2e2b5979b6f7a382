import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { z } from 'zod';
import { registerUrlCredentials } from '../config/env.ts';
import {
  count,
  describeValue,
  duration,
  envName,
  formatPath,
  httpUrl,
  positiveDuration,
  rate,
  secret,
  unitField,
  urlPath,
} from '../config/schema.ts';
import { type Locate, parseSource, problemsFrom, SourceError, type SourceProblem } from '../config/source.ts';
import { fileError, UserError } from '../core/errors.ts';
import { isSecretKey, registerSecret } from '../core/redact.ts';
import { parseRate } from '../core/units.ts';
import type { AuthSpec, LoadModel, OpenModel, RequestSpec, Scenario } from './types.ts';

/**
 * Load scenarios: a YAML or JSON file, or a single URL on the command line.
 *
 * ```yaml
 * name: piwardrive-api                     # default: the file name without its extension
 * baseUrl: http://127.0.0.1:8000           # required; request paths are appended to it
 * timeout: 10s                             # per request; default load.timeout from the config
 * auth:                                    # optional; default: the config's service.auth; one of:
 *   bearer: { tokenEnv: STAGING_AUTH_TOKEN }   # or { token: ${VAR} }; header: Authorization, scheme: Bearer
 *   # login: { path: /token, form: { username: admin, password: "${PW_API_PASSWORD}" }, tokenPath: access_token }
 *   #   (also method: POST, json: {...} instead of form, headers, header, scheme)
 * # auth: none                             # no authentication, whatever the config says
 * model:                                   # optional; default: closed, users and rampUp from the config
 *   users: 10                              # closed model: each user sends its next request when
 *   rampUp: 10s                            #   the previous one completes (after thinkTime)
 *   thinkTime: 0ms
 *   # or the open model, requests start on schedule whatever the server does:
 *   # rate: 200/s                          # constant for `duration`, or the start rate of the stages
 *   # stages: [{ duration: 30s, target: 100/s }, { duration: 1m, target: 300/s }]   # linear ramps
 *   # maxInFlight: 500                     # default 1000; an arrival with none free is dropped
 * duration: 60s                            # default load.duration; with stages, their sum (omit it)
 * maxRequests: 100000                      # optional safety cap
 * tls:                                     # optional, for https:// targets
 *   ca: certs/staging-ca.pem               # trust this CA (PEM; relative to the scenario file)
 *   # insecureSkipVerify: true             # accept any certificate (k6's insecureSkipTLSVerify)
 * requests:                                # at least one
 *   - name: status                         # default "METHOD path"; unique; `{name:status}` in thresholds
 *     path: /api/status                    # starts with /; may carry a query
 *     weight: 3                            # relative share of picks, > 0 (default 1)
 *   - name: networks
 *     method: GET                          # GET POST PUT PATCH DELETE HEAD OPTIONS (default GET)
 *     path: /api/wifi/networks?limit=50
 *     expect: { status: [200], json: { "total": 200 } }   # statuses that count as success (default
 *                                          #   any 2xx/3xx); JSON fields (dotted paths) to compare
 *   - name: create
 *     method: POST
 *     path: /api/things
 *     headers: { content-type: application/json }
 *     body: { a: 1 }                       # a mapping or list is sent as JSON (content-type added
 *                                          #   when missing); text is sent as is
 * ```
 *
 * `${VAR}` in any text value is replaced from the environment (`$${VAR}` keeps a literal `${VAR}`);
 * a missing variable is an error naming it and its line. Inside `{ }` or `[ ]` quote it
 * (`"${VAR}"`): YAML reads an unquoted `{` there as the start of a mapping. Values substituted under `auth` or
 * `headers`, at secret-looking keys (password, token, …) or from secret-looking variables
 * (`*_PASSWORD`, `*_TOKEN`, …) are registered as secrets, so no output shows them. Numbers such as
 * `users` must be written literally; durations and rates may come from variables (`${DURATION}`).
 */

export interface ScenarioDefaults {
  users: number;
  durationMs: number;
  rampUpMs: number;
  timeoutMs: number;
  /** Used when the scenario says nothing about auth (the CLI builds it from the config's service.auth). */
  auth?: AuthSpec;
}

export interface LoadScenarioOptions {
  env: NodeJS.ProcessEnv;
  defaults: ScenarioDefaults;
}

/** Open-model bound on concurrent requests when the scenario gives none. */
export const DEFAULT_MAX_IN_FLIGHT = 1000;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
type Method = (typeof METHODS)[number];

// ---------------------------------------------------------------------------------------------
// Schema of the file. Strict everywhere: a misspelt key is an error with did-you-mean, never a
// silently ignored setting.

const method = () =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), z.enum(METHODS));

/** Text, or a number/boolean that YAML read from unquoted text (`x-retries: 3`). */
const scalarText = (expected: string) =>
  z.unknown().transform((v, ctx) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${describeValue(v)}` });
    return z.NEVER;
  });

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const headerName = () =>
  z.string().regex(HEADER_NAME, {
    error: (issue) => `expected a header name (letters, digits, -), got ${describeValue(issue.input)}`,
  });

const headers = () =>
  z.record(z.string(), scalarText('text')).superRefine((record, ctx) => {
    for (const [name, value] of Object.entries(record)) {
      // Caught here, not mid-run: the HTTP client refuses such a header on the first request.
      if (!HEADER_NAME.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `expected a header name (letters, digits, -), got ${JSON.stringify(name)}`,
        });
      } else if (/[\r\n\0]/.test(value)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'a header value may not contain line breaks' });
      }
    }
  });

const statusList = () =>
  z.unknown().transform((v, ctx) => {
    const list = Array.isArray(v) ? v : [v];
    const ok = list.length > 0 && list.every((s) => Number.isInteger(s) && s >= 100 && s <= 599);
    if (ok) return list as number[];
    ctx.addIssue({
      code: 'custom',
      message: `expected a status code (100-599) or a list of them, got ${describeValue(v)}`,
    });
    return z.NEVER;
  });

const jsonValue = () =>
  z.unknown().transform((v, ctx) => {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v))
      return v as string | number | boolean | null;
    ctx.addIssue({
      code: 'custom',
      message: `expected text, a number, true, false or null, got ${describeValue(v)}`,
    });
    return z.NEVER;
  });

/** Stage targets may be 0 (a ramp down); parseRate refuses 0 because a constant rate of 0 sends nothing. */
const stageRate = () =>
  unitField(
    'a rate like 100/s',
    (input) =>
      /^\s*(0+(\.0*)?|\.0+)\s*(\/\s*(s|sec|m|min|h))?\s*$/.test(String(input)) ? 0 : parseRate(input),
    'rate',
  );

const requestSchema = z.strictObject({
  name: z.string().min(1).optional(),
  method: method().optional(),
  path: urlPath(),
  headers: headers().optional(),
  body: z.unknown().optional(),
  weight: z.number().positive().default(1),
  expect: z
    .strictObject({ status: statusList().optional(), json: z.record(z.string(), jsonValue()).optional() })
    .optional(),
});

const bearerSchema = z
  .strictObject({
    tokenEnv: envName().optional(),
    token: secret().optional(),
    header: headerName().default('Authorization'),
    scheme: z.string().default('Bearer'),
  })
  .superRefine((v, ctx) => {
    if (v.token !== undefined && v.tokenEnv !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'give token or tokenEnv, not both' });
    }
  });

const loginSchema = z
  .strictObject({
    path: urlPath().default('/token'),
    method: method().default('POST'),
    headers: headers().optional(),
    /** Sent as application/x-www-form-urlencoded (FastAPI's OAuth2PasswordRequestForm). */
    form: z.record(z.string(), scalarText('text')).optional(),
    json: z.unknown().optional(),
    tokenPath: z.string().min(1).default('access_token'),
    header: headerName().default('Authorization'),
    scheme: z.string().default('Bearer'),
  })
  .superRefine((v, ctx) => {
    if (v.form !== undefined && v.json !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['json'], message: 'give form or json, not both' });
    }
  });

const authSchema = z.preprocess(
  (v) => (v === 'none' ? { none: true } : v),
  z
    .strictObject({
      none: z.literal(true).optional(),
      bearer: bearerSchema.optional(),
      login: loginSchema.optional(),
    })
    .superRefine((v, ctx) => {
      const given = Object.keys(v);
      if (given.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message: `expected exactly one of bearer, login or none, got ${given.length === 0 ? 'none of them' : given.join(' and ')}`,
        });
      }
    }),
);

const CLOSED_KEYS = ['users', 'rampUp', 'thinkTime'] as const;
const OPEN_KEYS = ['rate', 'stages', 'maxInFlight'] as const;

const modelSchema = z
  .strictObject({
    users: count(1).optional(),
    rampUp: duration().optional(),
    thinkTime: duration().optional(),
    rate: rate().optional(),
    stages: z
      .array(z.strictObject({ duration: positiveDuration(), target: stageRate() }))
      .min(1)
      .optional(),
    maxInFlight: count(1).optional(),
  })
  .superRefine((v, ctx) => {
    const closed = CLOSED_KEYS.filter((k) => v[k] !== undefined);
    const open = OPEN_KEYS.filter((k) => v[k] !== undefined);
    if (closed.length > 0 && open.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: [open[0] as string],
        message: `the closed model (${closed.join(', ')}) and the open model (${open.join(', ')}) don't mix`,
      });
    } else if (v.maxInFlight !== undefined && v.rate === undefined && v.stages === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxInFlight'],
        message: 'maxInFlight belongs to the open model: give a rate or stages too',
      });
    }
  });

const baseUrl = () =>
  httpUrl().refine((v) => !/[?#]/.test(v), {
    error: (issue) => `expected a base URL without query or fragment, got ${describeValue(issue.input)}`,
  });

const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    baseUrl: baseUrl(),
    timeout: positiveDuration().optional(),
    auth: authSchema.optional(),
    model: modelSchema.optional(),
    duration: positiveDuration().optional(),
    maxRequests: count(1).optional(),
    tls: z
      .strictObject({ ca: z.string().min(1).optional(), insecureSkipVerify: z.boolean().optional() })
      .optional(),
    requests: z.array(requestSchema).min(1),
  })
  .superRefine((v, ctx) => {
    if (v.model?.stages && v.duration !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        message: `the open model's stages set the run time (their sum); remove duration`,
      });
    }
    // Names tag threshold submetrics (`{name:login}`), so two requests may not share one.
    const seen = new Map<string, number>();
    v.requests.forEach((r, i) => {
      const name = requestName(r);
      if (seen.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: r.name === undefined ? ['requests', i] : ['requests', i, 'name'],
          message: `duplicate request name "${name}" (also requests[${seen.get(name)}]); give each request its own name`,
        });
      } else {
        seen.set(name, i);
      }
    });
  });

type ScenarioFile = z.output<typeof scenarioSchema>;
type RequestFile = z.output<typeof requestSchema>;

function requestName(r: { name?: string; method?: Method; path: string }): string {
  return r.name ?? `${r.method ?? 'GET'} ${r.path}`;
}

// ---------------------------------------------------------------------------------------------
// Loading

export async function loadScenarioFile(file: string, options: LoadScenarioOptions): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw fileError(file, e);
  }
  return parseScenarioText(text, file, options);
}

/** Parses scenario text; `file` names it in messages, picks JSON or YAML by extension and gives the default name. */
export function parseScenarioText(text: string, file: string, options: LoadScenarioOptions): Scenario {
  const source = parseWithHint(text, file);
  if (source.data === null || source.data === undefined) {
    throw new SourceError(file, [
      { path: '', message: 'the scenario is empty', hint: 'it needs at least baseUrl and requests' },
    ]);
  }
  if (typeof source.data !== 'object' || Array.isArray(source.data)) {
    throw new SourceError(file, [
      {
        path: '',
        message: `expected a mapping with baseUrl and requests at the top level, got ${describeValue(source.data)}`,
        line: source.locate([]),
      },
    ]);
  }
  const data = substituteEnv(source.data, options.env, file, source.locate);
  // Before validation, so a message quoting a bad value cannot be the first place a secret shows;
  // after substitution, so the secret is the value sent, not the `${VAR}` that names it.
  registerSecretsIn(data);

  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) {
    throw new SourceError(
      file,
      problemsFrom(parsed.error.issues, { data, locate: source.locate, schema: scenarioSchema }),
    );
  }
  const problem = (path: PropertyKey[], message: string, hint?: string): SourceError =>
    new SourceError(file, [
      { path: formatPath(path), message: `${formatPath(path)}: ${message}`, line: source.locate(path), hint },
    ]);
  const name = parsed.data.name ?? basename(file, extname(file));
  const scenario = buildScenario(parsed.data, name, options, problem);
  const tls = parsed.data.tls;
  if (tls) {
    if (tls.ca !== undefined && tls.insecureSkipVerify)
      throw problem(['tls', 'insecureSkipVerify'], 'give ca or insecureSkipVerify, not both');
    scenario.tls = {
      ...(tls.ca === undefined ? {} : { ca: readCa(resolve(dirname(file), tls.ca), problem) }),
      ...(tls.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
    };
  }
  return scenario;
}

function readCa(path: string, problem: (path: PropertyKey[], message: string) => SourceError): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (e) {
    throw problem(['tls', 'ca'], `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw problem(['tls', 'ca'], `${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return pem;
}

/** `{ password: ${PW} }` is malformed YAML (`{` opens a mapping in flow style): say so, since it looks right. */
function parseWithHint(text: string, file: string): ReturnType<typeof parseSource> {
  try {
    return parseSource(text, file);
  } catch (e) {
    const first = e instanceof SourceError ? e.problems[0] : undefined;
    if (!first || first.hint || !text.includes('${') || !/flow|collection/i.test(first.message)) throw e;
    throw new SourceError(file, [
      { ...first, hint: `inside { } or [ ], put \${VAR} in quotes: { password: "\${PW_API_PASSWORD}" }` },
    ]);
  }
}

function buildScenario(
  input: ScenarioFile,
  name: string,
  { env, defaults }: LoadScenarioOptions,
  problem: (path: PropertyKey[], message: string, hint?: string) => SourceError,
): Scenario {
  const m = input.model ?? {};
  let model: LoadModel;
  let durationMs: number;
  if (m.rate !== undefined || m.stages !== undefined) {
    const stages = m.stages
      ? m.stages.map((s) => ({ durationMs: s.duration, targetRate: s.target }))
      : [{ durationMs: input.duration ?? defaults.durationMs, targetRate: m.rate as number }];
    // k6's ramping-arrival-rate starts from 0 unless told otherwise; so does a stage list without rate.
    model = {
      kind: 'open',
      startRate: m.rate ?? 0,
      stages,
      maxInFlight: m.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
    };
    durationMs = sumStages(stages);
  } else {
    model = {
      kind: 'closed',
      users: m.users ?? defaults.users,
      rampUpMs: m.rampUp ?? defaults.rampUpMs,
      thinkTimeMs: m.thinkTime ?? 0,
    };
    durationMs = input.duration ?? defaults.durationMs;
  }

  return {
    name,
    baseUrl: trimBaseUrl(input.baseUrl),
    requests: input.requests.map(toRequestSpec),
    auth: buildAuth(input.auth, env, defaults, problem),
    model,
    durationMs,
    timeoutMs: input.timeout ?? defaults.timeoutMs,
    ...(input.maxRequests === undefined ? {} : { maxRequests: input.maxRequests }),
  };
}

function toRequestSpec(r: RequestFile): RequestSpec {
  const method = r.method ?? 'GET';
  const headers = { ...(r.headers ?? {}) };
  const spec: RequestSpec = { name: requestName(r), method, path: r.path, headers, weight: r.weight };
  const body = encodeBody(r.body, headers);
  if (body !== undefined) spec.body = body;
  if (r.expect?.status) spec.expectStatus = r.expect.status;
  if (r.expect?.json) spec.expectJson = r.expect.json;
  return spec;
}

/** Text goes as is; anything else is JSON, labelled as such unless the file set a content-type. */
function encodeBody(body: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  return JSON.stringify(body);
}

function buildAuth(
  auth: ScenarioFile['auth'],
  env: NodeJS.ProcessEnv,
  defaults: ScenarioDefaults,
  problem: (path: PropertyKey[], message: string, hint?: string) => SourceError,
): AuthSpec {
  if (auth === undefined) return defaults.auth ?? { kind: 'none' };
  if (auth.bearer) {
    const b = auth.bearer;
    let token = b.token;
    if (token === undefined) {
      const variable = b.tokenEnv ?? 'STAGING_AUTH_TOKEN';
      token = env[variable];
      if (!token) {
        const at = b.tokenEnv ? ['auth', 'bearer', 'tokenEnv'] : ['auth', 'bearer'];
        throw problem(
          at,
          `environment variable ${variable} is ${token === '' ? 'empty' : 'not set'}`,
          `set ${variable} to the token`,
        );
      }
    }
    registerSecret(token);
    return { kind: 'bearer', token, header: b.header, scheme: b.scheme };
  }
  if (auth.login) {
    const l = auth.login;
    const headers = { ...(l.headers ?? {}) };
    let body: string | undefined;
    if (l.form) {
      body = new URLSearchParams(l.form).toString();
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
      }
    } else {
      body = encodeBody(l.json, headers);
    }
    // The body carries secrets %-encoded (`p%40ss` for `p@ss`), a form the raw values don't match.
    for (const [key, value] of Object.entries(l.form ?? {})) {
      if (isSecretKey(key)) registerSecret(new URLSearchParams([['', value]]).toString().slice(1));
    }
    const request: RequestSpec = { name: 'login', method: l.method, path: l.path, headers, weight: 1 };
    if (body !== undefined) request.body = body;
    return { kind: 'login', request, tokenPath: l.tokenPath, header: l.header, scheme: l.scheme };
  }
  return { kind: 'none' };
}

function sumStages(stages: OpenModel['stages']): number {
  return stages.reduce((total, s) => total + s.durationMs, 0);
}

function trimBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

// ---------------------------------------------------------------------------------------------
// Environment variables and secrets

const PLACEHOLDER = /\$\$\{|\$\{([^}]*)\}/g;

/** Replaces `${VAR}` in every text value; all missing variables are reported at once, each with its line. */
function substituteEnv(data: unknown, env: NodeJS.ProcessEnv, file: string, locate: Locate): unknown {
  const problems: SourceProblem[] = [];
  const walk = (value: unknown, path: PropertyKey[]): unknown => {
    if (typeof value === 'string') return substitute(value, path);
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return value;
  };
  const substitute = (text: string, path: PropertyKey[]): string =>
    text.replace(PLACEHOLDER, (match, name: string | undefined) => {
      if (name === undefined) return '${';
      const where = formatPath(path);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        problems.push({
          path: where,
          message: `${where}: '${match}' is not a variable name`,
          line: locate(path),
        });
        return match;
      }
      const value = env[name];
      if (value === undefined) {
        problems.push({
          path: where,
          message: `${where}: environment variable ${name} is not set`,
          line: locate(path),
          hint: `set ${name}, or write $\${${name}} for a literal \${${name}}`,
        });
        return match;
      }
      if (isSecretPlace(path) || isSecretKey(name)) registerSecret(value);
      if (value.includes('://')) registerUrlCredentials(value);
      return value;
    });
  const out = walk(data, []);
  if (problems.length > 0) throw new SourceError(file, problems);
  return out;
}

function isSecretPlace(path: readonly PropertyKey[]): boolean {
  const last = path[path.length - 1];
  return path[0] === 'auth' || path.includes('headers') || (typeof last === 'string' && isSecretKey(last));
}

/** Literal secrets in the file (a token or password written out) and passwords inside URLs. */
function registerSecretsIn(value: unknown, key?: string): void {
  if (typeof value === 'string') {
    if (key !== undefined && isSecretKey(key)) registerSecret(value);
    if (value.includes('://')) registerUrlCredentials(value);
  } else if (Array.isArray(value)) {
    for (const item of value) registerSecretsIn(item, key);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) registerSecretsIn(v, k);
  }
}

// ---------------------------------------------------------------------------------------------
// The URL shorthand: `shipgate load http://127.0.0.1:8000/api/status`

export interface ScenarioFromUrlOptions {
  env: NodeJS.ProcessEnv;
  defaults: ScenarioDefaults;
  method?: string;
  /** Header values may hold `${VAR}`, replaced from `env` (quote them so the shell leaves them alone). */
  headers?: Record<string, string>;
}

/** One request, GET by default, named by its path; credentials in the URL become Basic auth. */
export function scenarioFromUrl(url: string, options: ScenarioFromUrlOptions): Scenario {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`'${url}' is not a URL`, {
      hint: 'give a full URL like http://127.0.0.1:8000/api/status, or a scenario file',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UserError(`'${url}' is not an http(s) URL`, {
      hint: /^[a-z0-9.-]+:\d/i.test(url) ? `add the scheme: http://${url}` : undefined,
    });
  }
  const method = (options.method ?? 'GET').trim().toUpperCase();
  if (!(METHODS as readonly string[]).includes(method)) {
    throw new UserError(`--method: expected one of ${METHODS.join(', ')}, got '${options.method}'`);
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!HEADER_NAME.test(name))
      throw new UserError(`header ${JSON.stringify(name)}: not a valid header name`);
    headers[name] = value.replace(PLACEHOLDER, (_match, variable: string | undefined) => {
      if (variable === undefined) return '${';
      const v = options.env[variable];
      if (v === undefined)
        throw new UserError(`header '${name}': environment variable ${variable} is not set`);
      registerSecret(v);
      return v;
    });
  }

  let auth: AuthSpec = options.defaults.auth ?? { kind: 'none' };
  if (parsed.username || parsed.password) {
    registerUrlCredentials(url);
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    const token = Buffer.from(`${user}:${password}`).toString('base64');
    registerSecret(token);
    auth = { kind: 'bearer', token, header: 'Authorization', scheme: 'Basic' };
  }

  const path = `${parsed.pathname}${parsed.search}`;
  const { defaults } = options;
  return {
    name: `${parsed.host}${parsed.pathname}`,
    baseUrl: parsed.origin,
    requests: [{ name: parsed.pathname, method: method as Method, path, headers, weight: 1 }],
    auth,
    model: { kind: 'closed', users: defaults.users, rampUpMs: defaults.rampUpMs, thinkTimeMs: 0 },
    durationMs: defaults.durationMs,
    timeoutMs: defaults.timeoutMs,
  };
}

// ---------------------------------------------------------------------------------------------
// Command-line overrides

export interface ScenarioOverrides {
  /** `--users`: the closed model with this many users (switches an open scenario to closed). */
  users?: number;
  /** `--duration`: the run time; with a constant open rate, the length of its one stage. */
  durationMs?: number;
  /** `--ramp-up` (closed model). */
  rampUpMs?: number;
  /** `--think-time` (closed model). */
  thinkTimeMs?: number;
  /** `--rate 500/s`, per second: the open model at this constant rate (or the start rate of `stages`). */
  rate?: number;
  /** Open-model stages (a `--stages` flag); their sum becomes the duration. */
  stages?: OpenModel['stages'];
  /** `--max-in-flight` (open model). */
  maxInFlight?: number;
  /** `--timeout`. */
  timeoutMs?: number;
  /** `--max-requests`. */
  maxRequests?: number;
}

/**
 * Applies command-line flags to a scenario (a new object; the input is left alone). Flags that
 * choose a model win over the file's model: `--rate` turns a closed scenario open, `--users` an
 * open one closed. Flags that make no sense together, or for the resulting model, are refused
 * rather than ignored, so a run never silently differs from what was asked.
 */
export function applyOverrides(scenario: Scenario, overrides: ScenarioOverrides): Scenario {
  const o = overrides;
  checkInteger('--users', o.users, 1);
  checkPositive('--duration', o.durationMs);
  checkNonNegative('--ramp-up', o.rampUpMs);
  checkNonNegative('--think-time', o.thinkTimeMs);
  checkPositive('--rate', o.rate);
  checkInteger('--max-in-flight', o.maxInFlight, 1);
  checkPositive('--timeout', o.timeoutMs);
  checkInteger('--max-requests', o.maxRequests, 1);
  if (o.stages) {
    if (o.stages.length === 0) throw new UserError('--stages: expected at least one stage');
    for (const s of o.stages) {
      checkPositive('--stages duration', s.durationMs);
      checkNonNegative('--stages target', s.targetRate);
    }
  }

  const opensModel = o.rate !== undefined || o.stages !== undefined;
  if (o.users !== undefined && opensModel) {
    throw new UserError('--users (closed model) and --rate/--stages (open model) exclude each other');
  }
  if (o.stages && o.durationMs !== undefined) {
    throw new UserError('--duration and --stages exclude each other: the stages set the run time');
  }

  let model: LoadModel = scenario.model;
  let durationMs = o.durationMs ?? scenario.durationMs;
  const closedOnly =
    o.rampUpMs !== undefined ? '--ramp-up' : o.thinkTimeMs !== undefined ? '--think-time' : undefined;

  if (opensModel || (model.kind === 'open' && o.users === undefined)) {
    if (closedOnly) {
      throw new UserError(
        `${closedOnly} applies to the closed model (users), but this run uses an arrival rate`,
        {
          hint: 'use --users for a closed model, or ramp the rate with stages',
        },
      );
    }
    const current = model.kind === 'open' ? model : undefined;
    const maxInFlight = o.maxInFlight ?? current?.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    if (o.stages) {
      model = { kind: 'open', startRate: o.rate ?? 0, stages: o.stages.map((s) => ({ ...s })), maxInFlight };
    } else if (o.rate !== undefined) {
      model = { kind: 'open', startRate: o.rate, stages: [{ durationMs, targetRate: o.rate }], maxInFlight };
    } else if (current) {
      let stages = current.stages;
      if (o.durationMs !== undefined) {
        const only = stages[0];
        if (stages.length !== 1 || !only || only.targetRate !== current.startRate) {
          throw new UserError(
            `--duration cannot change scenario '${scenario.name}': its stages set the run time (${sumStages(stages) / 1000}s)`,
            { hint: 'edit the stages, or give --rate for a constant rate' },
          );
        }
        stages = [{ durationMs: o.durationMs, targetRate: only.targetRate }];
      }
      model = { ...current, stages: stages.map((s) => ({ ...s })), maxInFlight };
    }
    durationMs = sumStages((model as OpenModel).stages);
  } else {
    if (o.maxInFlight !== undefined) {
      throw new UserError('--max-in-flight applies to the open model: give --rate too');
    }
    const base =
      model.kind === 'closed' ? model : { kind: 'closed' as const, users: 1, rampUpMs: 0, thinkTimeMs: 0 };
    model = {
      kind: 'closed',
      users: o.users ?? base.users,
      rampUpMs: o.rampUpMs ?? base.rampUpMs,
      thinkTimeMs: o.thinkTimeMs ?? base.thinkTimeMs,
    };
  }

  const out: Scenario = {
    ...scenario,
    requests: scenario.requests.map((r) => ({ ...r, headers: { ...r.headers } })),
    model,
    durationMs,
    timeoutMs: o.timeoutMs ?? scenario.timeoutMs,
  };
  if (o.maxRequests !== undefined) out.maxRequests = o.maxRequests;
  return out;
}

function checkInteger(flag: string, value: number | undefined, min: number): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= min)) {
    throw new UserError(`${flag}: expected a whole number of at least ${min}, got ${value}`);
  }
}

function checkPositive(flag: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new UserError(`${flag}: expected more than 0, got ${value}`);
  }
}

function checkNonNegative(flag: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    throw new UserError(`${flag}: expected 0 or more, got ${value}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Target allow-list

/**
 * Refuses to aim load at anything but this machine unless the host is listed in the config's
 * `load.allowedHosts`: a typo in a URL must never turn a load test on someone else's site.
 * Loopback is `localhost`, 127.0.0.0/8 and ::1 (also as ::ffff:127.x.y.z); names are compared as
 * written, never resolved, so a DNS answer cannot widen the list. Entries are host names or IP
 * literals, optionally with a port (`10.0.0.5:8000`: that port only) or a leading `*.` (any
 * subdomain, not the domain itself).
 */
export function assertTargetAllowed(baseUrl: string, allowedHosts: readonly string[]): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UserError(`'${baseUrl}' is not a URL`);
  }
  const host = normalizeHost(url.hostname);
  if (isLoopback(host)) return;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const entry of allowedHosts) {
    const allowed = parseAllowedHost(entry);
    const hostMatches = allowed.wildcard ? host.endsWith(`.${allowed.host}`) : host === allowed.host;
    if (hostMatches && (allowed.port === undefined || allowed.port === port)) return;
  }
  throw new UserError(
    `refusing to load-test ${url.host}: only loopback (localhost, 127.0.0.0/8, ::1) is allowed unless the host is listed in load.allowedHosts`,
    { hint: `if ${host} is yours to load, add it to load.allowedHosts in shipgate.config.yaml` },
  );
}

function normalizeHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

function isLoopback(host: string): boolean {
  return (
    host === 'localhost' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === '[::1]' ||
    // IPv4-mapped 127.x.y.z, which the URL parser writes in hex (`[::ffff:7f00:1]`).
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host)
  );
}

function parseAllowedHost(entry: string): { host: string; port?: string; wildcard: boolean } {
  let text = entry.trim();
  // A pasted URL (`https://staging.example.com/`) means its host.
  if (text.includes('://')) text = text.slice(text.indexOf('://') + 3).replace(/\/.*$/, '');
  const wildcard = text.startsWith('*.');
  if (wildcard) text = text.slice(2);
  // A bare IPv6 literal (`::1`, `2001:db8::5`) has colons but no port.
  if ((text.match(/:/g) ?? []).length > 1 && !text.startsWith('[')) text = `[${text}]`;
  let url: URL;
  try {
    url = new URL(`http://${text}`);
  } catch {
    throw new UserError(`load.allowedHosts: '${entry}' is not a host name`, {
      hint: 'write a host like staging.example.com, *.internal, 10.0.0.5 or 10.0.0.5:8000',
    });
  }
  if (url.pathname !== '/' || url.search || url.username) {
    throw new UserError(`load.allowedHosts: '${entry}' is not a host name`, {
      hint: 'write a host like staging.example.com, *.internal, 10.0.0.5 or 10.0.0.5:8000',
    });
  }
  const port = /:(\d+)$/.test(text) ? url.port || '80' : undefined;
  return { host: normalizeHost(url.hostname), ...(port === undefined ? {} : { port }), wildcard };
}
