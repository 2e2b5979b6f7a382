import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { SourceUnavailable } from './source.ts';

/**
 * The advisory sources' HTTP: JSON in, JSON out, one deadline for the whole exchange. Every way
 * of not getting a usable answer (refused, timed out, 5xx, 404/405 from a registry without the
 * endpoint, a body that is not JSON) becomes SourceUnavailable, never an empty result.
 */
export interface JsonRequest {
  method: 'GET' | 'POST';
  body?: unknown;
  gzip?: boolean;
  timeoutMs: number;
  headers?: Record<string, string>;
}

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export async function fetchJson(url: string, req: JsonRequest): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: Buffer | undefined;
  if (req.body !== undefined) {
    const json = Buffer.from(JSON.stringify(req.body));
    body = req.gzip ? gzipSync(json) : json;
    headers['content-type'] = 'application/json';
    if (req.gzip) headers['content-encoding'] = 'gzip';
  }
  const signal = AbortSignal.timeout(req.timeoutMs);
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, {
      method: req.method,
      headers,
      ...(body ? { body } : {}),
      signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
  } catch (e) {
    throw new SourceUnavailable(`${redactUrl(url)}: ${why(e, req.timeoutMs)}`);
  }
  let text = '';
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_RESPONSE_BYTES) throw new SourceUnavailable(`${redactUrl(url)}: response over 64 MiB`);
      chunks.push(chunk as Buffer);
    }
    text = Buffer.concat(chunks).toString('utf8');
  } catch (e) {
    if (e instanceof SourceUnavailable) throw e;
    throw new SourceUnavailable(`${redactUrl(url)}: ${why(e, req.timeoutMs)}`);
  }
  if (res.statusCode === 404 || res.statusCode === 405 || res.statusCode === 501) {
    throw new SourceUnavailable(
      `${redactUrl(url)}: HTTP ${res.statusCode} — this server does not offer the endpoint`,
    );
  }
  if (res.statusCode >= 300) throw new SourceUnavailable(`${redactUrl(url)}: HTTP ${res.statusCode}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new SourceUnavailable(`${redactUrl(url)}: the answer is not JSON`);
  }
}

function why(e: unknown, timeoutMs: number): string {
  const err = e as { code?: string; name?: string; message?: string };
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || /TIMEOUT/.test(err.code ?? '')) {
    return `timed out after ${timeoutMs} ms`;
  }
  if (err.code === 'ECONNREFUSED') return 'connection refused';
  return err.message ?? String(e);
}

/** Credentials inside a mirror URL never reach a message. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
