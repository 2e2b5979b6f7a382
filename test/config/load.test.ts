import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayConfig } from '../../src/config/display.ts';
import { CONFIG_CANDIDATES, loadConfig } from '../../src/config/load.ts';
import { defaultConfig } from '../../src/config/schema.ts';
import { isUserError, type UserError } from '../../src/core/errors.ts';
import { clearSecrets, redact } from '../../src/core/redact.ts';
import { configError, project } from './helpers.ts';

const YAML = `# PiWardrive behind its web UI server
service:
  baseUrl: http://localhost:8000/api
  healthPath: /health
  expectStatus: [200, 204]
  healthBody:
    status: healthy
  auth:
    header: Authorization
    scheme: Bearer
load:
  users: 25
  duration: 2m
  rampUp: 15
thresholds:
  apiResponseTime: 1500ms
  errorRatePercent: 2%
monitor:
  endpoints:
    - name: health
      url: /health
      timeout: 5s
`;

async function load(files: Record<string, string>, file?: string) {
  const dir = await project(files);
  return loadConfig({ cwd: dir, file, env: {} });
}

describe('loading shipgate config files', () => {
  it('reads YAML, keeping defaults for what it leaves out', async () => {
    const { config, format, file, warnings } = await load({ 'shipgate.config.yaml': YAML });
    expect(format).toBe('yaml');
    expect(file).toBe('shipgate.config.yaml');
    expect(warnings).toEqual([]);
    expect(config.service).toMatchObject({
      baseUrl: 'http://localhost:8000/api',
      expectStatus: [200, 204],
      healthBody: { status: 'healthy' },
    });
    expect(config.load).toMatchObject({ users: 25, duration: 120_000, rampUp: 15_000, timeout: 30_000 });
    expect(config.thresholds).toMatchObject({ apiResponseTime: 1500, errorRatePercent: 2, cpuPercent: 80 });
    expect(config.monitor.endpoints).toEqual([
      { name: 'health', url: 'http://localhost:8000/api/health', timeout: 5000 },
    ]);
  });

  it('reads JSON', async () => {
    const json = JSON.stringify({ load: { users: 3, duration: '10s' }, coverage: { min: 75 } }, null, 2);
    const { config, format } = await load({ 'shipgate.config.json': json });
    expect(format).toBe('json');
    expect(config.load.users).toBe(3);
    expect(config.load.duration).toBe(10_000);
    expect(config.coverage).toEqual({ min: 75, target: 90 });
  });

  it('accepts a $schema key for editors', async () => {
    const { config } = await load({
      'shipgate.config.json': '{"$schema": "./shipgate.schema.json", "load": {"users": 2}}',
    });
    expect(config.load.users).toBe(2);
  });

  it('gives the defaults with a warning for an empty file', async () => {
    for (const [name, format] of [
      ['shipgate.config.yaml', 'yaml'],
      ['shipgate.config.json', 'json'],
    ] as const) {
      const loaded = await load({ [name]: '\n  \n' });
      expect(loaded.format).toBe(format);
      expect(loaded.config).toEqual(defaultConfig());
      expect(loaded.warnings).toEqual([`${name}: the file has no settings; using the defaults`]);
    }
  });

  it('gives the defaults when there is no file at all', async () => {
    const loaded = await load({});
    expect(loaded).toEqual({ config: defaultConfig(), format: 'defaults', overrides: [], warnings: [] });
  });
});

describe('discovery', () => {
  const content: Record<(typeof CONFIG_CANDIDATES)[number], string> = {
    'shipgate.config.yaml': 'load:\n  users: 1\n',
    'shipgate.config.yml': 'load:\n  users: 2\n',
    'shipgate.config.json': '{"load": {"users": 3}}',
    'performance_config.json': '{"load_test_config": {"default_concurrent_users": 4}}',
    'config/performance_config.json': '{"load_test_config": {"default_concurrent_users": 5}}',
  };

  it('looks for the shipgate names first, then the seed file where PiWardrive kept it before and after it moved', () => {
    expect(CONFIG_CANDIDATES).toEqual([
      'shipgate.config.yaml',
      'shipgate.config.yml',
      'shipgate.config.json',
      'performance_config.json',
      'config/performance_config.json',
    ]);
  });

  it('takes the first candidate present, in order', async () => {
    const names = [...CONFIG_CANDIDATES];
    for (let i = 0; i < names.length; i++) {
      const present = Object.fromEntries(names.slice(i).map((n) => [n, content[n]]));
      const loaded = await load(present);
      expect(loaded.file).toBe(names[i]);
      expect(loaded.config.load.users).toBe(i + 1);
    }
  });

  it('ignores a directory with a candidate name', async () => {
    const dir = await project({ 'shipgate.config.json': '{"load": {"users": 3}}' });
    await mkdir(join(dir, 'shipgate.config.yaml'));
    expect((await loadConfig({ cwd: dir, env: {} })).file).toBe('shipgate.config.json');
  });

  it('uses an explicitly named file over the candidates', async () => {
    const loaded = await load(
      { 'shipgate.config.yaml': 'load:\n  users: 1\n', 'ci/gate.yaml': 'load:\n  users: 7\n' },
      'ci/gate.yaml',
    );
    expect(loaded.file).toBe('ci/gate.yaml');
    expect(loaded.config.load.users).toBe(7);
  });
});

