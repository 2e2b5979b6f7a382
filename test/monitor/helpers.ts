import type { Rule } from '../../src/monitor/rules.ts';

export function rule(overrides: Partial<Rule> = {}): Rule {
  return {
    name: 'slow_api',
    metric: 'http_response_time_ms',
    match: {},
    above: 2000,
    recover: 1500,
    forMs: 0,
    failureThreshold: 3,
    successThreshold: 2,
    keepFiringForMs: 0,
    severity: 'warning',
    labels: {},
    noData: 'keep',
    ...overrides,
  };
}
