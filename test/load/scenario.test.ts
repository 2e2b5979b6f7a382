import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';
import { SourceError } from '../../src/config/source.ts';
import { UserError } from '../../src/core/errors.ts';
import { clearSecrets, redact } from '../../src/core/redact.ts';
import {
  applyOverrides,
  assertTargetAllowed,
  DEFAULT_MAX_IN_FLIGHT,
  loadScenarioFile,
  parseScenarioText,
  type ScenarioDefaults,
  scenarioFromUrl,
} from '../../src/load/scenario.ts';
import type { Scenario } from '../../src/load/types.ts';

const defaults: ScenarioDefaults = { users: 10, durationMs: 60_000, rampUpMs: 10_000, timeoutMs: 30_000 };
const env = { STAGING_AUTH_TOKEN: 'staging-token-123', PW_API_PASSWORD: 'p@ss word!' };

function parse(text: string, file = 'scenario.yaml', extraEnv: NodeJS.ProcessEnv = {}): Scenario {
  return parseScenarioText(text, file, { env: { ...env, ...extraEnv }, defaults });
}

/** The error a scenario text raises, as the one-line-per-problem text the CLI prints. */
function problems(text: string, file = 'scenario.yaml', extraEnv: NodeJS.ProcessEnv = {}): string {
  try {
    parse(text, file, extraEnv);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as UserError).format();
  }
  throw new Error('expected the scenario to be refused');
}

const BASE = 'baseUrl: http://127.0.0.1:8000\n';

beforeEach(() => clearSecrets());

