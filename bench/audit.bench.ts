// Dependency audit cost: shipgate's offline audit (lockfile → inventory with paths → OSV matching
// with alias merging) against npm's own reading of the same lockfile, `npm ls --all --json
// --package-lock-only` (lockfile → tree, no advisories), and against a bare JSON.parse of it (the
// floor). Two lockfiles: shipgate's own package-lock.json (real, npm 11), and a large one made from
// it by replicating its packages under 40 nested parents (synthetic, same shape, about 40× the
// entries). OSV data: the shared fixture database, replicated to ~7,000 records under other
// package names so the index is not trivially small. Interleaved rounds; medians.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../src/deps/audit.ts';
import { fmt, median } from './util.ts';

const ROOT = join(import.meta.dirname, '..');
const OSV = join(ROOT, '..', 'shared', 'fixtures', 'osv');
const dir = mkdtempSync(join(tmpdir(), 'shipgate-bench-audit-'));

// An OSV directory: the fixtures, plus copies renamed to other packages (the matcher indexes by name).
const db = join(dir, 'osv');
cpSync(OSV, db, { recursive: true });
mkdirSync(join(db, 'extra'));
const records = readdirSync(join(OSV, 'npm')).map((f) => readFileSync(join(OSV, 'npm', f), 'utf8'));
for (let i = 0; i < 600; i++) {
  for (const [j, text] of records.entries()) {
    writeFileSync(
      join(db, 'extra', `X-${i}-${j}.json`),
      text.replaceAll('"GHSA-', `"X${i}-`).replaceAll('"name": "', `"name": "pkg${i}-`),
    );
  }
}

const real = join(dir, 'real');
mkdirSync(real);
cpSync(join(ROOT, 'package-lock.json'), join(real, 'package-lock.json'));
cpSync(join(ROOT, 'package.json'), join(real, 'package.json'));

const large = join(dir, 'large');
mkdirSync(large);
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
const base = Object.entries(lock.packages as Record<string, Record<string, unknown>>).filter(([k]) =>
  k.startsWith('node_modules/'),
);
const rootDeps: Record<string, string> = {};
for (let i = 0; i < 40; i++) {
  const parent = `node_modules/parent-${i}`;
  lock.packages[parent] = {
    version: '1.0.0',
    dependencies: Object.fromEntries(base.slice(0, 30).map(([k, v]) => [k.slice(13), String(v.version)])),
  };
  rootDeps[`parent-${i}`] = '1.0.0';
  for (const [k, v] of base) lock.packages[`${parent}/${k}`] = v;
}
lock.packages[''].dependencies = { ...lock.packages[''].dependencies, ...rootDeps };
writeFileSync(join(large, 'package-lock.json'), JSON.stringify(lock, null, 2));
cpSync(join(ROOT, 'package.json'), join(large, 'package.json'));

async function shipgate(path: string): Promise<number> {
  const t = performance.now();
  const r = await runAudit({
    path,
    cwd: path,
    failOn: 'low',
    source: 'osv-db',
    sourceOptions: {
      osvDb: db,
      osvApiUrl: '',
      registry: '',
      timeoutMs: 1000,
      maxAgeMs: Number.POSITIVE_INFINITY,
      now: new Date(),
    },
    omitDev: false,
    outdated: false,
    sarif: [],
  });
  if (r.counts.packages === 0) throw new Error('empty inventory');
  return performance.now() - t;
}

function npmLs(path: string): number {
  const t = performance.now();
  try {
    execFileSync('npm', ['ls', '--all', '--json', '--package-lock-only'], {
      cwd: path,
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 1 << 28,
    });
  } catch (e) {
    // npm ls exits 1 on a problem in the tree (the synthetic parents are not on the registry) but still prints it.
    if (!(e as { stdout?: Buffer }).stdout?.length) throw e;
  }
  return performance.now() - t;
}

function bareParse(path: string): number {
  const t = performance.now();
  const data = JSON.parse(readFileSync(join(path, 'package-lock.json'), 'utf8'));
  if (!data.packages) throw new Error('no packages');
  return performance.now() - t;
}

const osvRecords = readdirSync(join(db, 'extra')).length + 35;
for (const [label, path] of [
  ['own lockfile', real],
  ['large synthetic lockfile', large],
] as const) {
  const entries =
    Object.keys(JSON.parse(readFileSync(join(path, 'package-lock.json'), 'utf8')).packages).length - 1;
  const ours: number[] = [];
  const npm: number[] = [];
  const parse: number[] = [];
  await shipgate(path); // warm the module cache once
  for (let r = 0; r < 5; r++) {
    npm.push(npmLs(path));
    ours.push(await shipgate(path));
    parse.push(bareParse(path));
  }
  const [s, n, p] = [median(ours), median(npm), median(parse)];
  console.log(`${label}: ${entries} lockfile entries, ${osvRecords} OSV records`);
  console.log(`  shipgate audit (inventory + offline OSV match)  ${fmt(s, 1)} ms`);
  console.log(
    `  npm ls --all --json --package-lock-only         ${fmt(n, 1)} ms   ratio shipgate/npm-ls ${fmt(s / n)}`,
  );
  console.log(
    `  bare JSON.parse of the lockfile                 ${fmt(p, 1)} ms   ratio shipgate/JSON.parse ${fmt(s / p, 1)}`,
  );
}
