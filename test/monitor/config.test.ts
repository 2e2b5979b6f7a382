import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.ts';

const parse = (yaml: string) => parseConfigText(yaml, 'shipgate.config.yaml');

describe('monitor and notify config', () => {
  it('parses rules, checks and maintenance windows with units', () => {
    const { config } = parse(
      [
        'monitor:',
        '  rules:',
        '    - { name: slow, metric: http_response_time_ms, above: 800, recover: 500, for: 2m, keepFiringFor: 30s }',
        '  checks:',
        '    - { name: cache, kind: redis, url: "redis://:pw@cache:6379", command: [DBSIZE] }',
        '  maintenance:',
        '    - { name: nightly, daily: { from: "23:30", to: "00:30" } }',
        'notify:',
        '  repeatInterval: 1h',
        '  retry: { initialDelay: 500ms }',
      ].join('\n'),
    );
    expect(config.monitor.rules[0]).toMatchObject({
      for: 120_000,
      keepFiringFor: 30_000,
      severity: 'warning',
      noData: 'keep',
    });
    expect(config.monitor.checks[0]).toMatchObject({ kind: 'redis', timeout: 10_000 });
    expect(config.notify.repeatInterval).toBe(3_600_000);
    expect(config.notify.retry).toEqual({ initialDelay: 500, maxDelay: 300_000, giveUpAfter: 86_400_000 });
  });

  it('rejects a rule with neither or both of above and below, a bad kind, a bad window, with the place', () => {
    expect(() => parse('monitor:\n  rules:\n    - { name: x, metric: m }\n')).toThrow(
      /monitor\.rules\[0\]\.above.*exactly one of above or below/s,
    );
    expect(() => parse('monitor:\n  checks:\n    - { name: x, kind: ftp }\n')).toThrow(
      /monitor\.checks\[0\]/,
    );
    expect(() =>
      parse('monitor:\n  maintenance:\n    - { name: w, daily: { from: "25:00", to: "01:00" } }\n'),
    ).toThrow(/a time like 02:30/);
    expect(() => parse('monitor:\n  maintenance:\n    - { name: w }\n')).toThrow(
      /expected start and end, or daily/,
    );
    expect(() => parse('monitor:\n  rules:\n    - { name: "bad name", metric: m, above: 1 }\n')).toThrow(
      /a rule name like/,
    );
  });
});
