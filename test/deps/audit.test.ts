import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { type AuditOptions, runAudit } from '../../src/deps/audit.ts';
import { takeInventory } from '../../src/deps/ecosystems/index.ts';
import { DEFAULT_LICENSE_POLICY } from '../../src/deps/licenses.ts';
import { fixtureCopy } from '../helpers/fixtures.ts';
import {
  closeServers,
  DEPS_FIXTURES,
  EXPECTED,
  EXPECTED_PYPI,
  idsByPackage,
  json,
  OSV_FIXTURES,
  serve,
} from './helpers.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'shipgate-audit-'));
const SARIF_FIXTURES = fixtureCopy('deps/sarif');
afterEach(closeServers);

function audit(
  path: string,
  options: Partial<AuditOptions> & { source?: string } = {},
  source: Partial<AuditOptions['sourceOptions']> = {},
) {
  return runAudit({
    path,
    cwd: DEPS_FIXTURES,
    failOn: 'low',
    source: 'osv-db',
    omitDev: false,
    outdated: false,
    sarif: [],
    ...options,
    sourceOptions: {
      osvDb: OSV_FIXTURES,
      osvApiUrl: 'http://127.0.0.1:9',
      registry: 'http://127.0.0.1:9',
      timeoutMs: 2000,
      // The shared snapshot's records are years old; its file age is not what these tests are about.
      maxAgeMs: Number.POSITIVE_INFINITY,
      now: new Date(),
      ...source,
    },
  });
}

const ids = (r: Awaited<ReturnType<typeof audit>>, status: string) =>
  r.findings.filter((f) => f.status === status).map((f) => f.id);

describe('audit gate', () => {
  it('--fail-on critical fails only on the two critical advisories', async () => {
    const r = await audit('npm', { failOn: 'critical' });
    expect(ids(r, 'failing').sort()).toEqual(['GHSA-jf85-cpcp-j695', 'GHSA-xvch-5gv4-984h']);
    expect(ids(r, 'below-threshold')).toHaveLength(9);
    expect(r.verdict).toBe('fail');
  });

  it('a stale database is inconclusive when nothing fails', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'requirements.txt'), 'markupsafe==1.1.1\n');
    const r = await audit(dir, {}, { maxAgeMs: 1 });
    expect(r.verdict).toBe('inconclusive');
    expect(r.summary).toMatch(/^could not tell: offline database is .* old, over the/);
  });

  it('an allowlist accepts by alias; unused entries warn; expired entries fail', async () => {
    const dir = tmp();
    const allow = join(dir, 'allow.yaml');
    writeFileSync(
      allow,
      `allowlist:\n${Object.values(EXPECTED_PYPI)
        .flat()
        .map((id) => `  - id: ${id}\n    reason: tracked in OPS-1\n    expires: 2999-01-01\n`)
        .join('')}  - id: CVE-2000-0001\n    reason: gone\n    expires: 2999-01-01\n`,
    );
    const ok = await audit('uv', { allowlist: allow });
    expect(ok.verdict).toBe('warn');
    expect(ok.counts.allowlisted).toBe(13);
    expect(ok.warnings).toContain('allowlist entry CVE-2000-0001 matched no finding — remove it?');
    expect(ok.allowlist?.unused).toEqual([{ id: 'CVE-2000-0001', line: 41 }]);

    // By CVE alias, scoped to a package: the GHSA finding it names is accepted, then the entry expires.
    writeFileSync(
      allow,
      'allowlist:\n  - id: CVE-2020-14343\n    path: pyyaml\n    reason: old\n    expires: 2999-01-01\n',
    );
    const scoped = await audit('uv', { allowlist: allow });
    expect(scoped.findings.find((f) => f.id === 'GHSA-8q59-q68h-6hv4')?.status).toBe('allowlisted');
    writeFileSync(
      allow,
      'allowlist:\n  - id: CVE-2020-14343\n    path: pyyaml\n    reason: old\n    expires: 2020-01-01\n',
    );
    const expired = await audit('uv', { allowlist: allow, failOn: 'critical' });
    expect(expired.verdict).toBe('fail');
    expect(expired.allowlist?.expired).toEqual([
      { id: 'CVE-2020-14343|pyyaml', expires: '2020-01-01', line: 2 },
    ]);
    expect(expired.findings.find((f) => f.id === 'GHSA-8q59-q68h-6hv4')?.status).toBe('failing');
  });

  it('--omit-dev keeps dev-only findings out of the gate', async () => {
    const r = await audit('poetry', { omitDev: true, failOn: 'high' });
    const urllib3 = r.findings.filter((f) => f.package === 'urllib3');
    expect(urllib3).toHaveLength(7);
    expect(urllib3.every((f) => f.status === 'dev-omitted')).toBe(true);
    expect(r.verdict).toBe('fail'); // jinja2 and PyYAML are production dependencies
  });
});

