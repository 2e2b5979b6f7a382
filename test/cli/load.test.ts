import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSampleService, startSampleService } from '../../examples/sample-service/server.ts';
import { runCli, validateEnvelope } from '../helpers/cli.ts';

let service: RunningSampleService;
beforeAll(async () => {
  service = await startSampleService({ port: 0, auth: false });
});
afterAll(async () => {
  await service.close();
});

const tmp = () => mkdtempSync(join(tmpdir(), 'shipgate-load-cli-'));

describe('shipgate load', () => {
  it('runs, gates on thresholds, writes a valid envelope and an HTML report, and records the run', async () => {
    const dir = tmp();
    const store = join(dir, 's.db');
    const r = await runCli(
      [
        'load',
        `${service.url}/api/status`,
        '-u',
        '2',
        '--think-time',
        '2ms',
        '-d',
        '1500ms',
        '--ramp-up',
        '0s',
        '--workers',
        '1',
        '-t',
        'http_req_duration: p(95)<2000',
        '--json',
        join(dir, 'load.json'),
        '--html',
        join(dir, 'load.html'),
        '--store',
        store,
      ],
      { cwd: dir },
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASS {2}Load test/);
    const envelope = JSON.parse(readFileSync(join(dir, 'load.json'), 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope).toMatchObject({ kind: 'load', mode: 'load', verdict: 'pass', runId: 1 });
    expect(envelope.metrics.requests).toBeGreaterThan(10);
    expect(envelope.thresholds).toHaveLength(1);
    expect(readFileSync(join(dir, 'load.html'), 'utf8')).toContain('Latency over time');
    const history = await runCli(['history', '--store', store, '--format', 'json']);
    expect(JSON.parse(history.stdout).runs[0]).toMatchObject({
      kind: 'load',
      figures: { requests: envelope.metrics.completed },
    });
  });

  it('exits 1 when a threshold fails', async () => {
    const r = await runCli([
      'load',
      `${service.url}/api/status`,
      '-u',
      '1',
      // Paced, so the generator never saturates a busy runner (that would read as inconclusive).
      '--think-time',
      '2ms',
      '-d',
      '800ms',
      '--workers',
      '0',
      '-t',
      'http_reqs: count>100000000',
      '--store',
      join(tmp(), 's.db'),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('✗ http_reqs: count>100000000');
  });

  it('refuses a bad threshold, a bad duration and a non-loopback target with one line and exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['load', `${service.url}/`, '-t', 'http_req_duration: p(95)<<2000'], /--threshold/],
      [['load', `${service.url}/`, '-t', 'http_req_durration: p(95)<2000'], /did you mean/],
      [['load', `${service.url}/`, '-d', 'forever'], /--duration/],
      [['load', 'http://example.com/'], /example\.com/],
      [['load', 'not a url'], /not a URL/],
      [['stress', `${service.url}/`, '--max-users', '4', '--max-rate', '10/s'], /not both/],
      [['endurance', `${service.url}/`, '--server-pid', '4194000'], /no such process/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli([...args, '--store', join(tmp(), 's.db')]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });
});
