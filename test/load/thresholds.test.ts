import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';
import { defaultConfig } from '../../src/config/schema.ts';
import { UserError } from '../../src/core/errors.ts';
import { scenarioFromUrl } from '../../src/load/scenario.ts';
import {
  assertThresholdsMatchScenario,
  type CounterMetric,
  compare,
  defaultThresholds,
  describeThresholdResult,
  evaluateThresholds,
  type GaugeMetric,
  type MetricsView,
  type Operator,
  parseThreshold,
  parseThresholds,
  type RateMetric,
  type TrendMetric,
} from '../../src/load/thresholds.ts';

interface TrendData {
  values: number[];
}

/**
 * A view over plain recorded data keyed by `metric` or `metric{k:v,…}` (tags sorted), with the
 * nearest-rank percentile, so expected figures can be worked out by hand.
 */
function view(data: {
  trends?: Record<string, TrendData>;
  rates?: Record<string, { passes: number; total: number }>;
  counters?: Record<string, { count: number; perSecond: number }>;
  gauges?: Partial<Record<GaugeMetric, number>>;
}): MetricsView & { calls: string[] } {
  const calls: string[] = [];
  const key = (metric: string, tags: Record<string, string>) => {
    const entries = Object.entries(tags).sort(([a], [b]) => a.localeCompare(b));
    const k = entries.length ? `${metric}{${entries.map(([t, v]) => `${t}:${v}`).join(',')}}` : metric;
    calls.push(k);
    return k;
  };
  return {
    calls,
    trend(metric: TrendMetric, tags) {
      const t = data.trends?.[key(metric, tags)];
      if (!t) return undefined;
      const sorted = [...t.values].sort((a, b) => a - b);
      return {
        count: sorted.length,
        mean: sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length),
        min: sorted[0] ?? 0,
        max: sorted[sorted.length - 1] ?? 0,
        percentile: (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0,
      };
    },
    rate: (metric: RateMetric, tags) => data.rates?.[key(metric, tags)],
    counter: (metric: CounterMetric, tags) => data.counters?.[key(metric, tags)],
    gauge: (metric: GaugeMetric) => data.gauges?.[metric],
  };
}

const latencies = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100 ms

const sample = view({
  trends: {
    http_req_duration: { values: latencies },
    http_req_waiting: { values: latencies.map((v) => v / 2) },
    'http_req_duration{name:login}': { values: [400, 600] },
    'http_req_duration{status:200}': { values: [10, 20, 30] },
    'http_req_duration{expected_response:true}': { values: [5] },
    'http_req_duration{method:POST,name:create}': { values: [50] },
  },
  rates: {
    http_req_failed: { passes: 3, total: 300 },
    checks: { passes: 297, total: 300 },
    'http_req_failed{name:login}': { passes: 1, total: 2 },
  },
  counters: {
    http_reqs: { count: 300, perSecond: 50 },
    'http_reqs{status:500}': { count: 3, perSecond: 0.5 },
    iterations: { count: 300, perSecond: 50 },
    dropped_iterations: { count: 0, perSecond: 0 },
    data_received: { count: 2_000_000, perSecond: 1_000_000 / 3 },
    data_sent: { count: 1024, perSecond: 512 },
  },
  gauges: { vus: 10, vus_max: 20 },
});

function actualOf(expression: string, v: MetricsView = sample): number | null {
  const [result] = evaluateThresholds([parseThreshold(expression)], v);
  return result?.actual ?? null;
}

