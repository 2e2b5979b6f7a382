import { execFileSync } from 'node:child_process';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { osvDbSource } from '../../src/deps/advisories/osv-db.ts';
import { runAudit } from '../../src/deps/audit.ts';
import { DEPS_FIXTURES, EXPECTED, EXPECTED_PYPI, idsByPackage, OSV_FIXTURES } from './helpers.ts';

const sourceOptions = (osvDb = OSV_FIXTURES, maxAgeMs = 3650 * 86_400_000) => ({
  osvDb,
  osvApiUrl: 'http://127.0.0.1:9',
  registry: 'http://127.0.0.1:9',
  timeoutMs: 1000,
  maxAgeMs,
  now: new Date(),
});

function audit(dir: string, osvDb = OSV_FIXTURES) {
  return runAudit({
    path: join(DEPS_FIXTURES, dir),
    cwd: DEPS_FIXTURES,
    failOn: 'low',
    source: 'osv-db',
    sourceOptions: sourceOptions(osvDb),
    omitDev: false,
    outdated: false,
    sarif: [],
  });
}

describe('offline OSV fixtures against real lockfiles', () => {
  for (const dir of ['npm', 'npm1', 'yarn1', 'berry', 'pnpm', 'pnpm8']) {
    it(`${dir}: exactly the advisories whose ranges include lodash 4.17.4, minimist 0.0.8, node-fetch 2.6.0`, async () => {
      const r = await audit(dir);
      expect(idsByPackage(r.findings)).toEqual(EXPECTED);
      expect(r.verdict).toBe('fail');
      expect(r.source.available).toBe(true);
      // mkdirp 0.5.1 pulls minimist in as well: both routes are reported.
      const minimist = r.findings.find((f) => f.package === 'minimist');
      expect(minimist?.paths).toEqual(['minimist', 'mkdirp > minimist']);
    });
  }

  for (const dir of ['pip-compile', 'poetry', 'uv', 'pipenv']) {
    it(`${dir}: exactly the advisories whose ranges include urllib3 1.24.1, jinja2 2.10, PyYAML 5.3`, async () => {
      const r = await audit(dir);
      expect(idsByPackage(r.findings)).toEqual(EXPECTED_PYPI);
      // MarkupSafe 1.1.1 is in every one of these lockfiles and has no advisory in the fixtures.
      expect(r.counts.packages).toBe(4);
    });
  }

  it('reports fixed versions and whether the fix is semver-major', async () => {
    const r = await audit('npm');
    const byId = Object.fromEntries(r.findings.map((f) => [`${f.package}:${f.id}`, f]));
    expect(byId['lodash:GHSA-fvqr-27wr-82fm']?.fixedIn).toBe('4.17.5');
    expect(byId['lodash:GHSA-fvqr-27wr-82fm']?.fixIsSemverMajor).toBe(false);
    // Two affected ranges for minimist (0.x and 1.x): the fix on the installed line is 0.2.4.
    expect(byId['minimist:GHSA-xvch-5gv4-984h']?.fixedIn).toBe('0.2.4');
    expect(byId['minimist:GHSA-xvch-5gv4-984h']?.aliases).toEqual(['CVE-2021-44906']);
    expect(byId['node-fetch:GHSA-r683-j2x4-v87g']?.fixedIn).toBe('2.6.7');
  });

  it('takes GHSA severity words, and scores CVSS vectors', async () => {
    const r = await audit('npm');
    const jf85 = r.findings.find((f) => f.id === 'GHSA-jf85-cpcp-j695');
    expect(jf85?.severity).toBe('critical');
    expect(jf85?.cvss).toEqual({
      version: '3.1',
      vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H',
      score: 9.1,
    });
    // GHSA-4xc9 has no vector at all: the severity word is all there is.
    const x = r.findings.find((f) => f.id === 'GHSA-4xc9-xhrj-v574');
    expect(x?.severity).toBe('high');
    expect(x?.cvss).toBeUndefined();
  });

  it('reads an OSV all.zip made by a real zip implementation (Python zipfile, deflate)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-osvzip-'));
    const zip = join(dir, 'all.zip');
    execFileSync('python3', [
      '-c',
      'import sys,zipfile,pathlib\nz=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED)\nfor p in sorted(pathlib.Path(sys.argv[2]).rglob("*.json")): z.write(p, p.name)\nz.close()',
      zip,
      OSV_FIXTURES,
    ]);
    const npm = await audit('npm', zip);
    expect(idsByPackage(npm.findings)).toEqual(EXPECTED);
    expect(npm.source.details.kind).toBe('zip');
    expect(npm.source.details.records).toBe(35);
    expect(String(npm.source.details.sha256)).toMatch(/^[0-9a-f]{64}$/);
    const py = await audit('uv', zip);
    expect(idsByPackage(py.findings)).toEqual(EXPECTED_PYPI);
  });

  it('a truncated zip or a stale database is unavailable, never clean', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-osvbad-'));
    const bad = join(dir, 'all.zip');
    writeFileSync(bad, Buffer.from('PK\u0003\u0004 truncated'));
    const broken = await audit('npm', bad);
    expect(broken.source.available).toBe(false);
    expect(broken.verdict).toBe('inconclusive');
    expect(broken.findings).toEqual([]);

    const old = join(dir, 'old');
    execFileSync('cp', ['-r', OSV_FIXTURES, old]);
    const past = new Date(Date.now() - 30 * 86_400_000);
    for (const f of execFileSync('find', [old, '-name', '*.json'], { encoding: 'utf8' }).trim().split('\n')) {
      utimesSync(f, past, past);
    }
    const report = await osvDbSource.query([], { ...sourceOptions(old), maxAgeMs: 7 * 86_400_000 });
    expect(report.available).toBe(false);
    expect(report.reason).toMatch(/30 days old, over the 7\.0 days freshness bound/);
  });
});