describe('scenario files', () => {
  it('turn the documented YAML into a Scenario', () => {
    const scenario = parse(`name: piwardrive-api
baseUrl: http://127.0.0.1:8000/
timeout: 10s
auth:
  bearer: { tokenEnv: STAGING_AUTH_TOKEN }
model:
  users: 25
  rampUp: 5s
  thinkTime: 250ms
duration: 2m
maxRequests: 100000
requests:
  - name: status
    path: /api/status
    weight: 3
  - name: networks
    method: get
    path: /api/wifi/networks?limit=50
    expect: { status: [200, 204], json: { "total": 200, "meta.ok": true } }
  - name: create
    method: POST
    path: /api/things
    headers: { x-retries: 3 }
    body: { a: 1 }
  - method: PUT
    path: /api/raw
    headers: { Content-Type: text/plain }
    body: "plain text"
`);
    expect(scenario).toEqual({
      name: 'piwardrive-api',
      baseUrl: 'http://127.0.0.1:8000',
      timeoutMs: 10_000,
      auth: { kind: 'bearer', token: 'staging-token-123', header: 'Authorization', scheme: 'Bearer' },
      model: { kind: 'closed', users: 25, rampUpMs: 5_000, thinkTimeMs: 250 },
      durationMs: 120_000,
      maxRequests: 100_000,
      requests: [
        { name: 'status', method: 'GET', path: '/api/status', headers: {}, weight: 3 },
        {
          name: 'networks',
          method: 'GET',
          path: '/api/wifi/networks?limit=50',
          headers: {},
          weight: 1,
          expectStatus: [200, 204],
          expectJson: { total: 200, 'meta.ok': true },
        },
        {
          name: 'create',
          method: 'POST',
          path: '/api/things',
          headers: { 'x-retries': '3', 'content-type': 'application/json' },
          body: '{"a":1}',
          weight: 1,
        },
        {
          name: 'PUT /api/raw',
          method: 'PUT',
          path: '/api/raw',
          headers: { 'Content-Type': 'text/plain' },
          body: 'plain text',
          weight: 1,
        },
      ],
    });
  });

  it('fill what the file leaves out from the defaults, and name the scenario after the file', () => {
    const scenario = parse(`${BASE}requests:\n  - path: /health\n`, 'smoke.yml');
    expect(scenario.name).toBe('smoke');
    expect(scenario.model).toEqual({ kind: 'closed', users: 10, rampUpMs: 10_000, thinkTimeMs: 0 });
    expect(scenario.durationMs).toBe(60_000);
    expect(scenario.timeoutMs).toBe(30_000);
    expect(scenario.auth).toEqual({ kind: 'none' });
    expect(scenario.maxRequests).toBeUndefined();
    expect(scenario.requests).toEqual([
      { name: 'GET /health', method: 'GET', path: '/health', headers: {}, weight: 1 },
    ]);
  });

  it('use the default auth unless the file chooses its own or none', () => {
    const auth = { kind: 'bearer', token: 'cfg-token', header: 'X-API-Key', scheme: '' } as const;
    const withDefault = (text: string) =>
      parseScenarioText(text, 's.yaml', { env, defaults: { ...defaults, auth } });
    expect(withDefault(`${BASE}requests: [{ path: /a }]\n`).auth).toEqual(auth);
    expect(withDefault(`${BASE}auth: none\nrequests: [{ path: /a }]\n`).auth).toEqual({ kind: 'none' });
    expect(withDefault(`${BASE}auth: { bearer: {} }\nrequests: [{ path: /a }]\n`).auth).toEqual({
      kind: 'bearer',
      token: 'staging-token-123',
      header: 'Authorization',
      scheme: 'Bearer',
    });
  });

  it('read the JSON form, with its line numbers', async () => {
    const json = JSON.stringify(
      {
        baseUrl: 'http://localhost:8000',
        model: { rate: '50/s', maxInFlight: 20 },
        duration: '30s',
        requests: [{ name: 'health', path: '/health' }],
      },
      null,
      2,
    );
    const scenario = parse(json, 'api.json');
    expect(scenario.name).toBe('api');
    expect(scenario.model).toEqual({
      kind: 'open',
      startRate: 50,
      stages: [{ durationMs: 30_000, targetRate: 50 }],
      maxInFlight: 20,
    });
    expect(scenario.durationMs).toBe(30_000);

    const bad = json.replace('"/health"', '"health"');
    expect(problems(bad, 'api.json')).toBe(
      'api.json:11: requests[0].path: expected a path starting with /, got "health"',
    );
    expect(problems('{"baseUrl": "http://localhost",}', 'api.json')).toMatch(/^api\.json:1: malformed JSON/);
  });

  it('load from disk, and report an unreadable file as one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipgate-scenario-'));
    try {
      const file = join(dir, 'checkout.yaml');
      await writeFile(file, `\uFEFF${BASE}requests:\n  - path: /checkout\n`);
      const scenario = await loadScenarioFile(file, { env, defaults });
      expect(scenario.name).toBe('checkout');
      expect(scenario.requests[0]?.path).toBe('/checkout');
      const missing = join(dir, 'nope.yaml');
      await expect(loadScenarioFile(missing, { env, defaults })).rejects.toThrow(
        'cannot read file: no such file',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('accept a login that runs once per user, with form fields from the environment', () => {
    const scenario = parse(`${BASE}auth:
  login:
    path: /token
    form: { username: admin, password: "\${PW_API_PASSWORD}" }
requests: [{ path: /api/me }]
`);
    expect(scenario.auth).toEqual({
      kind: 'login',
      request: {
        name: 'login',
        method: 'POST',
        path: '/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=admin&password=p%40ss+word%21',
        weight: 1,
      },
      tokenPath: 'access_token',
      header: 'Authorization',
      scheme: 'Bearer',
    });
    // Both the value and its encoded form in the login body are hidden.
    expect(redact('pw=p@ss word! body=password=p%40ss+word%21')).toBe('pw=*** body=password=***');
    // The placeholder names the secret; it is not one, so messages may show it.
    expect(redact(`\${PW_API_PASSWORD}`)).toBe(`\${PW_API_PASSWORD}`);
  });

  it(`explain that \${VAR} needs quotes inside { }`, () => {
    expect(
      problems(
        `${BASE}auth: { login: { form: { password: \${PW_API_PASSWORD} } } }\nrequests: [{ path: /a }]\n`,
      ),
    ).toMatch(/^scenario\.yaml:2: malformed YAML: .* — inside \{ \} or \[ \], put \$\{VAR\} in quotes/);
  });
});

describe('environment variables', () => {
  it('are substituted in text values, and $${…} stays literal', () => {
    const scenario = parse(
      `baseUrl: \${TARGET}
duration: \${DURATION}
requests:
  - path: /search?q=\${QUERY}
    headers: { x-note: "cost $\${PRICE}" }
`,
      'scenario.yaml',
      { TARGET: 'http://localhost:9000', DURATION: '45s', QUERY: 'wifi' },
    );
    expect(scenario.baseUrl).toBe('http://localhost:9000');
    expect(scenario.durationMs).toBe(45_000);
    expect(scenario.requests[0]?.path).toBe('/search?q=wifi');
    expect(scenario.requests[0]?.headers).toEqual({ 'x-note': `cost \${PRICE}` });
  });

  it('that are missing are named with their line, all at once', () => {
    const text = `${BASE}requests:
  - path: /a
    headers:
      authorization: Bearer \${API_TOKEN}
  - path: /b?k=\${API_KEY}
`;
    expect(problems(text)).toBe(
      [
        `scenario.yaml:5: requests[0].headers.authorization: environment variable API_TOKEN is not set — set API_TOKEN, or write $\${API_TOKEN} for a literal \${API_TOKEN}`,
        `scenario.yaml:6: requests[1].path: environment variable API_KEY is not set — set API_KEY, or write $\${API_KEY} for a literal \${API_KEY}`,
      ].join('\n'),
    );
    expect(problems(`${BASE}requests: [{ path: "/\${not a name}" }]\n`)).toMatch(
      /^scenario\.yaml:2: requests\[0\]\.path: '\$\{not a name\}' is not a variable name$/,
    );
  });

  it('register secrets: auth and header values, secret-named keys and variables, URL passwords', () => {
    parse(
      `baseUrl: http://admin:url-password@127.0.0.1:8000
auth: { bearer: { token: "\${MY_BEARER}" } }
requests:
  - path: /a
    headers: { x-api-key: "\${HEADER_VALUE}" }
    body:
      user: admin
      password: literal-password
      note: \${PLAIN_NOTE}
      password_again: \${DB_PASSWORD}
`,
      'scenario.yaml',
      {
        MY_BEARER: 'bearer-value-1',
        HEADER_VALUE: 'header-value-2',
        PLAIN_NOTE: 'harmless-note',
        DB_PASSWORD: 'db-password-3',
      },
    );
    expect(redact('bearer-value-1 header-value-2 literal-password db-password-3 url-password')).toBe(
      '*** *** *** *** ***',
    );
    // An ordinary substituted value stays readable in reports, and so does the name of a secret.
    expect(redact('harmless-note')).toBe('harmless-note');
    expect(redact(`set \${DB_PASSWORD}`)).toBe(`set \${DB_PASSWORD}`);
  });

  it('register the bearer token read through tokenEnv, and refuse an unset one at its line', () => {
    parse(`${BASE}auth:\n  bearer: { tokenEnv: STAGING_AUTH_TOKEN }\nrequests: [{ path: /a }]\n`);
    expect(redact('Authorization: staging-token-123')).toBe('Authorization: ***');
    expect(problems(`${BASE}auth:\n  bearer:\n    tokenEnv: NOPE_TOKEN\nrequests: [{ path: /a }]\n`)).toBe(
      'scenario.yaml:4: auth.bearer.tokenEnv: environment variable NOPE_TOKEN is not set — set NOPE_TOKEN to the token',
    );
  });
});

describe('the open model', () => {
  it('ramps through stages from the start rate, and its duration is their sum', () => {
    const scenario = parse(`${BASE}model:
  rate: 20/s
  stages:
    - { duration: 30s, target: 100/s }
    - { duration: 1m, target: 6000/m }
    - { duration: 10s, target: 0 }
  maxInFlight: 500
requests: [{ path: /a }]
`);
    expect(scenario.model).toEqual({
      kind: 'open',
      startRate: 20,
      stages: [
        { durationMs: 30_000, targetRate: 100 },
        { durationMs: 60_000, targetRate: 100 },
        { durationMs: 10_000, targetRate: 0 },
      ],
      maxInFlight: 500,
    });
    expect(scenario.durationMs).toBe(100_000);
  });

  it('starts at 0 without a rate (as k6 does), and uses the default in-flight bound', () => {
    const scenario = parse(
      `${BASE}model:\n  stages: [{ duration: 10s, target: 50 }]\nrequests: [{ path: /a }]\n`,
    );
    expect(scenario.model).toEqual({
      kind: 'open',
      startRate: 0,
      stages: [{ durationMs: 10_000, targetRate: 50 }],
      maxInFlight: DEFAULT_MAX_IN_FLIGHT,
    });
  });

  it('runs a constant rate for the duration, or the default duration', () => {
    const scenario = parse(`${BASE}model: { rate: 200/s }\nrequests: [{ path: /a }]\n`);
    expect(scenario.model).toMatchObject({
      startRate: 200,
      stages: [{ durationMs: 60_000, targetRate: 200 }],
    });
    expect(scenario.durationMs).toBe(60_000);
  });
});

describe('scenario errors carry their line', () => {
  const cases: Array<[string, string, string]> = [
    [
      'unknown key with did-you-mean',
      `${BASE}requests:\n  - path: /a\n    wieght: 2\n`,
      "scenario.yaml:4: unknown key 'requests[0].wieght' — did you mean 'requests[0].weight'?",
    ],
    [
      'a key in the wrong place',
      `${BASE}users: 5\nrequests: [{ path: /a }]\n`,
      "scenario.yaml:2: unknown key 'users' — did you mean 'model.users'?",
    ],
    [
      'bad duration',
      `${BASE}duration: 10 minutes\nrequests: [{ path: /a }]\n`,
      'scenario.yaml:2: duration: expected a duration like 2s, got "10 minutes"',
    ],
    [
      'bad stage duration',
      `${BASE}model:\n  stages:\n    - { duration: soon, target: 5/s }\nrequests: [{ path: /a }]\n`,
      'scenario.yaml:4: model.stages[0].duration: expected a duration like 2s, got "soon"',
    ],
    [
      'empty stage target',
      `${BASE}model:\n  stages:\n    - { duration: 5s, target: "" }\nrequests: [{ path: /a }]\n`,
      'scenario.yaml:4: model.stages[0].target: expected a rate like 100/s, got ""',
    ],
    [
      'bad auth header name',
      `${BASE}auth:\n  bearer:\n    header: "X Token"\nrequests: [{ path: /a }]\n`,
      'scenario.yaml:4: auth.bearer.header: expected a header name (letters, digits, -), got "X Token"',
    ],
    ['missing requests', `${BASE}duration: 10s\n`, 'scenario.yaml:1: requests: missing; expected a list'],
    ['empty requests', `${BASE}requests: []\n`, 'scenario.yaml:2: requests: expected at least 1 item(s)'],
    ['missing baseUrl', 'requests: [{ path: /a }]\n', 'scenario.yaml:1: baseUrl: missing; expected text'],
    [
      'bad method',
      `${BASE}requests:\n  - path: /a\n    method: FETCH\n`,
      'scenario.yaml:4: requests[0].method: expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, got "FETCH"',
    ],
    [
      'weight 0',
      `${BASE}requests:\n  - path: /a\n    weight: 0\n`,
      'scenario.yaml:4: requests[0].weight: expected more than 0, got 0',
    ],
    [
      'negative weight',
      `${BASE}requests:\n  - path: /a\n  - path: /b\n    weight: -1\n`,
      'scenario.yaml:5: requests[1].weight: expected more than 0, got -1',
    ],
    [
      'not an http URL',
      'baseUrl: ftp://example.com\nrequests: [{ path: /a }]\n',
      'scenario.yaml:1: baseUrl: expected an http(s) URL, got "ftp://example.com"',
    ],
    [
      'mixed models',
      `${BASE}model:\n  users: 5\n  rate: 10/s\nrequests: [{ path: /a }]\n`,
      "scenario.yaml:4: model.rate: the closed model (users) and the open model (rate) don't mix",
    ],
    [
      'stages and duration',
      `${BASE}duration: 1m\nmodel:\n  stages: [{ duration: 10s, target: 5 }]\nrequests: [{ path: /a }]\n`,
      "scenario.yaml:2: duration: the open model's stages set the run time (their sum); remove duration",
    ],
    [
      'duplicate request names',
      `${BASE}requests:\n  - { name: a, path: /a }\n  - { name: a, path: /b }\n`,
      'scenario.yaml:4: requests[1].name: duplicate request name "a" (also requests[0]); give each request its own name',
    ],
    [
      'bad status list',
      `${BASE}requests:\n  - path: /a\n    expect: { status: [200, 700] }\n`,
      'scenario.yaml:4: requests[0].expect.status: expected a status code (100-599) or a list of them, got a list',
    ],
    [
      'two auth kinds',
      `${BASE}auth:\n  bearer: {}\n  login: {}\nrequests: [{ path: /a }]\n`,
      'scenario.yaml:2: auth: expected exactly one of bearer, login or none, got bearer and login',
    ],
    [
      'bad header name',
      `${BASE}requests:\n  - path: /a\n    headers: { "bad header": x }\n`,
      'scenario.yaml:4: requests[0].headers.bad header: expected a header name (letters, digits, -), got "bad header"',
    ],
    [
      'a list at the top',
      '- baseUrl: http://localhost\n',
      'scenario.yaml:1: expected a mapping with baseUrl and requests at the top level, got a list',
    ],
    ['malformed YAML', `${BASE}requests: [\n`, 'scenario.yaml:3: malformed YAML'],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    const message = problems(text);
    if (expected.endsWith('malformed YAML')) expect(message.startsWith(expected)).toBe(true);
    else expect(message).toBe(expected);
  });

  it('several problems are all reported, in file order', () => {
    const e = (() => {
      try {
        parse(`${BASE}timeout: fast\nrequests:\n  - path: a\n    weight: 0\n`);
      } catch (err) {
        return err as SourceError;
      }
    })();
    expect(e).toBeInstanceOf(SourceError);
    expect(e?.problems.map((p) => p.line)).toEqual([2, 4, 5]);
  });

  it('do not quote a secret value', () => {
    const message = problems(`${BASE}auth:\n  bearer: { token: 12345678 }\nrequests: [{ path: /a }]\n`);
    expect(message).toContain('auth.bearer.token');
    expect(message).not.toContain('12345678');
  });
});