describe('--new-only', () => {
  it('fails only on what the change introduces, reading the base lockfile from git', async () => {
    const repo = tmp();
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: repo,
        stdio: 'pipe',
      });
    git('init', '-q', '-b', 'main');
    const lock = JSON.parse(readFileSync(join(DEPS_FIXTURES, 'npm', 'package-lock.json'), 'utf8'));
    // The base had lodash only: the change adds minimist, mkdirp and node-fetch.
    const base = structuredClone(lock);
    base.packages[''].dependencies = { lodash: '4.17.4' };
    delete base.packages[''].devDependencies;
    for (const k of ['node_modules/minimist', 'node_modules/mkdirp', 'node_modules/node-fetch'])
      delete base.packages[k];
    writeFileSync(join(repo, 'package-lock.json'), JSON.stringify(base, null, 2));
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    writeFileSync(join(repo, 'package-lock.json'), JSON.stringify(lock, null, 2));
    const r = await audit('.', { cwd: repo, base: 'main' });
    expect(r.verdict).toBe('fail');
    expect(r.findings.filter((f) => f.status === 'existing').map((f) => f.package)).toEqual(
      Array(7).fill('lodash'),
    );
    expect(
      r.findings
        .filter((f) => f.status === 'failing')
        .map((f) => f.package)
        .sort(),
    ).toEqual(['minimist', 'minimist', 'node-fetch', 'node-fetch']);
    expect(r.newOnly).toEqual({ base: 'main', existing: 7 });
    await expect(audit('.', { cwd: repo, base: 'no-such-branch' })).rejects.toThrow(
      /git revision 'no-such-branch' not found/,
    );
    await expect(audit('.', { cwd: repo, base: '--output=x' })).rejects.toThrow(/is not a git revision/);
  });
});

describe('malformed lockfiles name the file', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'yarn.lock',
      '# yarn lockfile v1\n\nlodash@^4:\n  version "4.17.4"\n garbage\n',
      /^yarn\.lock:5: not a valid yarn\.lock/,
    ],
    [
      'pnpm-lock.yaml',
      "lockfileVersion: '9.0'\nimporters: [unclosed\n",
      /^pnpm-lock\.yaml:\d+: malformed YAML/,
    ],
    ['poetry.lock', '[[package]]\nname = "x"\nversion = \n', /^poetry\.lock:3: malformed TOML/],
    ['uv.lock', 'version = 1\n', /^uv\.lock: not a valid uv\.lock/],
    ['requirements.txt', 'urllib3==1.24.1\n<<<<<<< HEAD\n', /^requirements\.txt:2: not a requirement line/],
    ['Pipfile.lock', '{"default": {}}', /^Pipfile\.lock: not a valid Pipfile\.lock/],
    [
      'npm-shrinkwrap.json',
      '{"lockfileVersion": 3, "packages": [1, 2',
      /^npm-shrinkwrap\.json:1: malformed JSON/,
    ],
  ];
  for (const [name, text, message] of cases) {
    it(name, () => {
      const dir = tmp();
      writeFileSync(join(dir, name), text);
      let error: unknown;
      try {
        takeInventory('.', dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).format()).toMatch(message);
    });
  }
});

