// Load generator efficiency: shipgate vs autocannon (npm) vs wrk (Debian) against the same
// hello-world server, in one run. The server is pinned to core 0 and each generator to core 1,
// 50 connections/users, keep-alive. For each tool we measure requests/s with the server
// saturated, and generator CPU per request. CPU is *marginal*: each tool runs a short and a long
// run and we divide the difference in CPU time by the difference in requests, so start-up costs
// (Node boot, module loading) cancel out for every tool alike.
//
// Needs: `npm run build`, wrk (`apt-get install wrk`); autocannon is installed into a cache folder.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fmt, median } from './util.ts';

const root = join(import.meta.dirname, '..');
const shipgate = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(shipgate)) throw new Error('dist/ is missing: run `npm run build` first');
const hasWrk = spawnSync('wrk', ['--version']).error === undefined;
const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shipgate', 'bench');
const autocannon = join(cache, 'node_modules', 'autocannon', 'autocannon.js');
if (!existsSync(autocannon)) {
  mkdirSync(cache, { recursive: true });
  console.log('installing autocannon into', cache);
  execFileSync(
    'npm',
    ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', cache, 'autocannon@9'],
    { stdio: 'ignore' },
  );
}

const CONNECTIONS = 50;
const SHORT = 3;
const LONG = 8;
const dir = mkdtempSync(join(tmpdir(), 'shipgate-bench-load-'));

// The target: Node's http hello world, alone on core 0.
const server = spawn(
  'taskset',
  [
    '-c',
    '0',
    process.execPath,
    '-e',
    `
  require('node:http').createServer((q, s) => s.end('hello world')).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise<string>((resolve) =>
  createInterface({ input: server.stdout }).once('line', resolve),
);
const url = `http://127.0.0.1:${port}/`;
process.on('exit', () => server.kill());

interface Measure {
  requests: number;
  cpuSeconds: number;
}

/** Runs a generator on core 1 under /usr/bin/time, returning requests done and CPU seconds used. */
function measure(cmd: string[], requests: (stdout: string) => number, okCodes = [0]): Measure {
  const r = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', 'taskset', '-c', '1', ...cmd], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (!okCodes.includes(r.status ?? -1) || !cpu) throw new Error(`${cmd[0]} failed: ${r.stderr.slice(-500)}`);
  return { requests: requests(r.stdout), cpuSeconds: Number(cpu[1]) + Number(cpu[2]) };
}

function shipgateRun(seconds: number, workers: number): Measure {
  const json = join(dir, `sg-${seconds}-${workers}.json`);
  return measure(
    [
      process.execPath,
      shipgate,
      'load',
      url,
      '-u',
      String(CONNECTIONS),
      '-d',
      `${seconds}s`,
      '--ramp-up',
      '0s',
      '--workers',
      String(workers),
      '--no-thresholds',
      '--quiet',
      '--json',
      json,
      '--store',
      join(dir, 'store.db'),
    ],
    () => JSON.parse(readFileSync(json, 'utf8')).metrics.completed,
    // Exit 3 is expected here: held to one core against a saturating server, shipgate rightly
    // reports that the generator itself was the bottleneck.
    [0, 3],
  );
}

const tools: Record<string, (seconds: number) => Measure> = {
  // The generator gets one core, like wrk -t1 and autocannon: shipgate in its own thread
  // (--workers 0), and with one worker thread beside the coordinating one (--workers 1).
  shipgate: (s) => shipgateRun(s, 0),
  'shipgate-w1': (s) => shipgateRun(s, 1),
  autocannon: (s) =>
    measure(
      [process.execPath, autocannon, '-c', String(CONNECTIONS), '-d', String(s), '--json', url],
      (out) => JSON.parse(out).requests.total,
    ),
  ...(hasWrk
    ? {
        wrk: (s: number) =>
          measure(['wrk', '-t1', `-c${CONNECTIONS}`, `-d${s}s`, url], (out) => {
            const m = /(\d+) requests in/.exec(out);
            return Number(m?.[1] ?? 0);
          }),
      }
    : {}),
};
if (!hasWrk) console.log('wrk not found (apt-get install wrk): comparing shipgate with autocannon only');

const ROUNDS = 5;
const results: Record<string, { rps: number[]; usPerReq: number[] }> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(tools)) {
    const short = run(SHORT);
    const long = run(LONG);
    const entry = results[name] ?? { rps: [], usPerReq: [] };
    results[name] = entry;
    entry.rps.push(long.requests / LONG);
    entry.usPerReq.push(((long.cpuSeconds - short.cpuSeconds) * 1e6) / (long.requests - short.requests));
  }
}
server.kill();

console.log(
  `\n${CONNECTIONS} connections, hello-world Node server on core 0, generator on core 1; median of ${ROUNDS} rounds`,
);
console.log('tool         req/s     CPU µs/request (marginal)');
for (const [name, r] of Object.entries(results)) {
  console.log(
    `${name.padEnd(11)} ${fmt(median(r.rps), 0).padStart(7)}   ${fmt(median(r.usPerReq), 1).padStart(6)}`,
  );
}
// Rounds run the tools back to back, so a ratio taken within a round cancels drift between rounds.
function ratio(other: string): string {
  const ours = results.shipgate?.usPerReq ?? [];
  const theirs = results[other]?.usPerReq ?? [];
  const perRound = ours.map((v, i) => v / (theirs[i] ?? Number.NaN));
  const sorted = [...perRound].sort((x, y) => x - y);
  return `${fmt(median(perRound))}x ${other}'s (rounds: ${fmt(sorted[0] ?? Number.NaN)}–${fmt(sorted.at(-1) ?? Number.NaN)})`;
}
console.log(`\nshipgate CPU per request = ${ratio('autocannon')}`);
if (results.wrk) console.log(`shipgate CPU per request = ${ratio('wrk')}`);