describe('the URL shorthand', () => {
  it('is one GET request named by its path, with the defaults', () => {
    const scenario = scenarioFromUrl('http://127.0.0.1:8000/api/status?verbose=1#top', { env, defaults });
    expect(scenario).toEqual({
      name: '127.0.0.1:8000/api/status',
      baseUrl: 'http://127.0.0.1:8000',
      requests: [
        { name: '/api/status', method: 'GET', path: '/api/status?verbose=1', headers: {}, weight: 1 },
      ],
      auth: { kind: 'none' },
      model: { kind: 'closed', users: 10, rampUpMs: 10_000, thinkTimeMs: 0 },
      durationMs: 60_000,
      timeoutMs: 30_000,
    });
  });

  it(`takes a method and headers (with \${VAR} from the environment, registered as secrets)`, () => {
    const scenario = scenarioFromUrl('https://localhost/api/things', {
      env: { API_TOKEN: 'secret-header-token' },
      defaults,
      method: 'post',
      headers: { authorization: `Token \${API_TOKEN}` },
    });
    expect(scenario.requests[0]).toMatchObject({
      method: 'POST',
      headers: { authorization: 'Token secret-header-token' },
    });
    expect(redact('secret-header-token')).toBe('***');
    expect(() => scenarioFromUrl('http://localhost/', { env: {}, defaults, method: 'FETCH' })).toThrow(
      "--method: expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, got 'FETCH'",
    );
    expect(() =>
      scenarioFromUrl('http://localhost/', { env: {}, defaults, headers: { a: `\${NOPE}` } }),
    ).toThrow("header 'a': environment variable NOPE is not set");
  });

  it('turns credentials in the URL into Basic auth and hides them', () => {
    const scenario = scenarioFromUrl('http://admin:hunter22@localhost:8000/', { env, defaults });
    expect(scenario.auth).toEqual({
      kind: 'bearer',
      token: Buffer.from('admin:hunter22').toString('base64'),
      header: 'Authorization',
      scheme: 'Basic',
    });
    expect(redact('hunter22')).toBe('***');
    expect(scenario.baseUrl).toBe('http://localhost:8000');
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => scenarioFromUrl('not a url', { env, defaults })).toThrow("'not a url' is not a URL");
    expect(() => scenarioFromUrl('ftp://localhost/x', { env, defaults })).toThrow('is not an http(s) URL');
    try {
      scenarioFromUrl('localhost:8000/health', { env, defaults });
      throw new Error('expected a refusal');
    } catch (e) {
      expect((e as UserError).format()).toBe(
        "'localhost:8000/health' is not an http(s) URL — add the scheme: http://localhost:8000/health",
      );
    }
  });
});

