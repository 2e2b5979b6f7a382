/**
 * The shared vocabulary of the load capability: what a scenario is (input to the engine), and what a
 * run's metrics look like once aggregated (input to thresholds, reports and the result envelope).
 * Times are microseconds inside the engine and histograms, milliseconds in summaries people read.
 */

/** One request template of a scenario. */
export interface RequestSpec {
  /** Name used in per-request breakdowns and threshold tags (`{name:login}`); defaults to `METHOD path`. */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  /** Path (with query) relative to the scenario's base URL. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Relative weight when picking the next request (default 1). */
  weight: number;
  /** Statuses that count as success (default: any 2xx/3xx). */
  expectStatus?: number[];
  /** Optional JSON-body check: dotted path → expected value (e.g. `{ "status": "healthy" }`). */
  expectJson?: Record<string, string | number | boolean | null>;
}

/** Authentication for every virtual user. */
export type AuthSpec =
  | { kind: 'none' }
  /** A bearer token (resolved from an environment variable at load time). */
  | { kind: 'bearer'; token: string; header: string; scheme: string }
  /** A login request run once per virtual user; the token is read from the JSON answer. */
  | {
      kind: 'login';
      request: RequestSpec;
      /** Dotted path of the token in the login answer (default `access_token`). */
      tokenPath: string;
      header: string;
      scheme: string;
    };

/** Closed model: N virtual users, each sends its next request when the previous one completes. */
export interface ClosedModel {
  kind: 'closed';
  users: number;
  rampUpMs: number;
  /** Pause after each response, per user (0 = none). */
  thinkTimeMs: number;
}

/** Open model: requests start on an arrival schedule, whatever the server does (wrk2-style). */
export interface OpenModel {
  kind: 'open';
  /** Piecewise-linear rate: start at `startRate`, then each stage ramps linearly to its target over its duration. */
  startRate: number;
  stages: Array<{ durationMs: number; targetRate: number }>;
  /** Upper bound on concurrent in-flight requests; an arrival with none free is dropped and counted. */
  maxInFlight: number;
}

export type LoadModel = ClosedModel | OpenModel;

export interface Scenario {
  name: string;
  baseUrl: string;
  requests: RequestSpec[];
  auth: AuthSpec;
  model: LoadModel;
  /** Total run time (for the open model: the sum of its stages). */
  durationMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Hard cap on requests sent (safety bound); undefined = bounded by time only. */
  maxRequests?: number;
  /** https targets: an extra CA to trust (PEM text), or no verification at all. */
  tls?: { ca?: string; insecureSkipVerify?: boolean };
}

/** Latency summary in milliseconds (from a microsecond histogram). */
export interface LatencySummaryMs {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  stdDev: number;
}

export type ErrorKind =
  | 'timeout'
  | 'refused'
  | 'reset'
  | 'non2xx'
  | 'unexpectedStatus'
  | 'bodyCheck'
  | 'other';
