import { UserError } from '../core/errors.ts';
import { registerSecret } from '../core/redact.ts';
import { parseDuration, parsePercent } from '../core/units.ts';
import type { Config } from './schema.ts';
import { setIn } from './seed.ts';

/**
 * Environment overrides, applied after the file, under the seed's variable names (CI secrets
 * keep the names they already have). One row per variable; `parse` turns the text into the
 * parsed-config value and throws a UserError naming the variable when it can't.
 */
export interface EnvOverride {
  variable: string;
  /** Dotted path in Config. */
  path: string;
  parse: (raw: string, variable: string) => unknown;
  /** `value`: the whole value is secret; `url-credentials`: the password inside the URL is. */
  secret?: 'value' | 'url-credentials';
}

export interface AppliedOverride {
  variable: string;
  path: string;
}

const text = (raw: string) => raw;

function integer(min: number, max: number, what: string) {
  return (raw: string, variable: string): number => {
    const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new UserError(`${variable}: expected ${what}, got ${JSON.stringify(raw)}`, {
        hint: `set ${variable} to a whole number${max === Number.MAX_SAFE_INTEGER ? ` of at least ${min}` : ` from ${min} to ${max}`}`,
      });
    }
    return value;
  };
}

function positiveDuration(raw: string, variable: string): number {
  let value: number;
  try {
    value = parseDuration(raw, variable);
  } catch {
    value = Number.NaN;
  }
  if (!(value > 0)) {
    throw new UserError(
      `${variable}: expected a duration like 300 (seconds) or 5m, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

function positivePercent(raw: string, variable: string): number {
  let value: number;
  try {
    value = parsePercent(raw, variable);
  } catch {
    value = Number.NaN;
  }
  if (!(value > 0)) {
    throw new UserError(`${variable}: expected a percentage like 10 or 10%, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** The value is secret, so the message must not repeat it. */
function secretHttpUrl(raw: string, variable: string): string {
  let ok = false;
  try {
    const url = new URL(raw);
    ok = url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new UserError(`${variable}: expected an http(s) URL, got a value that is not one`, {
      hint: `check the ${variable} secret`,
    });
  }
  return raw;
}

export const ENV_OVERRIDES: readonly EnvOverride[] = [
  { variable: 'SLACK_WEBHOOK_URL', path: 'notify.slack.webhookUrl', parse: secretHttpUrl, secret: 'value' },
  { variable: 'EMAIL_SMTP_SERVER', path: 'notify.email.smtpServer', parse: text },
  { variable: 'EMAIL_SMTP_PORT', path: 'notify.email.smtpPort', parse: integer(1, 65535, 'a port number') },
  { variable: 'EMAIL_USERNAME', path: 'notify.email.username', parse: text },
  { variable: 'EMAIL_PASSWORD', path: 'notify.email.password', parse: text, secret: 'value' },
  { variable: 'MONITORING_URL', path: 'notify.webhook.url', parse: secretHttpUrl, secret: 'value' },
  { variable: 'MONITORING_API_KEY', path: 'notify.webhook.apiKey', parse: text, secret: 'value' },
  { variable: 'DATABASE_URL', path: 'monitor.database.url', parse: text, secret: 'url-credentials' },
  { variable: 'REDIS_URL', path: 'monitor.redisUrl', parse: text, secret: 'url-credentials' },
  { variable: 'PERFORMANCE_THRESHOLD', path: 'regression.threshold', parse: positivePercent },
  {
    variable: 'CONCURRENT_USERS',
    path: 'load.users',
    parse: integer(1, Number.MAX_SAFE_INTEGER, 'a whole number of users'),
  },
  { variable: 'TEST_DURATION', path: 'load.duration', parse: positiveDuration },
  { variable: 'STAGING_AUTH_TOKEN', path: 'service.auth.token', parse: text, secret: 'value' },
  { variable: 'SHIPGATE_STORE', path: 'store.url', parse: text, secret: 'url-credentials' },
];

/** Registers what must never be shown: a whole value, or just the password inside a URL. */
export function registerSecretValue(value: string, kind: 'value' | 'url-credentials'): void {
  if (kind === 'value') {
    registerSecret(value);
    return;
  }
  registerUrlCredentials(value);
}

export function registerUrlCredentials(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return;
  }
  if (!url.password) return;
  registerSecret(url.password);
  try {
    registerSecret(decodeURIComponent(url.password));
  } catch {
    // A malformed %-escape: the raw form is registered, which is what appears in the text.
  }
}

/**
 * Applies the overrides to a parsed config (returns a new one). Empty variables are skipped:
 * GitHub Actions expands a secret that was never created to an empty string, and that must not
 * blank out the file's setting.
 */
export function applyEnvOverrides(
  config: Config,
  env: NodeJS.ProcessEnv,
  table: readonly EnvOverride[] = ENV_OVERRIDES,
): { config: Config; applied: AppliedOverride[] } {
  const out = structuredClone(config) as Config;
  const applied: AppliedOverride[] = [];
  const rows = [...table, ...indirectRows(config, table)];
  for (const row of rows) {
    const raw = env[row.variable];
    if (raw === undefined || raw.trim() === '') continue;
    if (row.secret) registerSecretValue(raw, row.secret);
    const value = row.parse(raw, row.variable);
    setIn(out as unknown as Record<string, unknown>, row.path.split('.'), value);
    applied.push({ variable: row.variable, path: row.path });
  }
  // The login password is read when logging in, not stored in the config; it is still a secret now.
  const passwordEnv = config.service.auth.login?.passwordEnv;
  if (passwordEnv) registerSecret(env[passwordEnv]);
  return { config: out, applied };
}

/** `service.auth.tokenEnv` names another variable for the token; it is more specific, so it comes last. */
function indirectRows(config: Config, table: readonly EnvOverride[]): EnvOverride[] {
  const tokenEnv = config.service.auth.tokenEnv;
  if (table.some((row) => row.variable === tokenEnv)) return [];
  return [{ variable: tokenEnv, path: 'service.auth.token', parse: text, secret: 'value' }];
}
