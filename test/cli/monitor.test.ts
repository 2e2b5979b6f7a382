import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, validateEnvelope } from '../helpers/cli.ts';
import { jsonReceiver, type Receiver, slackReceiver } from '../notify/receivers.ts';

const API_KEY = 'mon-key-5f2a9c71';
const SLACK_SECRET = 'T0AAA/B0BBB/zz9secretzz';

describe('shipgate monitor, alerts, notify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipgate-cli-monitor-'));
  const store = join(dir, 'store.db');
  let hook: Receiver;
  let slack: Receiver;
  let server: Server;
  let slowMs = 0;
  let base = '';

  beforeAll(async () => {
    hook = await jsonReceiver();
    slack = await slackReceiver();
    server = createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"healthy"}');
      }, slowMs);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFileSync(
      join(dir, 'shipgate.config.yaml'),
      [
        'service:',
        `  baseUrl: ${base}`,
        'monitor:',
        '  endpoints:',
        '    - { name: health, url: /health, timeout: 5s }',
        '  processes: []',
        '  defaultRules: false',
        '  rules:',
        '    - { name: slow_health, metric: http_response_time_ms, match: { check: health }, above: 300, recover: 200, severity: critical }',
        '    - { name: health_down, metric: check_up, match: { check: health }, below: 1, severity: critical }',
        '  checks:',
        '    - { name: health_body, kind: http, url: /health, body: [{ path: status, op: "==", value: healthy }] }',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await hook.close();
    await slack.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ MONITORING_URL: `${hook.url}/metrics-in`, MONITORING_API_KEY: API_KEY });
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    runCli([...args, '--store', store], { cwd: dir, env: { ...env(), ...extra } });

  it('--once passes on a healthy service and writes a valid envelope', async () => {
    slowMs = 0;
    const out = join(dir, 'ok.json');
    const r = await cli(['monitor', '--once', '--json', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const envelope = JSON.parse(readFileSync(out, 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope.schema).toBe('shipgate/monitor@1');
    expect(envelope.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ['health', true],
      ['host', true],
      ['gates', true],
      ['health_body', true],
    ]);
    expect(hook.received).toHaveLength(0);
  });

  it('--once exits 1 when an alert fires, and the webhook gets the seed payload once', async () => {
    slowMs = 600;
    const out = join(dir, 'fail.json');
    const r = await cli(['monitor', '--once', '--json', out, '--format', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/slow\\?_health\{check="health"\} \| firing \| critical/);
    const envelope = JSON.parse(readFileSync(out, 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope.verdict).toBe('fail');
    expect(envelope.alerts.map((a: { rule: string; phase: string }) => [a.rule, a.phase])).toEqual([
      ['slow_health', 'firing'],
    ]);
    expect(envelope.notifications).toMatchObject({ enqueued: 1, delivered: 1, pending: 0 });
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    const body = JSON.parse(hook.received[0]?.body ?? '{}');
    expect(body).toMatchObject({
      metric: 'slow_health',
      tags: { status: 'firing', check: 'health', severity: 'critical' },
    });
    expect(body.value).toBeGreaterThan(300);
    // run again while still slow: still failing, but nothing is sent twice
    const again = await cli(['monitor', '--once']);
    expect(again.code).toBe(1);
    expect(hook.received).toHaveLength(1);
    for (const text of [
      r.stdout,
      r.stderr,
      readFileSync(out, 'utf8'),
      readFileSync(store).toString('latin1'),
    ]) {
      expect(text).not.toContain(API_KEY);
    }
  });

  it('alerts list shows the firing alert; silence and unsilence manage silences', async () => {
    const out = join(dir, 'alerts.json');
    const list = await cli(['alerts', 'list', '--json', out]);
    expect(list.code).toBe(1);
    expect(list.stdout).toContain('slow_health');
    const envelope = JSON.parse(readFileSync(out, 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    const silence = await cli([
      'alerts',
      'silence',
      '--match',
      'alertname=slow_health',
      '--for',
      '10m',
      '--comment',
      'investigating',
      '--format',
      'json',
    ]);
    expect(silence.code).toBe(0);
    const s = JSON.parse(silence.stdout);
    expect(s.silences).toHaveLength(1);
    expect(s.silences[0]).toMatchObject({ matchers: { alertname: 'slow_health' }, comment: 'investigating' });
    const id = String(s.silences[0].id);
    expect((await cli(['alerts', 'unsilence', id])).code).toBe(0);
    const twice = await cli(['alerts', 'unsilence', id]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/no silence #\d+ in force/);
    const bad = await cli(['alerts', 'silence', '--match', 'nolabel']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--match 'nolabel' is not label=value");
  });

  it('recovery sends one resolved message', async () => {
    slowMs = 0;
    const r = await cli(['monitor', '--once']);
    expect(r.code).toBe(0);
    expect(hook.received).toHaveLength(2);
    expect(JSON.parse(hook.received[1]?.body ?? '{}').tags.status).toBe('resolved');
  });

  it('alerts test reaches every configured channel', async () => {
    const out = join(dir, 'test.json');
    const r = await cli(['alerts', 'test', '--json', out], {
      SLACK_WEBHOOK_URL: `${slack.url}/services/${SLACK_SECRET}`,
    });
    expect(r.code).toBe(0);
    const envelope = JSON.parse(readFileSync(out, 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(
      envelope.deliveries.map((d: { channel: string; delivered: boolean }) => [d.channel, d.delivered]),
    ).toEqual([
      ['slack', true],
      ['webhook', true],
    ]);
    expect(JSON.stringify(envelope)).not.toContain('zz9secretzz');
  });

  it('notify sends one message; bad channels are usage errors', async () => {
    const out = join(dir, 'notify.json');
    const slackEnv = { SLACK_WEBHOOK_URL: `${slack.url}/services/${SLACK_SECRET}` };
    const before = slack.received.length;
    const r = await cli(
      ['notify', '--channel', 'slack', '--text', 'Deployed v2 to staging', '--json', out],
      slackEnv,
    );
    expect(r.code).toBe(0);
    expect(validateEnvelope(JSON.parse(readFileSync(out, 'utf8')))).toEqual([]);
    expect(slack.received).toHaveLength(before + 1);
    expect(JSON.parse(slack.received.at(-1)?.body ?? '{}').text).toBe('Deployed v2 to staging');
    const unknown = await cli(['notify', '--channel', 'pager', '--text', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown channel 'pager'");
    const unconfigured = await cli(['notify', '--channel', 'email', '--text', 'x']);
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toContain('channel email is not configured');
    slack.down = true;
    const down = await cli(['notify', '--channel', 'slack', '--text', 'x'], slackEnv);
    slack.down = false;
    expect(down.code).toBe(1);
    expect(down.stdout).toContain('HTTP 503');
    expect(down.stdout + down.stderr).not.toContain('zz9secretzz');
  });

  it('rejects bad flags with one line and exit 2', async () => {
    const r = await cli(['monitor', '--interval', 'fast']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const both = await cli(['monitor', '--once', '--duration', '5s']);
    expect(both.code).toBe(2);
  });

  it('runs continuously for a duration and serves /metrics meanwhile', async () => {
    const out = join(dir, 'cont.json');
    const r = await cli([
      'monitor',
      '--interval',
      '300ms',
      '--duration',
      '1s',
      '--metrics-port',
      '0',
      '--json',
      out,
    ]);
    expect(r.code).toBe(0);
    const envelope = JSON.parse(readFileSync(out, 'utf8'));
    expect(envelope.mode).toBe('continuous');
    expect(envelope.rounds).toBeGreaterThanOrEqual(3);
    expect(envelope.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(r.stderr).toContain('serving metrics on');
  });
});
