import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, validateEnvelope } from '../helpers/cli.ts';

describe('shipgate init', () => {
  it('writes the workflows, dependabot.yml and the config, names the secrets, and keeps files without --force', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'shipgate-init-cli-'));
    writeFileSync(join(repo, 'pyproject.toml'), '[project]\nname = "app"\nversion = "0.1.0"\n');
    const store = join(repo, 's.db');
    const first = await runCli(['init', '--store', store, '--json', join(repo, 'init.json')], { cwd: repo });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const env = JSON.parse(readFileSync(join(repo, 'init.json'), 'utf8'));
    expect(validateEnvelope(env)).toEqual([]);
    expect(env.verdict).toBe('pass');
    expect(env.project.profile).toBe('python');
    expect(env.files.map((f: { path: string }) => f.path)).toEqual([
      '.github/workflows/dependency-testing.yml',
      '.github/workflows/deploy-production.yml',
      '.github/workflows/deploy-staging.yml',
      '.github/workflows/performance-monitoring.yml',
      '.github/workflows/reports.yml',
      '.github/actionlint.yaml',
      '.github/dependabot.yml',
      'shipgate.config.yaml',
    ]);
    expect(first.stdout).toContain('SLACK_WEBHOOK_URL');
    expect(first.stdout).toContain('STAGING_AUTH_TOKEN');
    expect(readFileSync(join(repo, '.github', 'workflows', 'dependency-testing.yml'), 'utf8')).toContain(
      'python -m pytest --junitxml=reports/junit.xml',
    );

    // A user's edit survives a second init; --force replaces it.
    const staging = join(repo, '.github', 'workflows', 'deploy-staging.yml');
    writeFileSync(staging, 'name: mine\n');
    const again = await runCli(['init', '--store', store, '--json', join(repo, 'again.json')], { cwd: repo });
    expect(again.code).toBe(0);
    const againEnv = JSON.parse(readFileSync(join(repo, 'again.json'), 'utf8'));
    expect(againEnv.verdict).toBe('warn');
    expect(againEnv.files.every((f: { action: string }) => f.action === 'kept')).toBe(true);
    expect(readFileSync(staging, 'utf8')).toBe('name: mine\n');

    const forced = await runCli(['init', '--force', '--store', store], { cwd: repo });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('replaced');
    expect(readFileSync(staging, 'utf8')).toContain('name: Deploy to Staging');
  });

  it('an unknown CI or a missing folder is a usage error', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'shipgate-init-cli-'));
    const res = await runCli(['init', '--ci', 'jenkins', '--store', join(repo, 's.db')], { cwd: repo });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("unknown CI 'jenkins'");
    const missing = await runCli(['init', '--path', 'no/such/dir', '--store', join(repo, 's.db')], {
      cwd: repo,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('shipgate: --path: no/such/dir does not exist\n');
  });
});
