import { describe, expect, it } from 'vitest';
import { evaluateRound, type RoundInput } from '../../src/monitor/pipeline.ts';
import type { AlertState } from '../../src/monitor/rules.ts';
import type { Sample } from '../../src/monitor/series.ts';
import type { Message } from '../../src/notify/message.ts';
import type { NewOutboxMessage } from '../../src/store/monitoring.ts';
import { rule } from './helpers.ts';

const base: Omit<RoundInput, 'states' | 'samples' | 'now'> = {
  rules: [rule()],
  silences: [],
  windows: [],
  repeatIntervalMs: 4 * 3_600_000,
  sendResolved: true,
  groupBy: ['alertname'],
  channels: ['slack'],
};

function sample(value: number, check = 'api'): Sample {
  return { metric: 'http_response_time_ms', labels: { check }, value };
}

/** Runs rounds the way the monitor does, keeping an outbox keyed by dedupKey like the store's. */
function simulate(
  rounds: Array<Sample[]>,
  overrides: Partial<RoundInput> = {},
  start = new Map<string, AlertState>(),
) {
  let states: ReadonlyMap<string, AlertState> = start;
  const outbox = new Map<string, NewOutboxMessage>();
  rounds.forEach((samples, i) => {
    const result = evaluateRound({ ...base, ...overrides, states, samples, now: i * 60_000 });
    states = new Map(result.states.map((s) => [s.key, s]));
    for (const m of result.messages) if (!outbox.has(m.dedupKey)) outbox.set(m.dedupKey, m);
  });
  const messages = [...outbox.values()].map((m) => m.payload as Message);
  return { states, messages };
}

describe('notification pipeline', () => {
  it('a flapping target produces one alert, not ten', () => {
    // bad three times, then flapping around the threshold for 20 minutes: 1900 is under the threshold
    // but over the recovery level, and a single good value is not successThreshold good ones
    const values = [3000, 3000, 3000];
    for (let i = 0; i < 20; i++) values.push(i % 2 === 0 ? 1900 : 2600, i % 3 === 0 ? 1200 : 2500);
    const { messages } = simulate(values.map((v) => [sample(v)]));
    expect(messages.filter((m) => m.status === 'firing')).toHaveLength(1);
    expect(messages.filter((m) => m.status === 'resolved')).toHaveLength(0);
  });

  it('sends firing once, then resolved once', () => {
    const { messages } = simulate([3000, 3000, 3000, 3000, 100, 100, 100].map((v) => [sample(v)]));
    expect(messages.map((m) => m.status)).toEqual(['firing', 'resolved']);
    expect(messages[0]?.alerts[0]?.labels).toMatchObject({
      alertname: 'slow_api',
      severity: 'warning',
      check: 'api',
    });
    expect(messages[1]?.alerts[0]?.endsAt).toBeDefined();
  });

  it('a restart in the middle of a firing alert sends no duplicate', () => {
    const first = simulate([3000, 3000, 3000].map((v) => [sample(v)]));
    expect(first.messages).toHaveLength(1);
    // the restarted monitor starts from the saved states (JSON round trip, as the store keeps them)
    const saved = new Map(
      [...first.states].map(([k, s]) => [k, JSON.parse(JSON.stringify(s)) as AlertState]),
    );
    const second = simulate(
      [3000, 3000, 100, 100].map((v) => [sample(v)]),
      {},
      saved,
    );
    expect(second.messages.map((m) => m.status)).toEqual(['resolved']);
  });

  it('groups alerts sharing the group_by labels into one message per channel', () => {
    const { messages } = simulate(
      [0, 1, 2].map(() => [sample(3000, 'a'), sample(3000, 'b'), sample(3000, 'c')]),
      { channels: ['slack', 'email'] },
    );
    expect(messages).toHaveLength(2);
    expect(messages[0]?.alerts).toHaveLength(3);
    expect(messages[0]?.title).toBe('FIRING: slow_api (3 alerts)');
  });

  it('repeats a still-firing alert after the repeat interval', () => {
    const { messages } = simulate(
      Array.from({ length: 10 }, () => [sample(3000)]),
      { repeatIntervalMs: 3 * 60_000 },
    );
    expect(messages.map((m) => (m.alerts[0]?.repeat ? 'repeat' : m.status))).toEqual([
      'firing',
      'repeat',
      'repeat',
    ]);
  });

  it('a silence holds the notification; it goes out when the silence ends if still firing', () => {
    const silence = {
      id: 7,
      matchers: { alertname: 'slow_api' },
      startsAt: new Date(0),
      endsAt: new Date(4 * 60_000),
      comment: 'deploy',
    };
    const { messages } = simulate(
      Array.from({ length: 6 }, () => [sample(3000)]),
      { silences: [silence] },
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]?.createdAt).toBe(new Date(4 * 60_000).toISOString());
  });

  it('a maintenance window mutes matching alerts only', () => {
    const window = {
      name: 'db-upgrade',
      start: '1970-01-01T00:00:00Z',
      end: '1970-01-02T00:00:00Z',
      match: { check: 'db' },
    };
    const { messages } = simulate(
      [0, 1, 2].map(() => [sample(3000, 'api'), sample(3000, 'db')]),
      { windows: [window] },
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]?.alerts.map((a) => a.labels.check)).toEqual(['api']);
  });

  it('evaluates without waiting in immediate mode (monitor --once)', () => {
    const { messages } = simulate([[sample(3000)]], { immediate: true });
    expect(messages.map((m) => m.status)).toEqual(['firing']);
  });

  it('does not send resolved messages when sendResolved is off, but still records the resolution', () => {
    const { messages, states } = simulate(
      [3000, 3000, 3000, 100, 100].map((v) => [sample(v)]),
      { sendResolved: false },
    );
    expect(messages.map((m) => m.status)).toEqual(['firing']);
    expect([...states.values()][0]?.phase).toBe('resolved');
  });
});