describe('online sources against local servers', () => {
  it('osv-api: querybatch in order with pagination, then the full records', async () => {
    // Recorded answers: the ids checked by hand for each installed version, lodash split over two pages.
    const answers: Record<string, string[]> = { ...EXPECTED, ...EXPECTED_PYPI };
    const records = new Map<string, string>();
    for (const eco of ['npm', 'PyPI']) {
      for (const f of readdirSync(join(OSV_FIXTURES, eco))) {
        records.set(f.replace(/\.json$/, ''), readFileSync(join(OSV_FIXTURES, eco, f), 'utf8'));
      }
    }
    const problems: string[] = [];
    const vuln = (id: string) => ({ id, modified: '2024-01-01T00:00:00Z' });
    const server = await serve((req, body, res) => {
      if (req.method === 'POST' && req.url === '/v1/querybatch') {
        if (!String(req.headers['content-type']).startsWith('application/json'))
          problems.push('content-type');
        const { queries } = JSON.parse(body.toString()) as {
          queries: Array<{
            package: { name: string; ecosystem: string };
            version: string;
            page_token?: string;
          }>;
        };
        const results = queries.map((q) => {
          if (!['npm', 'PyPI'].includes(q.package.ecosystem) || typeof q.version !== 'string')
            problems.push(JSON.stringify(q));
          const found = answers[`${q.package.name.toLowerCase()}@${q.version}`] ?? [];
          if (q.package.name === 'lodash' && !q.page_token)
            return { vulns: found.slice(0, 4).map(vuln), next_page_token: 'p2' };
          if (q.page_token === 'p2') return { vulns: found.slice(4).map(vuln) };
          return found.length ? { vulns: found.map(vuln) } : {};
        });
        return json(res, 200, { results });
      }
      const m = /^\/v1\/vulns\/(.+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && m && records.has(m[1] as string)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(records.get(m[1] as string));
      }
      json(res, 404, { code: 5, message: 'Bug not found.' });
    });
    const npm = await audit('berry', { source: 'osv-api' }, { osvApiUrl: server.url });
    expect(problems).toEqual([]);
    expect(npm.source.available).toBe(true);
    expect(idsByPackage(npm.findings)).toEqual(EXPECTED);
    expect(server.requests.filter((q) => q.url === '/v1/querybatch')).toHaveLength(2);
    expect(server.requests.filter((q) => q.url.startsWith('/v1/vulns/'))).toHaveLength(11);
    const py = await audit('poetry', { source: 'osv-api' }, { osvApiUrl: server.url });
    expect(idsByPackage(py.findings)).toEqual(EXPECTED_PYPI);
  });

  it('npm-bulk: a gzipped {name: [versions]} body; advisories filtered by vulnerable_versions', async () => {
    let received: unknown;
    const problems: string[] = [];
    const server = await serve((req, body, res) => {
      if (req.method !== 'POST' || req.url !== '/-/npm/v1/security/advisories/bulk')
        return json(res, 404, {});
      if (req.headers['content-encoding'] !== 'gzip') problems.push('not gzipped');
      received = JSON.parse(gunzipSync(body).toString());
      // The endpoint's documented shape: every advisory of the name; the client filters by range.
      const adv = (id: number, ghsa: string, severity: string, range: string, vector: string | null) => ({
        id,
        url: `https://github.com/advisories/${ghsa}`,
        title: `advisory ${ghsa}`,
        severity,
        vulnerable_versions: range,
        cwe: ['CWE-1321'],
        cvss: { score: 0, vectorString: vector },
      });
      json(res, 200, {
        lodash: [
          adv(
            1,
            'GHSA-jf85-cpcp-j695',
            'critical',
            '<4.17.12',
            'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H',
          ),
          adv(2, 'GHSA-xxjr-mmjv-4gpg', 'moderate', '>=4.17.22 <4.17.23', null),
        ],
        minimist: [
          adv(3, 'GHSA-xvch-5gv4-984h', 'critical', '<0.2.4', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'),
        ],
      });
    });
    const r = await audit('pnpm', { source: 'npm-bulk' }, { registry: server.url });
    expect(problems).toEqual([]);
    expect(received).toEqual({
      lodash: ['4.17.4'],
      minimist: ['0.0.8'],
      mkdirp: ['0.5.1'],
      'node-fetch': ['2.6.0'],
    });
    expect(idsByPackage(r.findings)).toEqual({
      'lodash@4.17.4': ['GHSA-jf85-cpcp-j695'],
      'minimist@0.0.8': ['GHSA-xvch-5gv4-984h'],
    });
    expect(r.findings[0]?.cvss?.score).toBe(9.1);
    // PyPI packages are outside what the bulk endpoint covers: not audited, so not "clean".
    const py = await audit('uv', { source: 'npm-bulk' }, { registry: server.url });
    expect(py.verdict).toBe('inconclusive');
  });

  it('a registry without the bulk endpoint (405), a 503 or a refused connection is inconclusive', async () => {
    let status = 405;
    const server = await serve((_req, _body, res) => json(res, status, { error: 'no' }));
    const r405 = await audit('npm', { source: 'npm-bulk' }, { registry: server.url });
    expect(r405.verdict).toBe('inconclusive');
    expect(r405.source.reason).toMatch(/HTTP 405 — this server does not offer the endpoint/);
    status = 503;
    const r503 = await audit('npm', { source: 'osv-api' }, { osvApiUrl: server.url });
    expect(r503.source.reason).toMatch(/HTTP 503/);
    const refused = await audit('npm', { source: 'osv-api' }, { osvApiUrl: 'http://127.0.0.1:9' });
    expect(refused.verdict).toBe('inconclusive');
    expect(refused.source.reason).toMatch(/connection refused/);
  });

  it('--outdated asks the registry for the abbreviated packument of each direct dependency', async () => {
    const latest: Record<string, string> = {
      lodash: '4.17.21',
      minimist: '1.2.8',
      mkdirp: '3.0.1',
      'node-fetch': '3.3.2',
    };
    const accepts: string[] = [];
    const server = await serve((req, _body, res) => {
      accepts.push(String(req.headers.accept));
      const name = decodeURIComponent((req.url ?? '').slice(1));
      if (!latest[name]) return json(res, 404, {});
      json(res, 200, { name, 'dist-tags': { latest: latest[name] }, versions: {} });
    });
    const r = await audit('npm', { outdated: true }, { registry: server.url });
    expect(accepts).toHaveLength(4);
    expect(accepts.every((a) => a.startsWith('application/vnd.npm.install-v1+json'))).toBe(true);
    expect(r.outdated?.packages).toEqual([
      { package: 'lodash', installed: '4.17.4', latest: '4.17.21', behind: 'patch', dev: false },
      { package: 'minimist', installed: '0.0.8', latest: '1.2.8', behind: 'major', dev: false },
      { package: 'mkdirp', installed: '0.5.1', latest: '3.0.1', behind: 'major', dev: true },
      { package: 'node-fetch', installed: '2.6.0', latest: '3.3.2', behind: 'major', dev: false },
    ]);
  });
});

describe('licences and code analysers', () => {
  it('judges lockfile licences against the policy', async () => {
    const ok = await audit('npm', { licenses: DEFAULT_LICENSE_POLICY });
    expect(ok.licenses).toMatchObject({ denied: 0, warned: 0, unknown: 0 });
    const strict = await audit('npm', {
      licenses: { ...DEFAULT_LICENSE_POLICY, allow: ['Apache-2.0', 'BSD-*'] },
    });
    expect(strict.licenses?.denied).toBe(4);
    expect(strict.summary).toMatch(/4 denied licences/);
    // npm 6's v1 lockfile records no licences, and there is no node_modules beside it.
    const v1 = await audit('npm1', { licenses: DEFAULT_LICENSE_POLICY });
    expect(v1.licenses?.unknown).toBe(4);
  });

  it('ingests ESLint SARIF and Bandit JSON into the same gate', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'requirements.txt'), 'markupsafe==1.1.1\n');
    mkdirSync(join(dir, 'reports'));
    cpSync(SARIF_FIXTURES, join(dir, 'reports'), { recursive: true });
    const sarif = ['reports/eslint-security.sarif', 'reports/bandit.json'];
    const high = await audit('.', { cwd: dir, sarif, failOn: 'high' });
    expect(high.verdict).toBe('fail');
    // ESLint ran in another checkout: its file URI is outside this folder, so it stays absolute.
    const eslint = JSON.parse(readFileSync(join(dir, sarif[0] as string), 'utf8'));
    const scanned = fileURLToPath(eslint.runs[0].artifacts[0].location.uri);
    expect(high.code.map((c) => [c.tool, c.ruleId, c.severity, c.file, c.line])).toEqual([
      ['ESLint', 'security/detect-non-literal-fs-filename', 'moderate', scanned, 5],
      ['ESLint', 'security/detect-child-process', 'moderate', scanned, 9],
      ['ESLint', 'security/detect-object-injection', 'moderate', scanned, 13],
      ['ESLint', 'security/detect-unsafe-regex', 'moderate', scanned, 17],
      ['Bandit', 'B404', 'low', 'app.py', 1],
      ['Bandit', 'B506', 'moderate', 'app.py', 7],
      ['Bandit', 'B602', 'high', 'app.py', 11],
      ['Bandit', 'B101', 'low', 'app.py', 15],
    ]);
    expect(high.code.filter((c) => c.status === 'failing').map((c) => c.ruleId)).toEqual(['B602']);
    expect((await audit('.', { cwd: dir, sarif, failOn: 'critical' })).verdict).toBe('warn');
    await expect(audit('.', { cwd: dir, sarif: ['requirements.txt'] })).rejects.toThrow(/malformed JSON/);
  });
});
