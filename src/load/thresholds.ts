import type { Config } from '../config/schema.ts';
import { closest } from '../config/source.ts';
import { UserError, type UserErrorLocation } from '../core/errors.ts';
import { formatBytes, parseDuration, parseSize } from '../core/units.ts';
import type { Scenario } from './types.ts';

/**
 * k6-compatible thresholds: the pass/fail gate of a load run, written the way k6 users already
 * write them.
 *
 *     --threshold 'http_req_duration: p(95)<2000'
 *     --threshold 'http_req_duration{name:login}: p(99)<500, avg<200'
 *     --threshold 'http_req_failed: rate<0.01'
 *     --threshold 'http_reqs: rate>50'
 *
 * Grammar: `metric[{tag:value,…}]: aggregation operator bound [abortOnFail][, …]`.
 *
 * | metric                          | type    | aggregations                 | bound unit            |
 * | ------------------------------- | ------- | ---------------------------- | --------------------- |
 * | http_req_duration               | trend   | avg min max med p(N)         | ms                    |
 * | http_req_waiting (TTFB)         | trend   | avg min max med p(N)         | ms                    |
 * | http_req_failed, checks         | rate    | rate                         | fraction 0..1         |
 * | http_reqs, iterations,          | counter | count, rate (per second)     | count                 |
 * |   dropped_iterations            |         |                              |                       |
 * | data_received, data_sent        | counter | count, rate (per second)     | bytes                 |
 * | vus, vus_max                    | gauge   | value                        | users                 |
 *
 * `p(N)` takes any N in (0, 100], e.g. `p(99.9)`. Operators: `< <= > >= == === !=` (`===` is `==`).
 *
 * Beyond k6, bounds may carry the unit people mean, so a typo in magnitude is less likely:
 * trends take durations (`p(95)<2s` is 2000 ms; a bare number is ms, as in k6 — not seconds as
 * elsewhere in shipgate), rates take percentages (`rate<1%` is 0.01), byte counters take sizes
 * (`count<10MB`), and counter rates take a time unit (`rate>3000/m` is 50 per second).
 * A rate bound above 1 is refused: `rate<5` can never fail, so it is almost surely meant as 5 %.
 *
 * Submetrics select requests by tag: `name` (the scenario's request name; quote it when it holds
 * `,` or `}`: `{name:"GET /a,b"}`), `method`, `status` (`{status:200}`) and `expected_response`
 * (`{expected_response:true}`). Only request metrics (http_req_*, http_reqs, checks) take tags.
 *
 * abortOnFail: write the word after an expression (`http_req_failed: rate<0.5 abortOnFail`) to stop
 * the run as soon as that threshold fails, as k6's `{threshold, abortOnFail: true}` does; the CLI's
 * global `--abort-on-fail` sets it on every threshold (`options.abortOnFail`).
 *
 * Exactness at the bound: `p(95)<2000` fails when p95 is exactly 2000 and `p(95)<=2000` passes.
 * Values that are computed (averages, percentiles, rates, per-second figures, and latencies
 * converted from microseconds) are compared with a relative tolerance of 1e-9, so 0.1 + 0.2 against
 * a bound of 0.3 counts as equal instead of flipping on the last bit; such an "equal" value fails
 * `<`, `>` and `!=` and passes `<=`, `>=` and `==`. Counts (`count`) and gauges (`value`) are
 * integers and compare exactly.
 */

export type TrendMetric = 'http_req_duration' | 'http_req_waiting';
export type RateMetric = 'http_req_failed' | 'checks';
export type CounterMetric = 'http_reqs' | 'iterations' | 'dropped_iterations' | 'data_received' | 'data_sent';
export type GaugeMetric = 'vus' | 'vus_max';
export type MetricName = TrendMetric | RateMetric | CounterMetric | GaugeMetric;
export type MetricType = 'trend' | 'rate' | 'counter' | 'gauge';

