import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, validateEnvelope } from '../helpers/cli.ts';

const F = join(ROOT, 'test', 'fixtures', 'apicompat');
const V1 = join(F, 'fastapi', 'piwardrive-v1.openapi.json');
const V2 = join(F, 'fastapi', 'piwardrive-v2.openapi.json');
const dir = mkdtempSync(join(tmpdir(), 'shipgate-api-diff-'));
const store = join(dir, 'store.db');

interface Envelope {
  kind: string;
  verdict: string;
  summary: string;
  totals: { breaking: number; warnings: number; info: number; ignored: number };
  changes: Array<{ id: string; level: string; operation: string; fingerprint: string; location: string }>;
  ignored: Array<{ id: string; reason: string }>;
  expiredIgnores: unknown[];
  unusedIgnores: string[];
}

async function diff(args: string[], env: NodeJS.ProcessEnv = {}) {
  const json = join(dir, `r-${Math.random().toString(36).slice(2)}.json`);
  const r = await runCli(['api-diff', ...args, '--store', store, '--json', json, '-q'], { env });
  let envelope: Envelope | undefined;
  try {
    envelope = JSON.parse(readFileSync(json, 'utf8')) as Envelope;
  } catch {
    envelope = undefined;
  }
  return { ...r, envelope };
}