describe('command-line overrides', () => {
  const closed = parse(
    `${BASE}model: { users: 5, rampUp: 2s, thinkTime: 100ms }\nduration: 30s\nrequests: [{ path: /a }]\n`,
  );
  const staged = parse(
    `${BASE}model:\n  rate: 10/s\n  stages: [{ duration: 10s, target: 50/s }, { duration: 20s, target: 50/s }]\nrequests: [{ path: /a }]\n`,
  );
  const constant = parse(
    `${BASE}model: { rate: 10/s, maxInFlight: 7 }\nduration: 30s\nrequests: [{ path: /a }]\n`,
  );

  it('change users, duration and ramp-up of a closed scenario, leaving the input alone', () => {
    const out = applyOverrides(closed, {
      users: 50,
      durationMs: 120_000,
      rampUpMs: 0,
      timeoutMs: 5_000,
      maxRequests: 9,
    });
    expect(out.model).toEqual({ kind: 'closed', users: 50, rampUpMs: 0, thinkTimeMs: 100 });
    expect(out.durationMs).toBe(120_000);
    expect(out.timeoutMs).toBe(5_000);
    expect(out.maxRequests).toBe(9);
    expect(closed.model).toEqual({ kind: 'closed', users: 5, rampUpMs: 2_000, thinkTimeMs: 100 });
    expect(closed.durationMs).toBe(30_000);
  });

  it('--rate turns a closed scenario into a constant open rate over its duration', () => {
    const out = applyOverrides(closed, { rate: 500 });
    expect(out.model).toEqual({
      kind: 'open',
      startRate: 500,
      stages: [{ durationMs: 30_000, targetRate: 500 }],
      maxInFlight: DEFAULT_MAX_IN_FLIGHT,
    });
    expect(out.durationMs).toBe(30_000);
    expect(applyOverrides(closed, { rate: 5, durationMs: 10_000 }).durationMs).toBe(10_000);
  });

  it('--stages replace the stages, start from --rate, and set the duration', () => {
    const out = applyOverrides(closed, {
      rate: 5,
      stages: [
        { durationMs: 1_000, targetRate: 10 },
        { durationMs: 2_000, targetRate: 20 },
      ],
    });
    expect(out.model).toMatchObject({ kind: 'open', startRate: 5 });
    expect(out.durationMs).toBe(3_000);
  });

  it('--users turns an open scenario closed', () => {
    const out = applyOverrides(staged, { users: 3 });
    expect(out.model).toEqual({ kind: 'closed', users: 3, rampUpMs: 0, thinkTimeMs: 0 });
    expect(out.durationMs).toBe(staged.durationMs);
  });

  it('--duration stretches a constant open rate, and keeps its in-flight bound', () => {
    const out = applyOverrides(constant, { durationMs: 90_000 });
    expect(out.model).toEqual({
      kind: 'open',
      startRate: 10,
      stages: [{ durationMs: 90_000, targetRate: 10 }],
      maxInFlight: 7,
    });
    expect(out.durationMs).toBe(90_000);
  });

  const refusals: Array<[string, Scenario, Parameters<typeof applyOverrides>[1], RegExp]> = [
    [
      '--users with --rate',
      closed,
      { users: 2, rate: 5 },
      /--users .* and --rate\/--stages .* exclude each other/,
    ],
    [
      '--duration on staged ramps',
      staged,
      { durationMs: 5_000 },
      /--duration cannot change scenario .*: its stages set the run time \(30s\)/,
    ],
    ['--ramp-up on an open model', staged, { rampUpMs: 1_000 }, /--ramp-up applies to the closed model/],
    [
      '--max-in-flight on a closed model',
      closed,
      { maxInFlight: 10 },
      /--max-in-flight applies to the open model/,
    ],
    ['--users 0', closed, { users: 0 }, /--users: expected a whole number of at least 1, got 0/],
    ['--users 2.5', closed, { users: 2.5 }, /--users: expected a whole number/],
    ['--rate 0', closed, { rate: 0 }, /--rate: expected more than 0, got 0/],
    [
      '--duration and --stages',
      closed,
      { durationMs: 1, stages: [{ durationMs: 1, targetRate: 1 }] },
      /exclude each other/,
    ],
  ];
  it.each(refusals)('refuse %s', (_name, scenario, overrides, message) => {
    expect(() => applyOverrides(scenario, overrides)).toThrow(message);
  });
});