/**
 * What the engine exposes for thresholds to read. Tag values are strings as written in the
 * selector (`status: '200'`, `expected_response: 'true'`); an empty tags object is the whole metric.
 * Return undefined when nothing was recorded for that (sub)metric; a counter that exists but never
 * ticked (dropped_iterations in a healthy run) is `{count: 0, perSecond: 0}`, not undefined.
 */
export interface MetricsView {
  /** Latency figures in MILLISECONDS; `percentile(p)` takes p in (0, 100]. */
  trend(
    metric: TrendMetric,
    tags: Record<string, string>,
  ): { count: number; mean: number; min: number; max: number; percentile(p: number): number } | undefined;
  /** `passes` counts the true samples: failed requests for http_req_failed, passed checks for checks. */
  rate(metric: RateMetric, tags: Record<string, string>): { passes: number; total: number } | undefined;
  /** `perSecond` is the count over the run's elapsed time. */
  counter(
    metric: CounterMetric,
    tags: Record<string, string>,
  ): { count: number; perSecond: number } | undefined;
  gauge(metric: GaugeMetric): number | undefined;
}

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface Threshold {
  /** One expression as written, `metric{tags}: aggregation operator bound` (without abortOnFail). */
  expression: string;
  metric: MetricName;
  tags: Record<string, string>;
  /** `avg min max med count rate value`, or `p(N)` with `percentile` set. */
  aggregation: string;
  percentile?: number;
  operator: Operator;
  /** In the metric's unit: ms for trends, a fraction for rates, per second for counter rates, bytes for data_*. */
  bound: number;
  abortOnFail: boolean;
}

export interface ThresholdResult {
  expression: string;
  metric: string;
  tags: Record<string, string>;
  aggregation: string;
  operator: string;
  bound: number;
  /** null: nothing was recorded for the (sub)metric — the threshold fails, and `note` says why. */
  actual: number | null;
  passed: boolean;
  abortOnFail: boolean;
  note?: string;
}

export interface ParseThresholdOptions {
  /** Sets abortOnFail on every expression (the CLI's `--abort-on-fail`). */
  abortOnFail?: boolean;
  /** Where the text came from, for the error's `file:line` (a config or scenario file). */
  where?: UserErrorLocation;
}

// ---------------------------------------------------------------------------------------------
// The metric table. Adding a metric the engine records is one row here and one case in its view.

type BoundUnit = 'ms' | 'fraction' | 'count' | 'bytes';

interface MetricDef {
  type: MetricType;
  unit: BoundUnit;
  /** Request metrics carry request tags; run-level ones (iterations, vus) do not. */
  tagged: boolean;
}

const METRICS: Record<MetricName, MetricDef> = {
  http_req_duration: { type: 'trend', unit: 'ms', tagged: true },
  http_req_waiting: { type: 'trend', unit: 'ms', tagged: true },
  http_req_failed: { type: 'rate', unit: 'fraction', tagged: true },
  checks: { type: 'rate', unit: 'fraction', tagged: true },
  http_reqs: { type: 'counter', unit: 'count', tagged: true },
  iterations: { type: 'counter', unit: 'count', tagged: false },
  dropped_iterations: { type: 'counter', unit: 'count', tagged: false },
  data_received: { type: 'counter', unit: 'bytes', tagged: false },
  data_sent: { type: 'counter', unit: 'bytes', tagged: false },
  vus: { type: 'gauge', unit: 'count', tagged: false },
  vus_max: { type: 'gauge', unit: 'count', tagged: false },
};

export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** k6 built-ins shipgate does not measure: named so the message says "not measured", not "unknown". */
const K6_UNMEASURED = [
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_receiving',
  'iteration_duration',
  'group_duration',
];