describe('errors', () => {
  it('names the key, the line and what was expected for a wrong type in YAML', async () => {
    const err = await configError(() => load({ 'shipgate.config.yaml': YAML.replace('1500ms', 'fast') }));
    expect(isUserError(err)).toBe(true);
    expect(err.format()).toBe(
      'shipgate.config.yaml:16: thresholds.apiResponseTime: expected a duration like 2s, got "fast"',
    );
    expect(err.file).toBe('shipgate.config.yaml');
    expect(err.line).toBe(16);
  });

  it('names the key and the line for a wrong type in JSON', async () => {
    const json =
      '{\n  "load": {\n    "users": 5,\n    "stress": {\n      "maxUsers": "many"\n    }\n  }\n}\n';
    const err = await configError(() => load({ 'shipgate.config.json': json }));
    expect(err.format()).toBe('shipgate.config.json:5: load.stress.maxUsers: expected a number, got "many"');
  });

  it('locates a problem inside a list item', async () => {
    const err = await configError(() =>
      load({ 'shipgate.config.yaml': YAML.replace('timeout: 5s', 'timeout: soon') }),
    );
    expect(err.format()).toBe(
      'shipgate.config.yaml:22: monitor.endpoints[0].timeout: expected a duration like 2s, got "soon"',
    );
  });

  it('points at the key, not at a block value on the lines below it, and at the offending list item', async () => {
    const yaml = 'load:\n  stress:\n    - 1\nservice:\n  expectStatus:\n    - 200\n    - 99\n';
    const err = await configError(() => load({ 'shipgate.config.yaml': yaml }));
    expect(err.format().split('\n')).toEqual([
      'shipgate.config.yaml:2: load.stress: expected a mapping, got a list',
      'shipgate.config.yaml:7: service.expectStatus[1]: expected at least 100, got 99',
    ]);
  });

  it('reports an unknown key with a did-you-mean hint', async () => {
    const err = await configError(() =>
      load({ 'shipgate.config.yaml': YAML.replace('apiResponseTime', 'apiRespnseTime') }),
    );
    expect(err.format()).toBe(
      "shipgate.config.yaml:16: unknown key 'thresholds.apiRespnseTime' — did you mean 'thresholds.apiResponseTime'?",
    );
  });

  it("suggests the key in its section for a misplaced key and shipgate's name for a seed-style one", async () => {
    const err = await configError(() =>
      load({ 'shipgate.config.yaml': 'users: 5\nthresholds:\n  api_response_time: 2s\n  banana: 1\n' }),
    );
    expect(err.format().split('\n')).toEqual([
      "shipgate.config.yaml:1: unknown key 'users' — did you mean 'load.users'?",
      "shipgate.config.yaml:3: unknown key 'thresholds.api_response_time' — did you mean 'thresholds.apiResponseTime'?",
      "shipgate.config.yaml:4: unknown key 'thresholds.banana'",
    ]);
  });

  it('lists every problem, one line each, in file order', async () => {
    const yaml =
      'load:\n  users: 0\n  rampUp: -5\ncoverage:\n  min: 90\n  target: 80\nlogging:\n  level: loud\n';
    const err = await configError(() => load({ 'shipgate.config.yaml': yaml }));
    expect(err.format().split('\n')).toEqual([
      'shipgate.config.yaml:2: load.users: expected at least 1, got 0',
      'shipgate.config.yaml:3: load.rampUp: expected a duration like 2s, got -5',
      'shipgate.config.yaml:6: coverage.target: expected at least coverage.min (90%), got 80%',
      'shipgate.config.yaml:8: logging.level: expected one of debug, info, warn, error, got "loud"',
    ]);
    expect(err.problems).toHaveLength(4);
    expect(err.message).toBe('load.users: expected at least 1, got 0');
  });

  it('reports malformed YAML at the parser position', async () => {
    const err = await configError(() =>
      load({ 'shipgate.config.yaml': 'load:\n  users: [1, 2\nthresholds: {}\n' }),
    );
    expect(err.line).toBe(3);
    expect(err.format()).toMatch(/^shipgate\.config\.yaml:3: malformed YAML: /);
  });

  it('reports malformed JSON at the parser position, with a hint for a trailing comma', async () => {
    const err = await configError(() =>
      load({ 'shipgate.config.json': '{\n  "load": {\n    "users": 5,\n  }\n}\n' }),
    );
    expect(err.format()).toBe(
      'shipgate.config.json:4: malformed JSON: Expected double-quoted property name — JSON allows no trailing comma and needs double quotes around keys',
    );
  });

  it('locates malformed JSON that V8 reports without a position, and does not quote the file', async () => {
    const err = await configError(() =>
      load({
        'shipgate.config.json':
          '{\n  "notify": {"email": {"password": "hunter2-secret"}},\n  "load": {"users": tru}\n}\n',
      }),
    );
    expect(err.line).toBe(3);
    expect(err.format()).toMatch(/^shipgate\.config\.json:3: malformed JSON: Unexpected token/);
    expect(err.format()).not.toContain('hunter2-secret');
  });

  it('refuses duplicate keys in JSON', async () => {
    const err = await configError(() =>
      load({ 'shipgate.config.json': '{\n  "load": {},\n  "load": {}\n}\n' }),
    );
    expect(err.format()).toBe('shipgate.config.json:3: malformed JSON: duplicate key');
  });

  it('refuses a top level that is not a mapping', async () => {
    const err = await configError(() => load({ 'shipgate.config.yaml': '- load\n- users\n' }));
    expect(err.format()).toMatch(/^shipgate\.config\.yaml:1: expected a mapping of sections .* got a list$/);
  });

  it('is a UserError naming the file when an explicitly named file is missing or unreadable', async () => {
    const dir = await project({});
    await mkdir(join(dir, 'adir.yaml'));
    for (const [file, why] of [
      ['missing.yaml', 'no such file'],
      ['adir.yaml', 'is a directory'],
    ]) {
      let error: unknown;
      try {
        await loadConfig({ cwd: dir, file, env: {} });
      } catch (e) {
        error = e;
      }
      expect(isUserError(error)).toBe(true);
      expect((error as UserError).format()).toBe(`${file}: cannot read file: ${why}`);
    }
  });

  it('does not show a secret in a type error, and says to quote it', async () => {
    const err = await configError(() =>
      load({ 'shipgate.config.yaml': 'notify:\n  email:\n    password: 20250704\n' }),
    );
    expect(err.format()).toBe(
      'shipgate.config.yaml:3: notify.email.password: expected text, got a number (not shown: it is a secret) — put the value in quotes',
    );
  });
});

