import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import { seedHistory } from '../dashboard/seed.ts';
import { runCli, validateEnvelope } from '../helpers/cli.ts';
import { smtpSink } from '../helpers/smtp.ts';

describe('shipgate report', () => {
  let dir: string;
  let store: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shipgate-report-cli-'));
    store = join(dir, 'history.db');
    const s = await openStore(store);
    // Ends yesterday, so --since windows are measured against real time.
    await seedHistory(s, 120, new Date(Date.now() - 86_400_000));
    await s.close();
  });

  it('writes one offline page with the charts, the change point and the flaky test', async () => {
    const res = await runCli(
      [
        'report',
        '--since',
        '200d',
        '--html',
        join(dir, 'out'),
        '--store',
        store,
        '--json',
        join(dir, 'r.json'),
      ],
      { cwd: dir },
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const env = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(validateEnvelope(env)).toEqual([]);
    const perf = env.sections.find((s: { id: string }) => s.id === 'performance');
    expect(perf.changePoints).toBeGreaterThanOrEqual(1);
    expect(env.sections.map((s: { id: string }) => s.id)).toEqual([
      'performance',
      'coverage',
      'tests',
      'deploys',
      'monitoring',
    ]);
    expect(env.flakyTests).toBe(1);
    expect(env.alerts).toBe(2);
    const html = readFileSync(join(dir, 'out', 'index.html'), 'utf8');
    // Self-contained: no external script, stylesheet or image.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?(https?:)?\/\//);
    expect(html).toContain('uPlot');
    expect(html).toContain('test/cache.test.ts › expires entries');
    expect(res.stdout).toContain('load · api · p95_ms');
  });

  it('--since narrows the period', async () => {
    const res = await runCli(
      ['report', '--since', '10d', '--html', join(dir, 'short'), '--store', store, '--format', 'json'],
      {
        cwd: dir,
      },
    );
    expect(res.code).toBe(0);
    const env = JSON.parse(res.stdout);
    const load = env.sections[0].kinds.find((k: { kind: string }) => k.kind === 'load');
    expect(load.runs).toBeGreaterThanOrEqual(9);
    expect(load.runs).toBeLessThanOrEqual(11);
  });

  it('an empty store gives a page that says so', async () => {
    const res = await runCli(['report', '--html', join(dir, 'empty'), '--store', join(dir, 'empty.db')], {
      cwd: dir,
    });
    expect(res.code).toBe(0);
    expect(readFileSync(join(dir, 'empty', 'index.html'), 'utf8')).toContain(
      'No runs recorded in this period',
    );
  });

  it('without --html it prints the summary and writes no page; --since must be a duration', async () => {
    const res = await runCli(
      ['report', '--since', '200d', '--store', store, '--json', join(dir, 'plain.json')],
      {
        cwd: dir,
      },
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/\d+ runs since/);
    expect(res.stdout).not.toContain('HTML report');
    const env = JSON.parse(readFileSync(join(dir, 'plain.json'), 'utf8'));
    expect(validateEnvelope(env)).toEqual([]);
    expect(env.html).toBeUndefined();
    expect(env.retentionDays).toBe(30);
    const bad = await runCli(['report', '--since', 'soon', '--html', join(dir, 'x'), '--store', store], {
      cwd: dir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('soon');
    const period = await runCli(['report', '--digest', 'monthly', '--store', store], { cwd: dir });
    expect(period.code).toBe(2);
    expect(period.stderr).toContain('daily, weekly');
  });

  it('--email sends the digest through the email channel; without one configured it is a usage error', async () => {
    const smtp = await smtpSink();
    try {
      const res = await runCli(
        [
          'report',
          '--since',
          '200d',
          '--html',
          join(dir, 'mail'),
          '--email',
          '-c',
          mailConfig(dir, smtp.port),
          '--store',
          store,
          '--format',
          'json',
        ],
        { cwd: dir },
      );
      expect(res.code, res.stderr).toBe(0);
      const env = JSON.parse(res.stdout);
      expect(env.email).toMatchObject({ delivered: true, attempts: 1 });
      expect(smtp.mails).toHaveLength(1);
      expect(smtp.mails[0]).toContain('team@example.com');
      expect(smtp.mails[0]).toContain('Subject: [shipgate] Report:');
      expect(smtp.mails[0]).toContain('p95_ms');
    } finally {
      await smtp.close();
    }
    const unconfigured = await runCli(['report', '--html', join(dir, 'x'), '--email', '--store', store], {
      cwd: dir,
    });
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toContain('the email channel is not configured');
  });

  it('--digest weekly mails the last seven days and hands the retention to the workflow', async () => {
    const smtp = await smtpSink();
    const outputs = join(dir, 'github-output-weekly');
    writeFileSync(outputs, '');
    try {
      const res = await runCli(
        [
          'report',
          '--digest',
          'weekly',
          '--html',
          join(dir, 'weekly'),
          '-c',
          mailConfig(dir, smtp.port),
        ].concat(['--store', store, '--format', 'json']),
        { cwd: dir, env: { GITHUB_OUTPUT: outputs } },
      );
      expect(res.code, res.stderr).toBe(0);
      const env = JSON.parse(res.stdout);
      expect(validateEnvelope(env)).toEqual([]);
      expect(env.digest).toEqual({ period: 'weekly', enabled: true });
      // the seeded history has one load run a day, ending yesterday
      const load = env.sections[0].kinds.find((k: { kind: string }) => k.kind === 'load');
      expect(load.runs).toBeGreaterThanOrEqual(6);
      expect(load.runs).toBeLessThanOrEqual(8);
      expect(smtp.mails).toHaveLength(1);
      expect(smtp.mails[0]).toContain('Subject: [shipgate] Weekly report:');
      expect(readFileSync(outputs, 'utf8')).toBe(
        `retention-days=30\nhtml=${join(dir, 'weekly', 'index.html')}\n`,
      );
    } finally {
      await smtp.close();
    }
  });

  it('the reporting switches turn the daily summary and the page off', async () => {
    const smtp = await smtpSink();
    const outputs = join(dir, 'github-output-daily');
    writeFileSync(outputs, '');
    const config = mailConfig(
      dir,
      smtp.port,
      'reporting:\n  html: false\n  dailySummary: false\n  retentionDays: 14\n',
    );
    try {
      const res = await runCli(
        ['report', '--digest', 'daily', '--html', join(dir, 'daily'), '-c', config, '--store', store],
        { cwd: dir, env: { GITHUB_OUTPUT: outputs } },
      );
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain('daily summary not sent: reporting.dailySummary is false');
      expect(res.stdout).toContain('no HTML page: reporting.html is false');
      expect(smtp.mails).toHaveLength(0);
      expect(existsSync(join(dir, 'daily'))).toBe(false);
      expect(readFileSync(outputs, 'utf8')).toBe('retention-days=14\n');
      // the weekly report is still on in the same config
      const weekly = await runCli(['report', '--digest', 'weekly', '-c', config, '--store', store], {
        cwd: dir,
      });
      expect(weekly.code, weekly.stderr).toBe(0);
      expect(smtp.mails).toHaveLength(1);
      expect(smtp.mails[0]).toContain('Subject: [shipgate] Weekly report:');
    } finally {
      await smtp.close();
    }
  });
});

let configs = 0;
/** A config file whose email channel points at the sink, plus any extra YAML. */
function mailConfig(dir: string, port: number, extra = ''): string {
  const file = join(dir, `mail-${++configs}.yaml`);
  writeFileSync(
    file,
    `notify:\n  email:\n    smtpServer: 127.0.0.1\n    smtpPort: ${port}\n    security: none\n    recipients: [team@example.com]\n${extra}`,
  );
  return file;
}