const AGGREGATIONS: Record<MetricType, { names: readonly string[]; shown: string }> = {
  trend: { names: ['avg', 'min', 'max', 'med', 'p'], shown: 'avg, min, max, med or p(N)' },
  rate: { names: ['rate'], shown: 'rate' },
  counter: { names: ['count', 'rate'], shown: 'count or rate' },
  gauge: { names: ['value'], shown: 'value' },
};

/** Tags the engine records per request; k6 has more (scenario, group, url, …) that shipgate has no use for. */
export const THRESHOLD_TAGS = ['name', 'method', 'status', 'expected_response'] as const;

const OPERATORS: readonly Operator[] = ['===', '==', '!=', '<=', '>=', '<', '>'];

// ---------------------------------------------------------------------------------------------
// Parsing

/** Parses one expression, `metric[{tags}]: aggregation operator bound`. */
export function parseThreshold(
  text: string,
  source = 'threshold',
  options: ParseThresholdOptions = {},
): Threshold {
  const all = parseThresholds(text, source, options);
  if (all.length !== 1) {
    throw new UserError(`${source} '${text}': expected one expression, got ${all.length}`, {
      ...options.where,
      hint: 'give each expression its own threshold',
    });
  }
  return all[0] as Threshold;
}

/** Parses `metric[{tags}]: expr[, expr…]` — several expressions for one metric, as in config files. */
export function parseThresholds(
  text: string,
  source = 'threshold',
  options: ParseThresholdOptions = {},
): Threshold[] {
  const fail = (message: string, hint?: string) =>
    new UserError(`${source} '${text}': ${message}`, { ...options.where, hint });

  const colon = topLevelIndex(text, ':');
  const brace = text.indexOf('{');
  if (colon < 0 && brace >= 0 && closingBrace(text.slice(brace)) < 0) {
    throw fail(`missing '}' to close '${text.slice(brace)}'`);
  }
  if (colon < 0) {
    throw fail(
      `missing ':' between the metric and the expression`,
      `write it as 'http_req_duration: p(95)<2000'`,
    );
  }
  const metricText = text.slice(0, colon).trim();
  const { metric, tags } = parseSelector(metricText, fail);

  const body = text.slice(colon + 1);
  if (body.trim() === '') throw fail(`no expression after ':'`, `e.g. 'http_req_duration: p(95)<2000'`);
  return splitTopLevel(body, ',').map((piece, i) => {
    const expr = piece.trim();
    if (expr === '') throw fail(i === 0 ? `empty expression before ','` : `empty expression after ','`);
    const parsed = parseExpression(expr, metric, fail);
    return {
      expression: `${metricText}: ${parsed.text}`,
      metric,
      tags,
      aggregation: parsed.aggregation,
      ...(parsed.percentile === undefined ? {} : { percentile: parsed.percentile }),
      operator: parsed.operator,
      bound: parsed.bound,
      abortOnFail: parsed.abortOnFail || options.abortOnFail === true,
    };
  });
}

type Fail = (message: string, hint?: string) => UserError;

function parseSelector(text: string, fail: Fail): { metric: MetricName; tags: Record<string, string> } {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*([\s\S]*)$/.exec(text);
  if (!m) {
    throw fail(
      text === '' ? `missing the metric name before ':'` : `expected a metric name before ':', got '${text}'`,
    );
  }
  const name = m[1] as string;
  const rest = m[2] as string;
  const metric = metricNamed(name, fail);
  if (rest === '') return { metric, tags: {} };
  if (!rest.startsWith('{')) throw fail(`unexpected '${rest}' after the metric name`);
  const close = closingBrace(rest);
  if (close < 0) throw fail(`missing '}' after '${rest}'`);
  const after = rest.slice(close + 1).trim();
  if (after !== '') throw fail(`unexpected '${after}' after '}'`);
  if (!METRICS[metric].tagged) {
    throw fail(
      `${metric} takes no tags (it is not per request)`,
      `submetrics exist for ${METRIC_NAMES.filter((n) => METRICS[n].tagged).join(', ')}`,
    );
  }
  return { metric, tags: parseTags(rest.slice(1, close), fail) };
}

