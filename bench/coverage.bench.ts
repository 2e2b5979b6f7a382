// Coverage parse + summary of a 100 MB LCOV tracefile: `shipgate coverage` (the whole command:
// read, map paths, gate, envelope, record in the store) against Debian's `lcov --summary`, both as
// processes on the same file, interleaved. Also the in-process read + summary alone. Both must
// report the same totals, or the benchmark fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLcov } from '../src/coverage/formats/lcov.ts';
import { summarize } from '../src/coverage/model.ts';
import { writeLcov } from '../test/coverage/lcov-generator.ts';
import { fmt, interleaved, median } from './util.ts';

const lcovVersion = spawnSync('lcov', ['--version'], { encoding: 'utf8' });
if (lcovVersion.status !== 0) {
  console.log('lcov is not installed (apt-get install lcov): skipping the coverage benchmark');
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'shipgate-bench-coverage-'));
const file = join(dir, 'big.lcov');
const MB = 100;
const wrote = await writeLcov(file, MB * 1_000_000);
console.log(
  `${(wrote.bytes / 1e6).toFixed(1)} MB lcov: ${wrote.lines[1]} lines, ${wrote.branches[1]} branches, ${wrote.functions[1]} functions`,
);
const cli = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');

function timed(command: string, args: string[]): { ms: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${command} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: `${r.stdout}${r.stderr}` };
}

let round = 0;
const rounds = 2;
const { a, b } = await interleaved(
  rounds,
  () => {
    const json = join(dir, `r${round}.json`);
    const r = timed(process.execPath, [
      cli,
      'coverage',
      file,
      '--min',
      '0',
      '--quiet',
      '--json',
      json,
      '--store',
      join(dir, `s${round++}.db`),
    ]);
    const t = JSON.parse(readFileSync(json, 'utf8')).totals;
    return {
      ms: r.ms,
      lines: [t.lines.covered, t.lines.total],
      branches: [t.branches.covered, t.branches.total],
    };
  },
  () => {
    const r = timed('lcov', ['--summary', file, '--rc', 'lcov_branch_coverage=1']);
    const get = (what: string) => {
      const m = new RegExp(`${what}\\.*: [\\d.]+% \\((\\d+) of (\\d+) `).exec(r.stdout);
      return m ? [Number(m[1]), Number(m[2])] : [];
    };
    return { ms: r.ms, lines: get('lines'), branches: get('branches') };
  },
);
for (const [x, y] of a.map((v, i) => [v, b[i]] as const)) {
  if (JSON.stringify([x.lines, x.branches]) !== JSON.stringify([y?.lines, y?.branches])) {
    throw new Error(`totals differ: shipgate ${JSON.stringify(x)} lcov ${JSON.stringify(y)}`);
  }
}

const inProcess: number[] = [];
for (let i = 0; i < 2; i++) {
  const t = performance.now();
  summarize((await readLcov(file, 'big.lcov')).data);
  inProcess.push(performance.now() - t);
}

const shipgateMs = median(a.map((r) => r.ms));
const lcovMs = median(b.map((r) => r.ms));
console.log(`lcov:       ${lcovVersion.stdout.trim()}`);
console.log(
  `totals:     lines ${a[0]?.lines.join('/')}, branches ${a[0]?.branches.join('/')} (identical in both)`,
);
console.log(
  `lcov --summary            median ${fmt(lcovMs / 1000)} s  (${b.map((r) => fmt(r.ms / 1000)).join(', ')})`,
);
console.log(
  `shipgate coverage (CLI)   median ${fmt(shipgateMs / 1000)} s  (${a.map((r) => fmt(r.ms / 1000)).join(', ')})`,
);
console.log(`shipgate read + summary   median ${fmt(median(inProcess) / 1000)} s  (in process)`);
console.log(`ratio: shipgate coverage is ${fmt(lcovMs / shipgateMs, 1)}x faster than lcov --summary`);
rmSync(dir, { recursive: true, force: true });
