// API diff on a large real-world spec: GitHub's REST description from the npm package
// @octokit/openapi (installed into a cache folder at bench time, never a project dependency),
// diffed against a modified copy (an operation removed, a parameter made required, a response
// property dropped). Printed: shipgate's load + normalise + diff time and peak memory, beside an
// anchor doing the least any differ must do: JSON.parse of both files and a full structural walk.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median } from './util.ts';

const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shipgate', 'bench');
const spec = join(cache, 'node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.json');
if (!existsSync(spec)) {
  mkdirSync(cache, { recursive: true });
  console.log('installing @octokit/openapi into', cache);
  execFileSync(
    'npm',
    ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', cache, '@octokit/openapi@23'],
    {
      stdio: 'ignore',
    },
  );
}
const version = JSON.parse(
  readFileSync(join(cache, 'node_modules', '@octokit', 'openapi', 'package.json'), 'utf8'),
).version;

// The modified copy: three breaking edits a reviewer would want caught.
const dir = mkdtempSync(join(tmpdir(), 'shipgate-bench-api-'));
const doc = JSON.parse(readFileSync(spec, 'utf8'));
delete doc.paths['/repos/{owner}/{repo}/issues/{issue_number}'].delete;
delete doc.paths['/gists/{gist_id}'].delete;
const listIssues = doc.paths['/repos/{owner}/{repo}/issues'].get;
listIssues.parameters.push({
  name: 'shipgate_bench',
  in: 'query',
  required: true,
  schema: { type: 'string' },
});
delete doc.components.schemas.repository.properties.archived;
const head = join(dir, 'head.json');
writeFileSync(head, JSON.stringify(doc));
const ops = Object.values(doc.paths as Record<string, object>).reduce<number>(
  (n, item) => n + Object.keys(item).length,
  0,
);
console.log(`@octokit/openapi ${version}: ${(statSync(spec).size / 1e6).toFixed(1)} MB, ~${ops} operations`);

// Each side runs in its own process so peak RSS is its own (measured by /usr/bin/time).
const shipgateScript = `
  const { loadSpec } = await import(${JSON.stringify(join(import.meta.dirname, '..', 'src', 'apicompat', 'load.ts'))});
  const { diffSpecs } = await import(${JSON.stringify(join(import.meta.dirname, '..', 'src', 'apicompat', 'diff.ts'))});
  const t0 = performance.now();
  const [a, b] = await Promise.all([loadSpec(${JSON.stringify(spec)}), loadSpec(${JSON.stringify(head)})]);
  const changes = diffSpecs(a, b);
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, changes: changes.length, breaking: changes.filter((c) => c.level === 'ERR').length }));
`;
const anchorScript = `
  const { readFileSync } = await import('node:fs');
  const t0 = performance.now();
  let nodes = 0;
  const walk = (v) => { nodes++; if (v && typeof v === 'object') for (const k in v) walk(v[k]); };
  for (const f of [${JSON.stringify(spec)}, ${JSON.stringify(head)}]) walk(JSON.parse(readFileSync(f, 'utf8')));
  console.log(JSON.stringify({ ms: performance.now() - t0, nodes }));
`;

function run(script: string): { ms: number; rssMb: number; out: Record<string, number> } {
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', 'RSS %M', process.execPath, '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
      maxBuffer: 16 << 20,
    },
  );
  const rss = /RSS (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !rss) throw new Error(`bench child failed: ${r.stderr.slice(-800)}`);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
  return { ms: out.ms, rssMb: Number(rss[1]) / 1024, out };
}

const ROUNDS = 3;
const sg: ReturnType<typeof run>[] = [];
const anchor: ReturnType<typeof run>[] = [];
for (let i = 0; i < ROUNDS; i++) {
  sg.push(run(shipgateScript));
  anchor.push(run(anchorScript));
}
const sgMs = median(sg.map((r) => r.ms));
const anMs = median(anchor.map((r) => r.ms));
const sgRss = median(sg.map((r) => r.rssMb));
const anRss = median(anchor.map((r) => r.rssMb));
console.log(`changes found: ${sg[0]?.out.changes} (${sg[0]?.out.breaking} breaking)`);
console.log('                       time (median of 3)   peak RSS');
console.log(`shipgate api-diff      ${fmt(sgMs, 0).padStart(8)} ms          ${fmt(sgRss, 0).padStart(5)} MB`);
console.log(`JSON.parse + walk      ${fmt(anMs, 0).padStart(8)} ms          ${fmt(anRss, 0).padStart(5)} MB`);
console.log(
  `ratio                  ${fmt(sgMs / anMs).padStart(8)} x           ${fmt(sgRss / anRss).padStart(5)} x`,
);