function metricNamed(name: string, fail: Fail): MetricName {
  if (name in METRICS) return name as MetricName;
  if (K6_UNMEASURED.includes(name)) {
    throw fail(
      `${name} is a k6 metric that shipgate does not measure`,
      `use one of ${METRIC_NAMES.join(', ')}`,
    );
  }
  const near = closest(name, METRIC_NAMES);
  throw fail(
    `unknown metric '${name}'${near ? ` — did you mean '${near}'?` : ''}`,
    near ? undefined : `known metrics: ${METRIC_NAMES.join(', ')}`,
  );
}

function parseTags(inner: string, fail: Fail): Record<string, string> {
  if (inner.trim() === '') throw fail(`empty tag selector '{}'`, `e.g. {name:login} or {status:200}`);
  const tags: Record<string, string> = {};
  for (const part of splitTopLevel(inner, ',', true)) {
    const colon = topLevelIndex(part, ':', true);
    if (colon < 0) throw fail(`expected tag:value in '{${inner}}', got '${part.trim()}'`);
    const key = part.slice(0, colon).trim();
    const value = unquote(part.slice(colon + 1).trim());
    if (!(THRESHOLD_TAGS as readonly string[]).includes(key)) {
      const near = closest(key, THRESHOLD_TAGS);
      throw fail(
        `unknown tag '${key}'${near ? ` — did you mean '${near}'?` : ''}`,
        `shipgate tags requests with ${THRESHOLD_TAGS.join(', ')}`,
      );
    }
    if (key in tags) throw fail(`tag '${key}' given twice`);
    if (value === '') throw fail(`tag '${key}' has no value`);
    if (key === 'status' && !/^[1-5]\d\d$/.test(value)) {
      throw fail(`tag status: expected an HTTP status code like 200, got '${value}'`);
    }
    if (key === 'expected_response' && value !== 'true' && value !== 'false') {
      throw fail(`tag expected_response: expected true or false, got '${value}'`);
    }
    tags[key] = key === 'method' ? value.toUpperCase() : value;
  }
  return tags;
}

interface ParsedExpression {
  text: string;
  aggregation: string;
  percentile?: number;
  operator: Operator;
  bound: number;
  abortOnFail: boolean;
}

