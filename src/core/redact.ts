/**
 * The one redaction function. Every renderer, the logger, the envelope writer and the store pass
 * their text through here, so a webhook URL, token or password can't leak by any path.
 *
 * Two mechanisms, because neither alone is enough:
 *  - known secret values (registered when config and environment are read) are replaced wherever
 *    they appear, even inside an error message from a library;
 *  - patterns catch secrets we were never told about: credentials in URLs, bearer tokens,
 *    Slack/Discord webhook paths, `password=`/`token=`-style parameters.
 */

export const REDACTED = '***';

const knownSecrets = new Set<string>();

/** Registers a value that must never be shown. Very short values are ignored (they would blank out ordinary text). */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string') return;
  const v = value.trim();
  if (v.length >= 6) knownSecrets.add(v);
}

/** For tests: forget registered secrets. */
export function clearSecrets(): void {
  knownSecrets.clear();
}

const PATTERNS: Array<[RegExp, string]> = [
  // scheme://user:password@host → keep the user, hide the password
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s@/]+)@/gi, `$1:${REDACTED}@`],
  // Authorization headers and bearer tokens
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`],
  // Slack, Discord and similar incoming-webhook secrets live in the path
  [/(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[^\s"'<>]+/gi, `$1${REDACTED}`],
  [/(discord(?:app)?\.com\/api\/webhooks\/)[^\s"'<>]+/gi, `$1${REDACTED}`],
  // key=value and "key": "value" for secret-looking keys
  [
    /\b((?:api[_-]?key|access[_-]?token|auth[_-]?token|token|secret|password|passwd|pwd|client[_-]?secret)=)[^\s&"']+/gi,
    `$1${REDACTED}`,
  ],
  [
    /("(?:api[_-]?key|apiKey|access[_-]?token|accessToken|token|secret|password|passwd|webhook[_-]?url|webhookUrl|authorization)"\s*:\s*")[^"]+(")/gi,
    `$1${REDACTED}$2`,
  ],
  // GitHub tokens
  [/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, REDACTED],
];

export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  for (const s of [...knownSecrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(s)) out = out.split(s).join(REDACTED);
  }
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

const SECRET_KEY =
  /^(password|passwd|pwd|secret|token|api[_-]?key|apikey|authorization|webhook(url)?|.*_(password|secret|token|api_key|webhook)|.*(Password|Secret|Token|ApiKey|Webhook|WebhookUrl))$/i;

/** True for object keys whose values are secrets by their name (password, apiKey, slack_webhook, …). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * Deep copy with secrets hidden: values under secret-named keys become `***` (when set), and
 * every string passes through `redact`. Used for stored records, envelopes and `config check`.
 */
export function redactDeep<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown, key?: string): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && isSecretKey(key) && value !== '') return REDACTED;
    return redact(value);
  }
  if (Array.isArray(value))
    return value.map((v) => walk(v, key !== undefined && isSecretKey(key) ? key : undefined));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, k);
    return out;
  }
  return value;
}
