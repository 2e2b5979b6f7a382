import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, validateEnvelope } from '../helpers/cli.ts';

const SEED = join(ROOT, 'test', 'fixtures', 'config', 'performance_config.json');
const tmp = () => mkdtempSync(join(tmpdir(), 'shipgate-cli-'));

describe('shipgate CLI', () => {
  it('prints its version and a help that lists commands with examples', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const version = await runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['demo', 'config', 'history', 'sample-service'])
      expect(help.stdout).toContain(`  ${cmd}`);
    for (const args of [['demo'], ['config', 'check'], ['history']]) {
      const sub = await runCli([...args, '--help']);
      expect(sub.code, args.join(' ')).toBe(0);
      expect(sub.stdout).toContain('Examples:');
      expect(sub.stdout).toContain('--json <file>');
    }
  });

  it('exits quietly when the reader closes the pipe early (shipgate --help | head -1)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [join(ROOT, 'src', 'cli', 'main.ts'), 'compare', '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });

  it('treats an unknown flag or a bad value as a usage error: one line, exit 2', async () => {
    for (const args of [
      ['history', '--bogus'],
      ['history', '--since', 'soon'],
      ['history', '--limit', '0'],
      ['nosuchcommand'],
    ]) {
      const r = await runCli(args, { cwd: tmp() });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^shipgate: /);
    }
  });

  it('config check accepts the seed performance_config.json as is and shows its thresholds', async () => {
    const dir = tmp();
    const r = await runCli(['config', 'check', '--config', SEED, '--json', join(dir, 'out', 'config.json')], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/apiResponseTime +2s/);
    expect(r.stdout).toMatch(/dbQueryTime +100ms/);
    expect(r.stdout).toMatch(/diskPercent +85%/);
    expect(r.stdout).toContain('seed-json');
    const envelope = JSON.parse(readFileSync(join(dir, 'out', 'config.json'), 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope).toMatchObject({ kind: 'config', verdict: 'pass', source: { format: 'seed-json' } });
  });

  it('a config value of the wrong type exits 2 naming the key and line, without a stack trace', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'shipgate.config.yaml'),
      'service:\n  baseUrl: http://127.0.0.1:8080\nload:\n  users: lots\n',
    );
    const r = await runCli(['config', 'check'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/shipgate\.config\.yaml:4: .*load\.users/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('never shows a secret from the config or the environment, in any format or file', async () => {
    const dir = tmp();
    const hook = 'https://hooks.slack.com/services/T0AAA/B0BBB/zzSecretPathzz';
    writeFileSync(join(dir, 'shipgate.config.yaml'), `notify:\n  email:\n    password: "pa55-w0rd-x"\n`);
    const env = { SLACK_WEBHOOK_URL: hook, DATABASE_URL: 'postgresql://pw:db-pass-123@127.0.0.1/piwardrive' };
    for (const format of ['text', 'markdown', 'json']) {
      const r = await runCli(['config', 'check', '--format', format, '--json', join(dir, `${format}.json`)], {
        cwd: dir,
        env,
      });
      expect(r.code).toBe(0);
      const all = r.stdout + r.stderr + readFileSync(join(dir, `${format}.json`), 'utf8');
      for (const secret of ['zzSecretPathzz', 'pa55-w0rd-x', 'db-pass-123'])
        expect(all, format).not.toContain(secret);
      expect(all).toContain('SLACK_WEBHOOK_URL');
    }
  });

  it('appends the Markdown result to a GitHub step summary', async () => {
    const dir = tmp();
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = await runCli(['config', 'check', '--config', SEED], {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code).toBe(0);
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n## ✅ Configuration — PASS')).toBe(true);
  });

  it('history lists recorded runs from the store named by --store or SHIPGATE_STORE', async () => {
    const dir = tmp();
    const store = join(dir, 'h.db');
    const empty = await runCli(['history', '--store', store, '--json', join(dir, 'h.json')], { cwd: dir });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('No runs recorded yet');
    const envelope = JSON.parse(readFileSync(join(dir, 'h.json'), 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope.runs).toEqual([]);
    const viaEnv = await runCli(['history', '--format', 'json'], {
      cwd: dir,
      env: { SHIPGATE_STORE: store },
    });
    expect(JSON.parse(viaEnv.stdout).store.location).toContain('h.db');
  });
});
