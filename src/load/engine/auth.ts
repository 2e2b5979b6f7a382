import type { AuthSpec } from '../types.ts';
import type { Exchange } from './exchange.ts';
import { lookup, statusOk } from './requests.ts';

/**
 * Authentication per virtual user: a static bearer header, or a login request whose JSON answer
 * carries the token. Login runs on the same reusable exchanges as the load itself and is counted
 * like any request (the server sees it), under the login request's name.
 */

/** Pause before a virtual user retries a failed login, and how often it tries before giving up. */
export const LOGIN_RETRY_MS = 250;
export const LOGIN_ATTEMPTS = 5;

/** Headers every request carries for a static token; empty for none or login. */
export function staticAuthHeaders(auth: AuthSpec): Record<string, string> {
  if (auth.kind !== 'bearer') return {};
  return { [auth.header]: authValue(auth.scheme, auth.token) };
}

export function authValue(scheme: string, token: string): string {
  return scheme ? `${scheme} ${token}` : token;
}

/**
 * The token in a login answer, or the reason there is none. Only called for 2xx/expected
 * statuses; the answer must be JSON with a string (or number) at `tokenPath`.
 */
export function tokenFrom(ex: Exchange, tokenPath: string): { token: string } | { problem: string } {
  const name = ex.req?.name ?? 'login';
  let doc: unknown;
  try {
    doc = JSON.parse(ex.bodyText());
  } catch {
    return { problem: `${name}: login answer is not JSON` };
  }
  const value = lookup(doc, tokenPath.split('.'));
  if (typeof value === 'string' && value.length > 0) return { token: value };
  if (typeof value === 'number') return { token: String(value) };
  return { problem: `${name}: login answer has no token at "${tokenPath}"` };
}

/**
 * What a finished login exchange yields: the token when the answer was good, or `problem` when the
 * status was fine but no token came back (counted as a failed body check). A transport error or a
 * bad status gives neither: the normal classification already counts it.
 */
export function loginOutcome(
  ex: Exchange,
  err: Error | null,
  tokenPath: string,
): { token: string | null; problem: string | null } {
  if (err || !ex.req || !statusOk(ex.req, ex.status)) return { token: null, problem: null };
  const got = tokenFrom(ex, tokenPath);
  return 'token' in got ? { token: got.token, problem: null } : { token: null, problem: got.problem };
}