describe('parsing', () => {
  it('reads metric, tags, aggregation, operator and bound', () => {
    expect(parseThreshold('http_req_duration{name:login}: p(99.9) <= 500', '--threshold')).toEqual({
      expression: 'http_req_duration{name:login}: p(99.9) <= 500',
      metric: 'http_req_duration',
      tags: { name: 'login' },
      aggregation: 'p(99.9)',
      percentile: 99.9,
      operator: '<=',
      bound: 500,
      abortOnFail: false,
    });
  });

  it.each([
    ['http_req_duration: avg<200', 'avg', 200],
    ['http_req_duration: min<200', 'min', 200],
    ['http_req_duration: max<200', 'max', 200],
    ['http_req_duration: med<200', 'med', 200],
    ['http_req_duration: p(90)<200', 'p(90)', 200],
    ['http_req_duration: p(100)<200', 'p(100)', 200],
    ['http_req_duration: p(0.1)<200', 'p(0.1)', 200],
    ['http_req_waiting: p(95)<150', 'p(95)', 150],
    ['http_req_failed: rate<0.01', 'rate', 0.01],
    ['checks: rate>0.99', 'rate', 0.99],
    ['http_reqs: count>1000', 'count', 1000],
    ['http_reqs: rate>50', 'rate', 50],
    ['iterations: count>=10', 'count', 10],
    ['iterations: rate>=10', 'rate', 10],
    ['dropped_iterations: count==0', 'count', 0],
    ['dropped_iterations: rate<1', 'rate', 1],
    ['data_received: count<1e9', 'count', 1e9],
    ['data_sent: rate<1000', 'rate', 1000],
    ['vus: value>=10', 'value', 10],
    ['vus_max: value<=100', 'value', 100],
  ])('%s', (text, aggregation, bound) => {
    const t = parseThreshold(text);
    expect(t.aggregation).toBe(aggregation);
    expect(t.bound).toBe(bound);
  });

  it.each(['<', '<=', '>', '>=', '==', '===', '!='] as Operator[])('operator %s', (op) => {
    expect(parseThreshold(`http_req_duration: avg${op}100`).operator).toBe(op);
    expect(parseThreshold(`http_req_duration: avg ${op} 100`).operator).toBe(op);
  });

  it.each([
    ['http_req_duration: p(95)<2s', 2000],
    ['http_req_duration: p(95)<1.5s', 1500],
    ['http_req_duration: p(95)<250ms', 250],
    ['http_req_duration: p(95)<1m30s', 90_000],
    ['http_req_duration: p(95)<500us', 0.5],
    ['http_req_duration: p(95)<2000', 2000], // a bare number is ms, as in k6
    ['http_req_failed: rate<1%', 0.01],
    ['http_req_failed: rate<=0.5%', 0.005],
    ['http_reqs: rate>3000/m', 50],
    ['http_reqs: rate>50/s', 50],
    ['data_received: count<10MB', 10_000_000],
    ['data_received: count<1KiB', 1024],
    ['data_sent: rate<2MB/s', 2_000_000],
  ])('units: %s', (text, bound) => {
    expect(parseThreshold(text).bound).toBeCloseTo(bound, 12);
  });

  it('reads the tag forms k6 uses', () => {
    expect(parseThreshold('http_req_duration{status:200}: avg<1').tags).toEqual({ status: '200' });
    expect(parseThreshold('http_req_duration{expected_response:true}: avg<1').tags).toEqual({
      expected_response: 'true',
    });
    expect(parseThreshold('http_req_duration{ name : login , method : post }: avg<1').tags).toEqual({
      name: 'login',
      method: 'POST',
    });
    expect(parseThreshold('http_req_duration{name:"GET /a,b{c}"}: avg<1').tags).toEqual({
      name: 'GET /a,b{c}',
    });
    expect(parseThreshold("http_req_duration{name:'x: y'}: avg<1").tags).toEqual({ name: 'x: y' });
    expect(parseThreshold('http_req_duration{name:GET /api/status}: avg<1').tags).toEqual({
      name: 'GET /api/status',
    });
  });

  it('reads several expressions for one metric', () => {
    const all = parseThresholds('http_req_duration{name:login}: p(95)<300, p(99)<500 abortOnFail, avg<1s');
    expect(all.map((t) => [t.expression, t.bound, t.abortOnFail])).toEqual([
      ['http_req_duration{name:login}: p(95)<300', 300, false],
      ['http_req_duration{name:login}: p(99)<500', 500, true],
      ['http_req_duration{name:login}: avg<1s', 1000, false],
    ]);
    expect(() => parseThreshold('http_req_duration: p(95)<300, p(99)<500', '--threshold')).toThrow(
      "--threshold 'http_req_duration: p(95)<300, p(99)<500': expected one expression, got 2",
    );
  });

  it('sets abortOnFail by suffix or for all', () => {
    expect(parseThreshold('http_req_failed: rate<0.5 abortOnFail').abortOnFail).toBe(true);
    expect(parseThreshold('http_req_failed: rate<0.5').abortOnFail).toBe(false);
    expect(
      parseThreshold('http_req_failed: rate<0.5', '--threshold', { abortOnFail: true }).abortOnFail,
    ).toBe(true);
  });

  it('places an error at a file and line when given one', () => {
    try {
      parseThreshold('http_req_duration: p(95)<x', 'thresholds[0]', {
        where: { file: 'load.yaml', line: 7 },
      });
      throw new Error('expected a refusal');
    } catch (e) {
      expect((e as UserError).format()).toBe(
        "load.yaml:7: thresholds[0] 'http_req_duration: p(95)<x': expected a number after '<', got 'x'",
      );
    }
  });
});