describe('the target allow-list', () => {
  it.each([
    'http://localhost:8000',
    'http://LOCALHOST./',
    'http://127.0.0.1:8000/api',
    'http://127.2.3.4',
    'https://127.255.255.254:8443',
    'http://[::1]:8000',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://2130706433/', // 127.0.0.1 as one number: the URL parser normalises it, so it is loopback
  ])('always allows loopback %s', (url) => {
    expect(() => assertTargetAllowed(url, [])).not.toThrow();
  });

  it.each([
    'http://example.com',
    'http://127.0.0.1.example.com',
    'http://localhost.example.com',
    'http://foo.localhost',
    'http://0.0.0.0:8000',
    'http://10.0.0.5',
    'http://[::2]',
    'http://128.0.0.1',
  ])('refuses %s unless listed', (url) => {
    expect(() => assertTargetAllowed(url, [])).toThrow(UserError);
  });

  it('explains why and how to allow a host', () => {
    try {
      assertTargetAllowed('https://example.com/api', ['staging.example.com']);
      throw new Error('expected a refusal');
    } catch (e) {
      expect((e as UserError).format()).toBe(
        'refusing to load-test example.com: only loopback (localhost, 127.0.0.0/8, ::1) is allowed unless the host is listed in load.allowedHosts — if example.com is yours to load, add it to load.allowedHosts in shipgate.config.yaml',
      );
    }
  });

  it('allows listed hosts: names, IPs, ports, wildcards and pasted URLs', () => {
    const allowed = [
      'Staging.Example.com',
      '10.0.0.5:8000',
      '*.internal',
      '2001:db8::5',
      'https://qa.example.org/',
    ];
    for (const url of [
      'http://staging.example.com',
      'https://STAGING.example.com./x',
      'http://10.0.0.5:8000',
      'http://api.internal',
      'http://a.b.internal:9000',
      'http://[2001:db8::5]:8080',
      'http://qa.example.org',
    ]) {
      expect(() => assertTargetAllowed(url, allowed), url).not.toThrow();
    }
    for (const url of ['http://10.0.0.5:8001', 'http://internal', 'http://staging.example.com.evil.net']) {
      expect(() => assertTargetAllowed(url, allowed), url).toThrow(/refusing to load-test/);
    }
    expect(() => assertTargetAllowed('http://10.0.0.5:80', ['10.0.0.5:80'])).not.toThrow();
    expect(() => assertTargetAllowed('http://10.0.0.5', ['10.0.0.5:80'])).not.toThrow();
  });

  it('refuses a malformed allow-list entry', () => {
    expect(() => assertTargetAllowed('http://example.com', ['not a host'])).toThrow(
      "load.allowedHosts: 'not a host' is not a host name",
    );
  });

  it('is configured by load.allowedHosts, empty by default', () => {
    const { config } = parseConfigText(
      'load:\n  allowedHosts: [staging.example.com]\n',
      'shipgate.config.yaml',
    );
    expect(config.load.allowedHosts).toEqual(['staging.example.com']);
    expect(parseConfigText('load: {}\n', 'c.yaml').config.load.allowedHosts).toEqual([]);
  });
});

