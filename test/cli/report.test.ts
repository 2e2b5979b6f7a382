import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import { seedHistory } from '../dashboard/seed.ts';
import { runCli, validateEnvelope } from '../helpers/cli.ts';

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

  it('--html is required and --since must be a duration', async () => {
    expect((await runCli(['report', '--store', store], { cwd: dir })).code).toBe(2);
    const bad = await runCli(['report', '--since', 'soon', '--html', join(dir, 'x'), '--store', store], {
      cwd: dir,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('soon');
  });

  it('--email sends the digest through the email channel; without one configured it is a usage error', async () => {
    const mails: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, cb) {
        let data = '';
        stream.on('data', (c: Buffer) => {
          data += c;
        });
        stream.on('end', () => {
          mails.push(data);
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.server.address() as { port: number }).port;
      const config = join(dir, 'mail.yaml');
      writeFileSync(
        config,
        `notify:\n  email:\n    smtpServer: 127.0.0.1\n    smtpPort: ${port}\n    security: none\n    recipients: [team@example.com]\n`,
      );
      const res = await runCli(
        [
          'report',
          '--since',
          '200d',
          '--html',
          join(dir, 'mail'),
          '--email',
          '-c',
          config,
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
      expect(mails).toHaveLength(1);
      expect(mails[0]).toContain('team@example.com');
      expect(mails[0]).toContain('Subject: [shipgate] Report:');
      expect(mails[0]).toContain('p95_ms');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const unconfigured = await runCli(['report', '--html', join(dir, 'x'), '--email', '--store', store], {
      cwd: dir,
    });
    expect(unconfigured.code).toBe(2);
    expect(unconfigured.stderr).toContain('the email channel is not configured');
  });
});