describe('secrets', () => {
  const SECRETS = {
    slack: 'https://hooks.slack.com/services/T0001/B0001/slacksecretpath',
    smtp: 'smtp-password-x1',
    dbPassword: 'db-password-x2',
    webhook: 'https://monitor.internal.example/ingest/abc123',
    apiKey: 'monitor-api-key-x3',
    token: 'bearer-token-x4',
  };

  it('registers every secret from the file and the environment, and displayConfig shows none', async () => {
    clearSecrets();
    const yaml = [
      'service:',
      '  auth:',
      `    token: ${SECRETS.token}`,
      'notify:',
      '  slack:',
      `    webhookUrl: ${SECRETS.slack}`,
      '  email:',
      '    smtpServer: smtp.example.com',
      '    username: alerts@example.com',
      `    password: ${SECRETS.smtp}`,
      '    recipients: [ops@example.com]',
      '  webhook:',
      `    url: ${SECRETS.webhook}`,
      '',
    ].join('\n');
    const dir = await project({ 'shipgate.config.yaml': yaml });
    const { config } = await loadConfig({
      cwd: dir,
      env: {
        DATABASE_URL: `postgresql://piwardrive:${SECRETS.dbPassword}@db.internal:5432/piwardrive`,
        MONITORING_API_KEY: SECRETS.apiKey,
      },
    });
    for (const secret of Object.values(SECRETS)) expect(redact(`x ${secret} y`)).toBe('x *** y');

    const shown = JSON.stringify(displayConfig(config));
    for (const secret of Object.values(SECRETS)) expect(shown).not.toContain(secret);
    const display = displayConfig(config) as {
      monitor: { database: { url: string } };
      notify: { email: object };
    };
    // Only the password of a connection URL is hidden; the host is what people need to see.
    expect(display.monitor.database.url).toBe('postgresql://piwardrive:***@db.internal:5432/piwardrive');
    expect(display.notify.email).toMatchObject({ smtpServer: 'smtp.example.com', password: '***' });
  });

  it("registers the seed file's secrets", async () => {
    clearSecrets();
    const seed = {
      alerts: { slack_webhook: SECRETS.slack, email_password: SECRETS.smtp },
      monitoring_webhook: SECRETS.webhook,
      monitoring_api_key: SECRETS.apiKey,
    };
    const { config, format } = await load({ 'performance_config.json': JSON.stringify(seed) });
    expect(format).toBe('seed-json');
    expect(config.notify.webhook).toEqual({ url: SECRETS.webhook, apiKey: SECRETS.apiKey });
    for (const secret of [SECRETS.slack, SECRETS.smtp, SECRETS.webhook, SECRETS.apiKey]) {
      expect(redact(secret)).toBe('***');
    }
    expect(JSON.stringify(displayConfig(config))).not.toMatch(
      /slacksecretpath|smtp-password|abc123|monitor-api-key/,
    );
  });

  it('registers secrets even when the file is invalid', async () => {
    clearSecrets();
    await configError(() =>
      load({
        'shipgate.config.yaml': `notify:\n  webhook:\n    apiKey: ${SECRETS.apiKey}\nload:\n  users: none\n`,
      }),
    );
    expect(redact(SECRETS.apiKey)).toBe('***');
  });
});