afterEach(() => clearSecrets());

describe('tls for https targets', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shipgate-scenario-tls-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

  it('reads the CA relative to the scenario file, or turns verification off', async () => {
    await writeFile(join(dir, 'ca.pem'), pem);
    const file = join(dir, 'api.yaml');
    const withCa = parse(
      `baseUrl: https://127.0.0.1:8443\ntls: { ca: ca.pem }\nrequests: [{ path: /a }]\n`,
      file,
    );
    expect(withCa.tls).toEqual({ ca: pem });
    const insecure = parse(
      `baseUrl: https://127.0.0.1:8443\ntls: { insecureSkipVerify: true }\nrequests: [{ path: /a }]\n`,
      file,
    );
    expect(insecure.tls).toEqual({ insecureSkipVerify: true });
    expect(parse(`${BASE}requests: [{ path: /a }]\n`).tls).toBeUndefined();
  });

  it('names the line when the CA is missing, not a certificate, or given with insecureSkipVerify', async () => {
    await writeFile(join(dir, 'key.pem'), '-----BEGIN PRIVATE KEY-----\n');
    const file = join(dir, 'api.yaml');
    expect(problems(`${BASE}tls:\n  ca: nope.pem\nrequests: [{ path: /a }]\n`, file)).toBe(
      `${file}:3: tls.ca: cannot read ${join(dir, 'nope.pem')}: ENOENT`,
    );
    expect(problems(`${BASE}tls:\n  ca: key.pem\nrequests: [{ path: /a }]\n`, file)).toBe(
      `${file}:3: tls.ca: ${join(dir, 'key.pem')} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
    expect(
      problems(`${BASE}tls:\n  ca: key.pem\n  insecureSkipVerify: true\nrequests: [{ path: /a }]\n`, file),
    ).toBe(`${file}:4: tls.insecureSkipVerify: give ca or insecureSkipVerify, not both`);
  });
});