function parseExpression(expr: string, metric: MetricName, fail: Fail): ParsedExpression {
  const def = METRICS[metric];
  let rest = expr;

  // Aggregation: a word, or p(N).
  let aggregation: string;
  let percentile: number | undefined;
  const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest)?.[0];
  if (word === undefined) {
    throw fail(`expected an aggregation (${AGGREGATIONS[def.type].shown}) before '${rest}'`);
  }
  if (word === 'p' && /^p\s*\(/.test(rest)) {
    const close = rest.indexOf(')');
    if (close < 0) throw fail(`missing ')' in '${rest}'`);
    const inner = rest.slice(rest.indexOf('(') + 1, close).trim();
    if (inner === '') throw fail(`p() needs a percentile, like p(95) or p(99.9)`);
    if (!/^(\d+(\.\d*)?|\.\d+)$/.test(inner)) throw fail(`expected a number in p(…), got '${inner}'`);
    percentile = Number(inner);
    if (!(percentile > 0 && percentile <= 100)) {
      throw fail(`a percentile is more than 0 and at most 100, got p(${inner})`);
    }
    aggregation = `p(${percentile})`;
    rest = rest.slice(close + 1);
    assertApplies('p', metric, fail);
  } else {
    if (/^p\d+(\.\d+)?$/.test(word))
      throw fail(`unknown aggregation '${word}' — did you mean 'p(${word.slice(1)})'?`);
    if (word === 'p') throw fail(`p needs a percentile in parentheses, like p(95)`);
    aggregation = word;
    rest = rest.slice(word.length);
    assertApplies(word, metric, fail);
  }
  const afterAggregation = expr.slice(0, expr.length - rest.length);
  rest = rest.trimStart();

  // Operator: the longest one that matches, so `<=` is not read as `<` followed by `=…`.
  const operator = OPERATORS.find((op) => rest.startsWith(op));
  if (!operator) {
    if (rest === '') throw fail(`missing an operator and a bound after '${afterAggregation}'`);
    const typo = OPERATOR_TYPOS[/^[=<>!]+/.exec(rest)?.[0] ?? ''];
    throw fail(
      `expected an operator (<, <=, >, >=, ==, !=) after '${afterAggregation}', got '${rest}'`,
      typo ? `did you mean '${typo}'?` : undefined,
    );
  }
  rest = rest.slice(operator.length).trimStart();

  // Bound: one token, a number with the unit the metric allows.
  const token = /^\S+/.exec(rest)?.[0] ?? '';
  if (!/^(\d|\.\d)/.test(token)) {
    throw fail(`expected a number after '${operator}', got ${token === '' ? 'nothing' : `'${rest}'`}`);
  }
  const bound = parseBound(token, metric, aggregation, fail);
  rest = rest.slice(token.length).trim();

  let abortOnFail = false;
  const suffix = /^abortOnFail\b/i.exec(rest);
  if (suffix) {
    abortOnFail = true;
    rest = rest.slice(suffix[0].length).trim();
  }
  if (rest !== '') {
    const unitAlone = def.unit === 'ms' && /^(us|µs|ms|s|m|h)$/.test(rest);
    throw fail(
      `unexpected '${rest}' after '${token}'`,
      unitAlone ? `write the unit without a space: ${token}${rest}` : undefined,
    );
  }
  const text = abortOnFail ? expr.replace(/\s*abortOnFail\s*$/i, '') : expr;
  return {
    text,
    aggregation,
    ...(percentile === undefined ? {} : { percentile }),
    operator,
    bound,
    abortOnFail,
  };
}

const OPERATOR_TYPOS: Record<string, string> = { '=': '==', '=<': '<=', '=>': '>=', '<>': '!=', '!': '!=' };

function assertApplies(aggregation: string, metric: MetricName, fail: Fail): void {
  const { type } = METRICS[metric];
  const own = AGGREGATIONS[type];
  if (own.names.includes(aggregation)) return;
  const shown = aggregation === 'p' ? 'p(N)' : aggregation;
  const elsewhere = (Object.keys(AGGREGATIONS) as MetricType[]).find((t) =>
    AGGREGATIONS[t].names.includes(aggregation),
  );
  if (elsewhere) {
    throw fail(
      `'${shown}' does not apply to ${metric}, a ${type} metric: use ${own.shown}`,
      `'${shown}' is for ${elsewhere} metrics`,
    );
  }
  const near = closest(
    aggregation,
    own.names.filter((n) => n !== 'p'),
  );
  throw fail(
    `unknown aggregation '${aggregation}' for ${metric}${near ? ` — did you mean '${near}'?` : ''}`,
    `${metric} is a ${type} metric: use ${own.shown}`,
  );
}

