import type { ErrorKind } from '../types.ts';

/**
 * Maps what went wrong with one request to the error kinds users gate and read on. Transport
 * failures are told apart by the socket/undici error code, so a report can say "refused" or
 * "reset" instead of wrk's opaque "socket errors".
 */

/** Raised by the engine's own per-request deadline; one shared instance (it carries no detail). */
export class RequestTimeoutError extends Error {
  readonly code = 'SHIPGATE_REQUEST_TIMEOUT';
  constructor(ms: number) {
    super(`no complete response within ${ms} ms`);
    this.name = 'RequestTimeoutError';
  }
}

const TIMEOUT_CODES = new Set([
  'SHIPGATE_REQUEST_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const REFUSED_CODES = new Set(['ECONNREFUSED']);

export function transportErrorKind(err: unknown): ErrorKind {
  const code = errorCode(err);
  if (code !== undefined) {
    if (TIMEOUT_CODES.has(code)) return 'timeout';
    if (REFUSED_CODES.has(code)) return 'refused';
    if (RESET_CODES.has(code)) return 'reset';
  }
  return 'other';
}

/** Code of the error or, for wrapped errors (undici wraps socket errors), of its cause. */
function errorCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; depth < 3 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') {
      // undici reports a socket error as UND_ERR_SOCKET with the OS error as its cause.
      if (code !== 'UND_ERR_SOCKET') return code;
      const inner = errorCode((cur as { cause?: unknown }).cause);
      return inner ?? code;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** One line for the report's examples: the code when there is one, then the message. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = errorCode(err);
    const text = err.message || err.name;
    return code && !text.includes(code) ? `${code}: ${text}` : text;
  }
  return String(err);
}
