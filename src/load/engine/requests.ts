import type { Dispatcher } from 'undici';
import type { RequestSpec } from '../types.ts';
import { wireRequest } from './http1-pool.ts';

/**
 * Request templates turned once, before the run, into what the hot path needs: dispatch options
 * that are reused for every send (headers as a flat array, the body as one Buffer), a status
 * lookup table and the body checks. Nothing here runs per request.
 */
export interface CompiledRequest {
  /** Position in the scenario's request list (the key metrics are kept under). */
  index: number;
  name: string;
  method: RequestSpec['method'];
  options: Dispatcher.DispatchOptions;
  /** Bytes this request puts on the wire (request line, headers, body), for `data_sent`. */
  bytesOut: number;
  /** okStatus[s] === 1 when status s counts as success; null → any 2xx/3xx. */
  okStatus: Uint8Array | null;
  /** Body checks as (path segments, expected value); null → the body is discarded unread. */
  expectJson: Array<[string[], string | number | boolean | null]> | null;
  /** The spec states expectations of its own (status list or JSON check): counted in `checks`. */
  checked: boolean;
}

export interface Target {
  origin: string;
  /** Path prefix of the base URL (no trailing slash), prepended to every request path. */
  basePath: string;
  host: string;
}

export function parseTarget(baseUrl: string): Target {
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`base URL must be http:// or https://, got ${baseUrl}`);
  }
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), host: url.host };
}

export function compileRequest(
  spec: RequestSpec,
  index: number,
  target: Target,
  extraHeaders: Record<string, string> = {},
): CompiledRequest {
  const relative = spec.path.startsWith('/') ? spec.path : `/${spec.path}`;
  const path = `${target.basePath}${relative}`;
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.headers)) merged[k.toLowerCase()] = v;
  for (const [k, v] of Object.entries(extraHeaders)) merged[k.toLowerCase()] = v;
  const headers: string[] = [];
  for (const [k, v] of Object.entries(merged)) headers.push(k, v);
  const body = spec.body === undefined ? null : Buffer.from(spec.body, 'utf8');

  const options: Dispatcher.DispatchOptions = { path, method: spec.method, headers, body };

  let okStatus: Uint8Array | null = null;
  if (spec.expectStatus && spec.expectStatus.length > 0) {
    okStatus = new Uint8Array(1000);
    for (const s of spec.expectStatus) if (s >= 0 && s < 1000) okStatus[s] = 1;
  }
  const expectJson = spec.expectJson
    ? Object.entries(spec.expectJson).map(
        ([path, value]) => [path.split('.'), value] as [string[], string | number | boolean | null],
      )
    : null;

  return {
    index,
    name: spec.name,
    method: spec.method,
    options,
    bytesOut: wireRequest(options, target.host).length,
    okStatus,
    expectJson: expectJson && expectJson.length > 0 ? expectJson : null,
    checked: Boolean(okStatus || expectJson),
  };
}

export function compileRequests(
  specs: RequestSpec[],
  target: Target,
  extraHeaders: Record<string, string> = {},
): CompiledRequest[] {
  return specs.map((spec, i) => compileRequest(spec, i, target, extraHeaders));
}

/** Running sums of the weights, for `pickWeighted`. Non-positive weights never get picked. */
export function cumulativeWeights(specs: RequestSpec[]): Float64Array {
  const out = new Float64Array(specs.length);
  let sum = 0;
  specs.forEach((s, i) => {
    sum += s.weight > 0 && Number.isFinite(s.weight) ? s.weight : 0;
    out[i] = sum;
  });
  if (sum <= 0) throw new Error('every request has weight 0: nothing to send');
  return out;
}

/** Whether a status counts as success for this template. */
export function statusOk(req: CompiledRequest, status: number): boolean {
  const table = req.okStatus;
  if (table) return status < table.length && table[status] === 1;
  return status >= 200 && status < 400;
}

/**
 * Checks a JSON body against the template's expectations. Returns null when it passes, otherwise a
 * short message naming the first mismatch (kept as an example in the error report).
 */
export function checkJson(req: CompiledRequest, text: string): string | null {
  const checks = req.expectJson;
  if (!checks) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return `${req.name}: body is not JSON (${text.length} bytes)`;
  }
  for (const [segments, expected] of checks) {
    const actual = lookup(doc, segments);
    if (actual !== expected) {
      return `${req.name}: ${segments.join('.')} is ${describe(actual)}, expected ${JSON.stringify(expected)}`;
    }
  }
  return null;
}

/** Follows a dotted path through objects and arrays; undefined when any step is missing. */
export function lookup(doc: unknown, segments: string[]): unknown {
  let cur: unknown = doc;
  for (const key of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
