import { request } from 'undici';
import { UserError } from './errors.ts';

/**
 * One HTTP exchange for checks and probes (health gates, smoke tests, fetching an OpenAPI
 * document) — not the load engine's hot path. Measures the whole exchange, reads the body
 * (bounded), parses JSON when the response says it is JSON, and never throws for an HTTP status.
 */
export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed body when the content type is JSON and it parsed; undefined otherwise. */
  json: unknown;
  /** Send → end of body, in milliseconds. */
  ms: number;
}

export interface HttpOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Bodies beyond this are cut off (a probe never needs megabytes). */
  maxBodyBytes?: number;
}

export async function httpExchange(url: string, options: HttpOptions = {}): Promise<HttpResult> {
  const timeout = options.timeoutMs ?? 10_000;
  const started = performance.now();
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, {
      method: options.method ?? 'GET',
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
  } catch (e) {
    throw new HttpError(url, e);
  }
  const max = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > max) {
        res.body.destroy();
        break;
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    throw new HttpError(url, e);
  }
  const ms = performance.now() - started;
  const text = Buffer.concat(chunks).toString('utf8');
  const type = String(res.headers['content-type'] ?? '');
  let json: unknown;
  if (/\bjson\b/i.test(type)) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: res.statusCode, headers: res.headers, text, json, ms };
}

/** The request did not get an HTTP answer at all (refused, reset, timed out, bad URL). */
export class HttpError extends UserError {
  readonly code: string | undefined;
  constructor(url: string, cause: unknown) {
    const code = (cause as { code?: string } | undefined)?.code;
    const reason =
      code === 'ECONNREFUSED'
        ? 'connection refused'
        : code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
          ? 'timed out'
          : ((cause as Error | undefined)?.message ?? String(cause));
    super(`${url}: ${reason}`);
    this.code = code;
  }
}