const NUMBER = /^(\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const PER = { s: 1, sec: 1, m: 60, min: 60, h: 3600 } as const;

function parseBound(token: string, metric: MetricName, aggregation: string, fail: Fail): number {
  const { type, unit } = METRICS[metric];
  if (NUMBER.test(token)) {
    const n = Number(token);
    if (!Number.isFinite(n)) throw fail(`'${token}' is too large`);
    if (unit === 'fraction' && n > 1) {
      throw fail(
        `a rate is a fraction from 0 to 1, got ${token}`,
        `write ${n / 100} or ${token}% for ${token} %`,
      );
    }
    return n;
  }
  switch (unit) {
    case 'ms':
      try {
        return parseDuration(token);
      } catch {
        throw fail(`'${token}' is not a number of milliseconds or a duration like 2s`);
      }
    case 'fraction': {
      const m = /^(\d+(?:\.\d*)?|\.\d+)%$/.exec(token);
      if (!m) throw fail(`'${token}' is not a fraction like 0.01 or a percentage like 1%`);
      const n = Number(m[1]) / 100;
      if (n > 1) throw fail(`a rate is at most 100%, got ${token}`);
      return n;
    }
    default: {
      // Counters: sizes for byte counters, and a time unit on a per-second rate.
      let value = token;
      let seconds = 1;
      if (type === 'counter' && aggregation === 'rate') {
        const per = /^(.+)\/(s|sec|m|min|h)$/.exec(token);
        if (per) {
          value = per[1] as string;
          seconds = PER[per[2] as keyof typeof PER];
        }
      }
      if (NUMBER.test(value)) return Number(value) / seconds;
      if (unit === 'bytes') {
        try {
          return parseSize(value) / seconds;
        } catch {
          // Reported below with the metric's own wording.
        }
      }
      const expected =
        unit === 'bytes'
          ? 'a number of bytes or a size like 10MB'
          : type === 'counter' && aggregation === 'rate'
            ? 'a number per second or a rate like 3000/m'
            : 'a number';
      throw fail(`'${token}' is not ${expected}`);
    }
  }
}

/**
 * Index of the first `char` outside braces and quotes, or -1. Quotes only matter inside a tag
 * selector (`{name:"a,b"}`), so they count at the top level only when scanning a selector's inside.
 */
function topLevelIndex(text: string, char: string, quotesAtTop = false): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if ((c === '"' || c === "'") && (depth > 0 || quotesAtTop)) {
      quote = c;
    } else if (c === char && depth === 0) {
      return i;
    } else if (c === '{') {
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
    }
  }
  return -1;
}

/** Index of the `}` closing the `{` that `text` starts with, or -1. */
function closingBrace(text: string): number {
  const inner = topLevelIndex(text.slice(1), '}', true);
  return inner < 0 ? -1 : inner + 1;
}

function splitTopLevel(text: string, char: string, quotesAtTop = false): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let i = topLevelIndex(rest, char, quotesAtTop); i >= 0; i = topLevelIndex(rest, char, quotesAtTop)) {
    parts.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
  parts.push(rest);
  return parts;
}

function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/s.exec(value);
  return m ? (m[2] as string) : value;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

const RELATIVE_EPSILON = 1e-9;

export function evaluateThresholds(thresholds: readonly Threshold[], view: MetricsView): ThresholdResult[] {
  return thresholds.map((t) => {
    const actual = measure(t, view);
    const exact = t.aggregation === 'count' || t.aggregation === 'value';
    const result: ThresholdResult = {
      expression: t.expression,
      metric: t.metric,
      tags: t.tags,
      aggregation: t.aggregation,
      operator: t.operator,
      bound: t.bound,
      actual,
      passed: actual !== null && compare(actual, t.operator, t.bound, exact),
      abortOnFail: t.abortOnFail,
    };
    if (actual === null) result.note = `no data: nothing was recorded for ${selectorOf(t)}`;
    return result;
  });
}

function measure(t: Threshold, view: MetricsView): number | null {
  const def = METRICS[t.metric];
  switch (def.type) {
    case 'trend': {
      const trend = view.trend(t.metric as TrendMetric, t.tags);
      if (!trend || trend.count === 0) return null;
      if (t.aggregation === 'avg') return trend.mean;
      if (t.aggregation === 'min') return trend.min;
      if (t.aggregation === 'max') return trend.max;
      return trend.percentile(t.aggregation === 'med' ? 50 : (t.percentile as number));
    }
    case 'rate': {
      const rate = view.rate(t.metric as RateMetric, t.tags);
      return rate && rate.total > 0 ? rate.passes / rate.total : null;
    }
    case 'counter': {
      const counter = view.counter(t.metric as CounterMetric, t.tags);
      if (!counter) return null;
      return t.aggregation === 'count' ? counter.count : counter.perSecond;
    }
    case 'gauge':
      return view.gauge(t.metric as GaugeMetric) ?? null;
  }
}

