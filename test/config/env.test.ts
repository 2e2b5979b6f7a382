import { describe, expect, it } from 'vitest';
import { applyEnvOverrides, ENV_OVERRIDES } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config/load.ts';
import { defaultConfig } from '../../src/config/schema.ts';
import { isUserError, type UserError } from '../../src/core/errors.ts';
import { clearSecrets, redact } from '../../src/core/redact.ts';
import { project } from './helpers.ts';

const cases: Array<[variable: string, raw: string, path: string, expected: unknown]> = [
  [
    'SLACK_WEBHOOK_URL',
    'https://hooks.slack.com/services/T1/B2/xyz789',
    'notify.slack.webhookUrl',
    'https://hooks.slack.com/services/T1/B2/xyz789',
  ],
  ['EMAIL_SMTP_SERVER', 'smtp.example.com', 'notify.email.smtpServer', 'smtp.example.com'],
  ['EMAIL_SMTP_PORT', '465', 'notify.email.smtpPort', 465],
  ['EMAIL_USERNAME', 'alerts@example.com', 'notify.email.username', 'alerts@example.com'],
  ['EMAIL_PASSWORD', 'correct-horse', 'notify.email.password', 'correct-horse'],
  [
    'MONITORING_URL',
    'https://monitor.example.com/ingest',
    'notify.webhook.url',
    'https://monitor.example.com/ingest',
  ],
  ['MONITORING_API_KEY', 'mon-key-0001', 'notify.webhook.apiKey', 'mon-key-0001'],
  [
    'DATABASE_URL',
    'postgresql://app:dbpass99@db:5432/piwardrive',
    'monitor.database.url',
    'postgresql://app:dbpass99@db:5432/piwardrive',
  ],
  ['REDIS_URL', 'redis://cache:6379/0', 'monitor.redisUrl', 'redis://cache:6379/0'],
  ['PERFORMANCE_THRESHOLD', '10', 'regression.threshold', 10],
  ['CONCURRENT_USERS', '50', 'load.users', 50],
  ['TEST_DURATION', '300', 'load.duration', 300_000],
  ['STAGING_AUTH_TOKEN', 'staging-token-abc', 'service.auth.token', 'staging-token-abc'],
];

function get(config: unknown, path: string): unknown {
  return path.split('.').reduce((v: unknown, k) => (v as Record<string, unknown> | undefined)?.[k], config);
}

describe('environment overrides', () => {
  it.each(cases)('%s=%s sets %s', (variable, raw, path, expected) => {
    const { config, applied } = applyEnvOverrides(defaultConfig(), { [variable]: raw });
    expect(get(config, path)).toEqual(expected);
    expect(applied).toEqual([{ variable, path }]);
  });

  it('has a row for each of the seed variables and nothing switches on names elsewhere', () => {
    expect(ENV_OVERRIDES.map((r) => r.variable)).toEqual(expect.arrayContaining(cases.map(([v]) => v)));
  });

  it('accepts durations and percentages with units', () => {
    const { config } = applyEnvOverrides(defaultConfig(), {
      TEST_DURATION: '5m',
      PERFORMANCE_THRESHOLD: '12.5%',
    });
    expect(config.load.duration).toBe(300_000);
    expect(config.regression.threshold).toBe(12.5);
  });

  it('leaves the input config alone', () => {
    const base = defaultConfig();
    applyEnvOverrides(base, { CONCURRENT_USERS: '99' });
    expect(base.load.users).toBe(10);
  });

  it('skips empty variables, as CI sets them for secrets that were never created', () => {
    const { config, applied } = applyEnvOverrides(defaultConfig(), {
      SLACK_WEBHOOK_URL: '',
      CONCURRENT_USERS: ' ',
    });
    expect(applied).toEqual([]);
    expect(config.notify.slack.webhookUrl).toBeUndefined();
  });

  it.each([
    ['CONCURRENT_USERS', 'lots'],
    ['CONCURRENT_USERS', '0'],
    ['CONCURRENT_USERS', '2.5'],
    ['EMAIL_SMTP_PORT', '70000'],
    ['TEST_DURATION', 'forever'],
    ['TEST_DURATION', '0'],
    ['PERFORMANCE_THRESHOLD', 'high'],
    ['MONITORING_URL', 'not a url'],
  ])('%s=%s is a UserError naming the variable', (variable, raw) => {
    let error: unknown;
    try {
      applyEnvOverrides(defaultConfig(), { [variable]: raw });
    } catch (e) {
      error = e;
    }
    expect(isUserError(error)).toBe(true);
    expect((error as UserError).format()).toMatch(new RegExp(`^${variable}: expected`));
  });

  it('does not repeat a secret variable in its error', () => {
    expect(() =>
      applyEnvOverrides(defaultConfig(), { SLACK_WEBHOOK_URL: 'hooks.slack.com/services/T/B/leak1234' }),
    ).toThrow(/^SLACK_WEBHOOK_URL: expected an http\(s\) URL, got a value that is not one$/);
  });

  it('reads the token from the variable service.auth.tokenEnv names, ahead of STAGING_AUTH_TOKEN', async () => {
    const dir = await project({ 'shipgate.config.yaml': 'service:\n  auth:\n    tokenEnv: PW_API_TOKEN\n' });
    const loaded = await loadConfig({
      cwd: dir,
      env: { STAGING_AUTH_TOKEN: 'staging-one', PW_API_TOKEN: 'pw-token-two' },
    });
    expect(loaded.config.service.auth.token).toBe('pw-token-two');
    expect(loaded.overrides).toEqual([
      { variable: 'STAGING_AUTH_TOKEN', path: 'service.auth.token' },
      { variable: 'PW_API_TOKEN', path: 'service.auth.token' },
    ]);
  });

  it('override the file, are recorded, and their secrets registered', async () => {
    clearSecrets();
    const dir = await project({
      'shipgate.config.yaml': 'load:\n  users: 5\nnotify:\n  email:\n    password: file-password\n',
    });
    const loaded = await loadConfig({
      cwd: dir,
      env: {
        CONCURRENT_USERS: '50',
        EMAIL_PASSWORD: 'env-password',
        DATABASE_URL: 'postgres://u:pg-secret-9@db/app',
      },
    });
    expect(loaded.config.load.users).toBe(50);
    expect(loaded.config.notify.email.password).toBe('env-password');
    expect(loaded.overrides.map((o) => o.variable)).toEqual([
      'EMAIL_PASSWORD',
      'DATABASE_URL',
      'CONCURRENT_USERS',
    ]);
    expect(redact('env-password file-password pg-secret-9')).toBe('*** *** ***');
  });

  it('registers the login password named by passwordEnv', async () => {
    clearSecrets();
    const dir = await project({
      'shipgate.config.yaml':
        'service:\n  auth:\n    login:\n      username: admin\n      passwordEnv: PW_API_PASSWORD\n',
    });
    const loaded = await loadConfig({ cwd: dir, env: { PW_API_PASSWORD: 'admin-pass-77' } });
    expect(loaded.config.service.auth.login).toEqual({
      path: '/token',
      username: 'admin',
      passwordEnv: 'PW_API_PASSWORD',
    });
    expect(redact('login with admin-pass-77')).toBe('login with ***');
  });
});
