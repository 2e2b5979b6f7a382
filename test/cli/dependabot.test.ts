import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPS_FIXTURES } from '../deps/helpers.ts';
import { runCli, validateEnvelope } from '../helpers/cli.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'shipgate-dependabot-cli-'));

describe('shipgate dependabot', () => {
  it('init writes the grouped policy for the ecosystems present; lint passes it; a second init refuses', async () => {
    const repo = tmp();
    cpSync(join(DEPS_FIXTURES, 'npm'), repo, { recursive: true });
    writeFileSync(join(repo, 'requirements.txt'), 'urllib3==1.24.1\n');
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    const store = join(repo, 's.db');
    const init = await runCli(['dependabot', 'init', '--store', store, '--json', join(repo, 'init.json')], {
      cwd: repo,
    });
    expect(init.code).toBe(0);
    const env = JSON.parse(readFileSync(join(repo, 'init.json'), 'utf8'));
    expect(validateEnvelope(env)).toEqual([]);
    expect(env.ecosystems.map((e: { ecosystem: string }) => e.ecosystem)).toEqual([
      'npm',
      'pip',
      'github-actions',
    ]);
    const written = readFileSync(join(repo, '.github', 'dependabot.yml'), 'utf8');
    expect(written).toContain('interval: daily');

    const lint = await runCli(['dependabot', 'lint', '--store', store, '--json', join(repo, 'lint.json')], {
      cwd: repo,
    });
    expect(lint.code).toBe(0);
    expect(JSON.parse(readFileSync(join(repo, 'lint.json'), 'utf8'))).toMatchObject({
      verdict: 'pass',
      problems: [],
    });

    const again = await runCli(['dependabot', 'init', '--store', store], { cwd: repo });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it("lint fails on PiWardrive's file with file:line annotations in GitHub Actions", async () => {
    const dir = tmp();
    const r = await runCli(
      [
        'dependabot',
        'lint',
        join(DEPS_FIXTURES, 'dependabot', 'piwardrive.yml'),
        '--store',
        join(dir, 's.db'),
        '--json',
        join(dir, 'r.json'),
      ],
      { env: { GITHUB_ACTIONS: 'true' } },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /::error file=.*piwardrive\.yml,line=20,title=dependabot\.yml%3A security-update-type::/,
    );
    const env = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(validateEnvelope(env)).toEqual([]);
    expect(env.problems).toHaveLength(7);
  });

  it('a missing file or malformed YAML is an input error', async () => {
    const dir = tmp();
    const missing = await runCli(['dependabot', 'lint', '--store', join(dir, 's.db')], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/\.github\/dependabot\.yml: cannot read file: no such file/);
    writeFileSync(join(dir, 'd.yml'), 'version: 2\nupdates:\n  - [\n');
    const bad = await runCli(['dependabot', 'lint', 'd.yml', '--store', join(dir, 's.db')], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/d\.yml:\d+: malformed YAML/);
  });
});