/** See the module comment: computed values within 1e-9 (relative) of the bound count as equal to it. */
export function compare(actual: number, operator: Operator, bound: number, exact = false): boolean {
  const diff = actual - bound;
  const equal = exact
    ? diff === 0
    : Math.abs(diff) <= RELATIVE_EPSILON * Math.max(Math.abs(actual), Math.abs(bound));
  switch (operator) {
    case '<':
      return !equal && diff < 0;
    case '<=':
      return equal || diff < 0;
    case '>':
      return !equal && diff > 0;
    case '>=':
      return equal || diff > 0;
    case '==':
    case '===':
      return equal;
    case '!=':
      return !equal;
  }
}

function selectorOf(t: { metric: string; tags: Record<string, string> }): string {
  const tags = Object.entries(t.tags);
  return tags.length === 0 ? t.metric : `${t.metric}{${tags.map(([k, v]) => `${k}:${v}`).join(',')}}`;
}

/** A threshold figure in its unit, for reports: `1234.57ms`, `1.25%`, `52.3/s`, `1.5 KiB`, `12`. */
export function formatThresholdValue(metric: string, aggregation: string, value: number): string {
  const def = METRICS[metric as MetricName];
  if (!def) return String(value);
  const round = (n: number, digits: number) => String(Number(n.toFixed(digits)));
  if (def.unit === 'ms') return `${round(value, 2)}ms`;
  if (def.unit === 'fraction') return `${round(value * 100, 4)}%`;
  if (aggregation === 'rate') {
    return def.unit === 'bytes' ? `${formatBytes(Math.round(value))}/s` : `${round(value, 2)}/s`;
  }
  return def.unit === 'bytes' ? formatBytes(value) : String(value);
}

/** One line per result: `✓ http_req_duration: p(95)<2000 — 812.4ms`, `✗ … — no data: …`. */
export function describeThresholdResult(r: ThresholdResult): string {
  const mark = r.passed ? '✓' : '✗';
  const figure =
    r.actual === null ? (r.note ?? 'no data') : formatThresholdValue(r.metric, r.aggregation, r.actual);
  return `${mark} ${r.expression} — ${figure}`;
}

// ---------------------------------------------------------------------------------------------

/**
 * The gate shipgate applies when no threshold is given: the config's API response-time and
 * error-rate limits. An error-rate limit of 0 % becomes `rate<=0` (no errors allowed), since
 * `rate<0` could never pass.
 */
export function defaultThresholds(config: Config): Threshold[] {
  const { apiResponseTime, errorRatePercent } = config.thresholds;
  const source = 'config thresholds';
  return [
    parseThreshold(`http_req_duration: p(95)<${apiResponseTime}`, source),
    parseThreshold(
      errorRatePercent > 0 ? `http_req_failed: rate<${errorRatePercent / 100}` : 'http_req_failed: rate<=0',
      source,
    ),
  ];
}

/**
 * Refuses `{name:…}` selectors that name no request of the scenario: such a threshold could only
 * ever report "no data", so the typo is caught before the run instead of after it.
 */
export function assertThresholdsMatchScenario(thresholds: readonly Threshold[], scenario: Scenario): void {
  const names = scenario.requests.map((r) => r.name);
  for (const t of thresholds) {
    const name = t.tags.name;
    if (name === undefined || names.includes(name)) continue;
    const near = closest(name, names);
    throw new UserError(
      `threshold '${t.expression}': scenario '${scenario.name}' has no request named '${name}'${near ? ` — did you mean '${near}'?` : ''}`,
      { hint: `its requests are ${names.map((n) => `'${n}'`).join(', ')}` },
    );
  }
}