/** A modified copy of the real FastAPI v1 document. */
// biome-ignore lint/suspicious/noExplicitAny: edits reach deep into a parsed OpenAPI document
function modified(name: string, edit: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(readFileSync(V1, 'utf8'));
  edit(doc);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe('shipgate api-diff on a real FastAPI document', () => {
  it('classifies the v1 → v2 changes, fails on ERR, and writes a valid envelope', async () => {
    const r = await diff([V1, V2]);
    expect(r.code).toBe(1);
    const e = r.envelope as Envelope;
    expect(validateEnvelope(e)).toEqual([]);
    expect(e.kind).toBe('api-diff');
    expect(e.verdict).toBe('fail');
    expect(e.changes.map((c) => c.id).sort()).toEqual(
      [
        'api-operation-id-removed',
        'api-path-removed-without-deprecation',
        'new-required-request-parameter',
        'request-parameter-max-decreased',
        'request-parameter-removed',
        'request-path-parameter-renamed',
        'request-property-max-length-decreased',
        'response-optional-property-removed',
        'response-optional-property-removed',
        'response-property-enum-value-added',
        'response-property-enum-value-added',
        'response-required-property-removed',
      ].sort(),
    );
    expect(e.totals).toEqual({ breaking: 5, warnings: 5, info: 2, ignored: 0 });
    const history = await runCli(['history', '--store', store, '--kind', 'api-diff', '--format', 'json']);
    const runs = JSON.parse(history.stdout).runs as Array<{ figures: Record<string, number> }>;
    expect(runs[0]?.figures).toMatchObject({ breaking: 5, warnings: 5, info: 2 });
  });

  it('passes a document against itself and against documentation-only edits', async () => {
    const docs = modified('docs-only.json', (d) => {
      d.paths['/api/status'].get.summary = 'Reworded';
      d.paths['/api/status'].get.description = 'New words';
    });
    const r = await diff([V1, docs]);
    expect(r.code).toBe(0);
    expect(r.envelope?.verdict).toBe('pass');
    expect(r.envelope?.changes).toEqual([]);
  });

  it('gates only what reaches --fail-on: WARN changes pass by default and fail with --fail-on WARN', async () => {
    const warnOnly = modified('warn-only.json', (d) => {
      delete d.components.schemas.WifiNetwork.properties.vendor;
    });
    const relaxed = await diff([V1, warnOnly]);
    expect(relaxed.code).toBe(0);
    expect(relaxed.envelope?.verdict).toBe('warn');
    const strict = await diff([V1, warnOnly, '--fail-on', 'WARN']);
    expect(strict.code).toBe(1);
  });

  it('honours approvals by fingerprint and by rule + operation, and fails on an expired one', async () => {
    const first = await diff([V1, V2]);
    const removal = first.envelope?.changes.find((c) => c.id === 'api-path-removed-without-deprecation');
    const rest = (first.envelope?.changes ?? []).filter((c) => c.level === 'ERR' && c !== removal);
    const ignore = join(dir, 'approvals.yaml');
    writeFileSync(
      ignore,
      [
        'ignore:',
        `  - fingerprint: ${removal?.fingerprint}`,
        '    reason: notes API retired with the v1 app',
        '    expires: 2999-12-31',
        ...rest.map(
          (c) =>
            `  - rule: ${c.id}\n    operation: ${c.operation}\n    reason: agreed in review\n    expires: 2999-12-31`,
        ),
        '  - rule: api-tag-removed',
        '    reason: matches nothing',
        '    expires: 2999-12-31',
      ].join('\n'),
    );
    const approved = await diff([V1, V2, '--ignore', ignore]);
    expect(approved.code).toBe(0);
    expect(approved.envelope?.totals.breaking).toBe(0);
    expect(approved.envelope?.ignored.length).toBe(5);
    expect(approved.envelope?.unusedIgnores).toEqual(['api-tag-removed']);

    writeFileSync(
      ignore,
      `ignore:\n  - fingerprint: ${removal?.fingerprint}\n    reason: old\n    expires: 2020-01-01\n`,
    );
    const expired = await diff([
      V1,
      modified('only-removal.json', (d) => delete d.paths['/api/notes/{note_id}']),
      '--ignore',
      ignore,
    ]);
    expect(expired.code).toBe(1);
    expect(expired.envelope?.expiredIgnores.length).toBe(1);

    writeFileSync(ignore, 'ignore:\n  - rule: x\n    expires: 2999-01-01\n');
    const bad = await diff([V1, V2, '--ignore', ignore]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/approvals\.yaml: .*reason/);
  });

  it('writes Markdown, JUnit and GitHub annotations', async () => {
    const junit = join(dir, 'api.xml');
    const r = await runCli([
      'api-diff',
      V1,
      V2,
      '--store',
      store,
      '--format',
      'markdown',
      '--junit',
      junit,
      '--github',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('| ERR |');
    expect(r.stdout).toMatch(
      /^::error file=.*piwardrive-v2\.openapi\.json,line=\d+,title=api-path-removed-without-deprecation/m,
    );
    // The line where the change sits in the head file: `band` is declared on the networks operation.
    const band = /^::error file=[^,]+,line=(\d+),title=new-required-request-parameter/m.exec(r.stdout);
    expect(band).not.toBeNull();
    const line = Number(band?.[1]);
    expect(
      readFileSync(V2, 'utf8')
        .split('\n')
        .slice(line - 1, line + 6)
        .join('\n'),
    ).toContain('"band"');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('failures="5"');
    expect(xml).toContain('<failure type="new-required-request-parameter"');
  });
});

describe('shipgate api-diff inputs', () => {
  it('reads Swagger 2.0 YAML and matches renamed path parameters', async () => {
    const r = await diff([join(F, 'swagger2-v1.yaml'), join(F, 'swagger2-v2.yaml')]);
    expect(r.code).toBe(1);
    expect(r.envelope?.changes.map((c) => c.id).sort()).toEqual([
      'request-parameter-enum-value-removed',
      'request-path-parameter-renamed',
      'request-property-max-length-decreased',
    ]);
  });

  it('handles circular schemas and $refs into other files', async () => {
    const circular = await diff([join(F, 'circular.yaml'), join(F, 'circular-v2.yaml')]);
    expect(circular.code).toBe(0);
    expect(circular.envelope?.changes.map((c) => c.id)).toContain('response-required-property-added');
    const refs = await diff([join(F, 'refs', 'openapi.yaml'), join(F, 'refs', 'openapi.yaml')]);
    expect(refs.code).toBe(0);
  });

  it.each([
    ['truncated JSON', 'truncated.json', /truncated\.json:2: not valid JSON/],
    ['not an OpenAPI document', 'not-openapi.yaml', /not an OpenAPI document/],
    ['a YAML alias bomb', 'bomb.yaml', /alias/i],
    ['a $ref that escapes the folder', 'refs/escape.yaml', /points outside/],
    ['a missing file', 'nope.yaml', /no such file/],
  ])('exits 2 on %s, never "no breaking changes"', async (_what, file, message) => {
    const r = await diff([join(F, file), V1]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).not.toMatch(/no API changes/);
  });

  it('reads git:REF:path without a checkout', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'shipgate-api-git-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
    git('init', '-q');
    copyFileSync(V1, join(repo, 'openapi.json'));
    git('add', '.');
    git('commit', '-qm', 'v1');
    copyFileSync(V2, join(repo, 'openapi.json'));
    const r = await runCli(
      ['api-diff', 'git:HEAD:openapi.json', 'openapi.json', '--store', store, '--format', 'json'],
      { cwd: repo },
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).totals.breaking).toBe(5);
    const missing = await runCli(['api-diff', 'git:HEAD:nope.json', 'openapi.json', '--store', store], {
      cwd: repo,
    });
    expect(missing.code).toBe(2);
  });

  it('reads apiDiff settings from the config file, and refuses unknown rule ids there', async () => {
    const config = join(dir, 'shipgate.config.yaml');
    writeFileSync(
      config,
      'apiDiff:\n  failOn: WARN\n  levels:\n    api-path-removed-without-deprecation: none\n',
    );
    const onlyRemoval = modified('removal-only.json', (d) => {
      delete d.paths['/api/notes/{note_id}'];
    });
    const off = await diff([V1, onlyRemoval, '--config', config]);
    expect(off.code).toBe(0);
    expect(off.envelope?.changes).toEqual([]);
    const warnOnly = modified('warn-only-2.json', (d) => {
      delete d.components.schemas.WifiNetwork.properties.vendor;
    });
    expect((await diff([V1, warnOnly, '--config', config])).code).toBe(1);
    writeFileSync(config, 'apiDiff:\n  levels:\n    api-removed: none\n');
    const bad = await diff([V1, V2, '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no rule 'api-removed'.*did you mean/);
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['api-diff', V1])).code).toBe(2);
    expect((await runCli(['api-diff', '--live', 'http://127.0.0.1:1/openapi.json'])).code).toBe(2);
    expect((await runCli(['api-diff', V1, V2, '--fail-on', 'LOUD'])).code).toBe(2);
  });
});