describe('malformed expressions are refused with a precise message', () => {
  const cases: Array<[string, string]> = [
    ['http_req_duration: p(95)<<2000', "expected a number after '<', got '<2000'"],
    [
      'http_req_duration p(95)<2000',
      "missing ':' between the metric and the expression — write it as 'http_req_duration: p(95)<2000'",
    ],
    ['p(95)<2000', "missing ':' between the metric and the expression"],
    ['http_req_duraton: p(95)<2000', "unknown metric 'http_req_duraton' — did you mean 'http_req_duration'?"],
    ['latency: p(95)<2000', "unknown metric 'latency' — known metrics: http_req_duration,"],
    ['http_req_blocked: avg<10', 'http_req_blocked is a k6 metric that shipgate does not measure'],
    ['http_req_duration: avgg<1', "unknown aggregation 'avgg' for http_req_duration — did you mean 'avg'?"],
    ['http_req_duration: mean<1', "unknown aggregation 'mean' for http_req_duration"],
    ['http_req_duration: p95<2000', "unknown aggregation 'p95' — did you mean 'p(95)'?"],
    ['http_req_duration: p()<2000', 'p() needs a percentile, like p(95) or p(99.9)'],
    ['http_req_duration: p<2000', 'p needs a percentile in parentheses, like p(95)'],
    ['http_req_duration: p(abc)<2000', "expected a number in p(…), got 'abc'"],
    ['http_req_duration: p(95<2000', "missing ')' in 'p(95<2000'"],
    ['http_req_duration: p(0)<2000', 'a percentile is more than 0 and at most 100, got p(0)'],
    ['http_req_duration: p(101)<2000', 'a percentile is more than 0 and at most 100, got p(101)'],
    [
      'http_req_duration: p(95)=2000',
      "expected an operator (<, <=, >, >=, ==, !=) after 'p(95)', got '=2000' — did you mean '=='?",
    ],
    ['http_req_duration: p(95)=<2000', "got '=<2000' — did you mean '<='?"],
    ['http_req_duration: avg~5', "expected an operator (<, <=, >, >=, ==, !=) after 'avg', got '~5'"],
    ['http_req_duration: p(95)', "missing an operator and a bound after 'p(95)'"],
    ['http_req_duration: p(95)<', "expected a number after '<', got nothing"],
    ['http_req_duration: p(95)< fast', "expected a number after '<', got 'fast'"],
    ['http_req_duration: p(95)<-5', "expected a number after '<', got '-5'"],
    ['http_req_duration: p(95)<2000 foo', "unexpected 'foo' after '2000'"],
    [
      'http_req_duration: p(95)<2000 ms',
      "unexpected 'ms' after '2000' — write the unit without a space: 2000ms",
    ],
    ['http_req_duration: p(95)<2000xyz', "'2000xyz' is not a number of milliseconds or a duration like 2s"],
    [
      'http_req_duration: rate<0.01',
      "'rate' does not apply to http_req_duration, a trend metric: use avg, min, max, med or p(N)",
    ],
    ['http_req_failed: p(95)<0.01', "'p(N)' does not apply to http_req_failed, a rate metric: use rate"],
    ['http_req_failed: avg<0.01', "'avg' does not apply to http_req_failed, a rate metric: use rate"],
    ['http_reqs: value>1', "'value' does not apply to http_reqs, a counter metric: use count or rate"],
    ['vus: count>1', "'count' does not apply to vus, a gauge metric: use value"],
    ['http_req_failed: rate<5', 'a rate is a fraction from 0 to 1, got 5'],
    ['http_req_failed: rate<150%', 'a rate is at most 100%, got 150%'],
    ['http_req_failed: rate<0.01s', "'0.01s' is not a fraction like 0.01 or a percentage like 1%"],
    ['http_reqs: count>10/s', "'10/s' is not a number"],
    ['http_reqs: rate>10/week', "'10/week' is not a number per second or a rate like 3000/m"],
    ['data_sent: count<10 parsecs', "unexpected 'parsecs' after '10'"],
    ['http_req_duration:', "no expression after ':'"],
    ['http_req_duration: avg<1,', "empty expression after ','"],
    ['http_req_duration: , avg<1', "empty expression before ','"],
    ['http_req_duration{name:login: avg<1', "missing '}' to close '{name:login: avg<1'"],
    ['http_req_duration{}: avg<1', "empty tag selector '{}'"],
    ['http_req_duration{name}: avg<1', "expected tag:value in '{name}', got 'name'"],
    ['http_req_duration{nam:x}: avg<1', "unknown tag 'nam' — did you mean 'name'?"],
    [
      'http_req_duration{scenario:x}: avg<1',
      "unknown tag 'scenario' — shipgate tags requests with name, method, status, expected_response",
    ],
    ['http_req_duration{status:20}: avg<1', "tag status: expected an HTTP status code like 200, got '20'"],
    [
      'http_req_duration{expected_response:yes}: avg<1',
      "tag expected_response: expected true or false, got 'yes'",
    ],
    ['http_req_duration{name:a,name:b}: avg<1', "tag 'name' given twice"],
    ['http_req_duration{name:}: avg<1', "tag 'name' has no value"],
    ['http_req_duration{name:a} x: avg<1', "unexpected 'x' after '}'"],
    ['vus{name:a}: value<1', 'vus takes no tags (it is not per request)'],
    [': avg<1', "missing the metric name before ':'"],
    ['http_req_duration: <2000', "expected an aggregation (avg, min, max, med or p(N)) before '<2000'"],
  ];
  it.each(cases)('%s', (text, message) => {
    let error: unknown;
    try {
      parseThreshold(text, '--threshold');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    const line = (error as UserError).format();
    expect(line.startsWith(`--threshold '${text}': `)).toBe(true);
    expect(line).toContain(message);
    expect(line).not.toContain('\n');
  });
});

describe('evaluation', () => {
  it.each([
    ['http_req_duration: avg<1000', 50.5],
    ['http_req_duration: min<1000', 1],
    ['http_req_duration: max<1000', 100],
    ['http_req_duration: med<1000', 50],
    ['http_req_duration: p(95)<1000', 95],
    ['http_req_duration: p(99.9)<1000', 100],
    ['http_req_waiting: p(90)<1000', 45],
    ['http_req_failed: rate<1', 0.01],
    ['checks: rate>0', 0.99],
    ['http_reqs: count>0', 300],
    ['http_reqs: rate>0', 50],
    ['iterations: count>0', 300],
    ['dropped_iterations: count==0', 0],
    ['data_received: count>0', 2_000_000],
    ['data_sent: rate>0', 512],
    ['vus: value>0', 10],
    ['vus_max: value>0', 20],
  ])('%s reads %d', (expression, expected) => {
    expect(actualOf(expression)).toBeCloseTo(expected, 9);
  });

  it('selects submetrics by tag', () => {
    expect(actualOf('http_req_duration{name:login}: max<1000')).toBe(600);
    expect(actualOf('http_req_duration{status:200}: avg<1000')).toBe(20);
    expect(actualOf('http_req_duration{expected_response:true}: avg<1000')).toBe(5);
    expect(actualOf('http_req_duration{name:create,method:post}: avg<1000')).toBe(50);
    expect(actualOf('http_req_failed{name:login}: rate<0.1')).toBe(0.5);
    expect(actualOf('http_reqs{status:500}: count<1')).toBe(3);
    expect(sample.calls).toContain('http_req_duration{method:POST,name:create}');
  });

  it('fails a threshold with no data, and says so', () => {
    const [result] = evaluateThresholds(
      [parseThreshold('http_req_duration{name:logout}: p(95)<2000', '--threshold', { abortOnFail: true })],
      sample,
    );
    expect(result).toEqual({
      expression: 'http_req_duration{name:logout}: p(95)<2000',
      metric: 'http_req_duration',
      tags: { name: 'logout' },
      aggregation: 'p(95)',
      operator: '<',
      bound: 2000,
      actual: null,
      passed: false,
      abortOnFail: true,
      note: 'no data: nothing was recorded for http_req_duration{name:logout}',
    });
    const empty = view({
      trends: { http_req_duration: { values: [] } },
      rates: { http_req_failed: { passes: 0, total: 0 } },
    });
    const results = evaluateThresholds(
      [
        parseThreshold('http_req_duration: avg>=0'),
        parseThreshold('http_req_failed: rate<=1'),
        parseThreshold('http_reqs: count>=0'),
        parseThreshold('vus: value>=0'),
      ],
      empty,
    );
    expect(results.map((r) => [r.actual, r.passed])).toEqual([
      [null, false],
      [null, false],
      [null, false],
      [null, false],
    ]);
  });

  it('passes and fails on the figures', () => {
    const results = evaluateThresholds(
      parseThresholds('http_req_duration: p(95)<100, p(95)<95, avg<=50.5, max>100'),
      sample,
    );
    expect(results.map((r) => r.passed)).toEqual([true, false, true, false]);
  });

  // At the bound: only the operators that include equality pass.
  const atBound: Array<[Operator, boolean, boolean, boolean]> = [
    // operator, actual below, actual equal, actual above
    ['<', true, false, false],
    ['<=', true, true, false],
    ['>', false, false, true],
    ['>=', false, true, true],
    ['==', false, true, false],
    ['===', false, true, false],
    ['!=', true, false, true],
  ];
  it.each(atBound)('%s at, below and above the bound', (op, below, equal, above) => {
    const check = (values: number[]) =>
      evaluateThresholds(
        [parseThreshold(`http_req_duration: p(95)${op}2000`)],
        view({ trends: { http_req_duration: { values } } }),
      )[0]?.passed;
    expect(check([1999])).toBe(below);
    expect(check([2000])).toBe(equal);
    expect(check([2001])).toBe(above);
    const counted = (count: number) =>
      evaluateThresholds(
        [parseThreshold(`http_reqs: count${op}100`)],
        view({ counters: { http_reqs: { count, perSecond: 1 } } }),
      )[0]?.passed;
    expect([counted(99), counted(100), counted(101)]).toEqual([below, equal, above]);
  });

  it('does not let floating noise in computed values flip a bound', () => {
    // (0.1 + 0.2) / 2 is 0.15000000000000002 in binary floating point.
    const noisy = view({ trends: { http_req_duration: { values: [0.1, 0.2] } } });
    expect(0.1 + 0.2).not.toBe(0.3);
    const results = evaluateThresholds(
      parseThresholds('http_req_duration: avg<=0.15, avg>=0.15, avg==0.15, avg<0.15, avg!=0.15'),
      noisy,
    );
    expect(results.map((r) => r.passed)).toEqual([true, true, true, false, false]);
    // 7 failures in 700 is 0.01 exactly as a fraction, however the division rounds.
    const rate = view({ rates: { http_req_failed: { passes: 7, total: 700 } } });
    expect(
      evaluateThresholds(parseThresholds('http_req_failed: rate<=0.01, rate<0.01, rate<=1%'), rate).map(
        (r) => r.passed,
      ),
    ).toEqual([true, false, true]);
    // A real difference is still a difference.
    const close = view({ rates: { http_req_failed: { passes: 10_001, total: 1_000_000 } } });
    expect(evaluateThresholds([parseThreshold('http_req_failed: rate<=0.01')], close)[0]?.passed).toBe(false);
  });

  it('compares counts and gauges exactly, however large', () => {
    expect(compare(1e12 + 1, '<=', 1e12, true)).toBe(false);
    expect(compare(1e12 + 1, '<=', 1e12, false)).toBe(true); // computed values get the tolerance
    const big = view({ counters: { http_reqs: { count: 1e12 + 1, perSecond: 1 } } });
    expect(evaluateThresholds([parseThreshold('http_reqs: count<=1e12')], big)[0]?.passed).toBe(false);
  });

  it('describes results in the metric units', () => {
    const results = evaluateThresholds(
      [
        parseThreshold('http_req_duration: p(95)<2s'),
        parseThreshold('http_req_failed: rate<1%'),
        parseThreshold('http_reqs: rate>60'),
        parseThreshold('data_received: count<10MB'),
        parseThreshold('http_req_duration{name:nope}: avg<1'),
      ],
      sample,
    );
    expect(results.map(describeThresholdResult)).toEqual([
      '✓ http_req_duration: p(95)<2s — 95ms',
      '✗ http_req_failed: rate<1% — 1%',
      '✗ http_reqs: rate>60 — 50/s',
      '✓ data_received: count<10MB — 1.9 MiB',
      '✗ http_req_duration{name:nope}: avg<1 — no data: nothing was recorded for http_req_duration{name:nope}',
    ]);
  });
});

describe('defaults and scenario checks', () => {
  it('build the gate from the config thresholds', () => {
    expect(defaultThresholds(defaultConfig()).map((t) => [t.expression, t.bound])).toEqual([
      ['http_req_duration: p(95)<2000', 2000],
      ['http_req_failed: rate<0.05', 0.05],
    ]);
    const { config } = parseConfigText(
      'thresholds:\n  apiResponseTime: 750ms\n  errorRatePercent: 0\n',
      'c.yaml',
    );
    expect(defaultThresholds(config).map((t) => t.expression)).toEqual([
      'http_req_duration: p(95)<750',
      'http_req_failed: rate<=0',
    ]);
  });

  it('refuse a {name:…} that names no request of the scenario', () => {
    const scenario = scenarioFromUrl('http://localhost:8000/api/status', {
      env: {},
      defaults: { users: 1, durationMs: 1000, rampUpMs: 0, timeoutMs: 1000 },
    });
    expect(() =>
      assertThresholdsMatchScenario([parseThreshold('http_req_duration{name:/api/status}: avg<1')], scenario),
    ).not.toThrow();
    expect(() =>
      assertThresholdsMatchScenario([parseThreshold('http_req_duration{name:/api/stats}: avg<1')], scenario),
    ).toThrow(
      "scenario 'localhost:8000/api/status' has no request named '/api/stats' — did you mean '/api/status'?",
    );
  });
});
