import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers, DEPS_FIXTURES, EXPECTED, idsByPackage, OSV_FIXTURES, serve } from '../deps/helpers.ts';
import { runCli, validateEnvelope } from '../helpers/cli.ts';

// The command's contract end to end, one process per case; the audit's behaviour in depth is
// tested in process in test/deps/audit.test.ts.
const tmp = () => mkdtempSync(join(tmpdir(), 'shipgate-audit-cli-'));
/** The shared snapshot's records are years old; its file age is not what these tests gate on. */
const OFFLINE = ['--osv-db', OSV_FIXTURES, '--max-db-age', '36500d'];
afterEach(closeServers);

async function audit(args: string[], cwd = DEPS_FIXTURES) {
  const dir = tmp();
  const out = join(dir, 'audit.json');
  const r = await runCli(['audit', ...args, '--json', out, '--store', join(dir, 's.db')], { cwd });
  let envelope: Record<string, unknown> | undefined;
  try {
    envelope = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    envelope = undefined;
  }
  return { ...r, envelope, dir };
}

type Findings = Array<{ package: string; version: string; id: string; status: string }>;

describe('shipgate audit', () => {
  it('fails on the fixture advisories, writes a valid envelope, annotates and records the run', async () => {
    const dir = tmp();
    const store = join(dir, 's.db');
    const out = join(dir, 'audit.json');
    const r = await runCli(['audit', '--path', 'npm', ...OFFLINE, '--json', out, '--store', store], {
      cwd: DEPS_FIXTURES,
      env: { GITHUB_ACTIONS: 'true' },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('GHSA-jf85-cpcp-j695');
    // npm v3 lockfile: "node_modules/lodash" is on line 20.
    expect(r.stdout).toMatch(
      /::error file=npm\/package-lock\.json,line=20,title=GHSA-jf85-cpcp-j695 \(critical\)::lodash@4\.17\.4/,
    );
    const env = JSON.parse(readFileSync(out, 'utf8'));
    expect(validateEnvelope(env)).toEqual([]);
    expect(env.schema).toBe('shipgate/audit@1');
    expect(idsByPackage(env.findings as Findings)).toEqual(EXPECTED);
    const history = await runCli(['history', '--kind', 'audit', '--store', store, '--format', 'json']);
    const runs = JSON.parse(history.stdout).runs;
    expect(runs[0].figures).toMatchObject({ findings: 11, failing: 11, critical: 2 });
    expect(runs[0].labels).toMatchObject({ source: 'osv-db', failOn: 'low' });
  });

  it('markdown for a PR comment, SARIF out at lockfile lines, licence flags', async () => {
    const dir = tmp();
    const sarif = join(dir, 'audit.sarif');
    const r = await audit([
      '--path',
      'pip-compile',
      ...OFFLINE,
      '--format',
      'markdown',
      '--sarif-out',
      sarif,
      '--license-allow',
      'MIT, BSD-*',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\| *severity *\| *package/);
    expect(r.envelope?.licenses).toMatchObject({ policy: { allow: ['MIT', 'BSD-*'] }, unknown: 4 });
    const log = JSON.parse(readFileSync(sarif, 'utf8'));
    expect(log.version).toBe('2.1.0');
    const results = log.runs[0].results as Array<{
      ruleId: string;
      locations: Array<{
        physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } };
      }>;
    }>;
    expect(results).toHaveLength(13);
    // urllib3==1.24.1 is on line 13 of the pip-compile fixture.
    expect(results.find((x) => x.ruleId === 'GHSA-mh33-7rrq-662w')?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: join('pip-compile', 'requirements.txt') },
      region: { startLine: 13 },
    });
  });

  it('a source that times out gives exit 3, never a pass', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const started = Date.now();
    const r = await audit([
      '--path',
      'npm',
      '--source',
      'osv-api',
      '--osv-api-url',
      server.url,
      '--timeout',
      '300ms',
    ]);
    expect(r.code).toBe(3);
    expect(r.envelope?.verdict).toBe('inconclusive');
    expect(r.stderr).toMatch(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a malformed lockfile exits 2 naming the file and line, without a stack', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'package-lock.json'), '{"name":"x","lockfileVersion":3,"packages":{"":{');
    const r = await audit(['--path', dir, ...OFFLINE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/package-lock\.json:1: malformed JSON/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.envelope).toBeUndefined();
  });

  it('a bad allowlist is an input error with did-you-mean', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'allow.yaml'), 'allowlist:\n  - id: GHSA-x\n    reasn: typo\n');
    const r = await audit(['--path', 'uv', ...OFFLINE, '--allowlist', join(dir, 'allow.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /allow\.yaml:3: unknown key 'allowlist\[0\]\.reasn' — did you mean 'allowlist\[0\]\.reason'\?/,
    );
    expect(r.stderr).toMatch(/allow\.yaml:2: allowlist\[0\]\.expires: missing/);
  });

  it('usage errors: an unknown severity, --new-only without --base', async () => {
    expect((await audit(['--fail-on', 'severe'])).code).toBe(2);
    const r = await audit(['--new-only']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--new-only needs --base/);
  });
});