describe('shipgate api-diff over HTTP', () => {
  const TOKEN = 'sekret-token-7f3a';
  let server: Server;
  let url = '';
  beforeAll(async () => {
    const body = readFileSync(V2);
    server = createServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"Not authenticated"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/openapi.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the bearer token, never prints it, and is inconclusive without it', async () => {
    const refused = await diff([V1, url]);
    expect(refused.code).toBe(3);
    expect(refused.envelope?.verdict).toBe('inconclusive');

    const ok = await diff([V1, url], { SHIPGATE_API_TOKEN: TOKEN });
    expect(ok.code).toBe(1);
    expect(ok.envelope?.totals.breaking).toBe(5);

    const flag = await runCli([
      'api-diff',
      '--live',
      url,
      '--spec',
      V2,
      '--token',
      TOKEN,
      '--store',
      store,
      '--format',
      'json',
      '--debug',
    ]);
    expect(flag.code).toBe(0);
    expect(JSON.parse(flag.stdout).mode).toBe('live');
    expect(flag.stdout + flag.stderr).not.toContain(TOKEN);
  });

  it('is inconclusive (exit 3) when nothing answers', async () => {
    const r = await diff([V1, 'http://127.0.0.1:9/openapi.json']);
    expect(r.code).toBe(3);
  });
});
