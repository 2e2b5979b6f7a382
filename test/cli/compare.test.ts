import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSampleService, startSampleService } from '../../examples/sample-service/server.ts';
import { runCli, validateEnvelope } from '../helpers/cli.ts';

/**
 * The real thing end to end: the sample service as it is and slowed by 20 ms per call (what
 * SAMPLE_LATENCY_MS does), measured by `shipgate load`, then baselined, compared, trended and A/B'd.
 */
let fast: RunningSampleService;
let slow: RunningSampleService;
const dir = mkdtempSync(join(tmpdir(), 'shipgate-compare-cli-'));
const store = join(dir, 's.db');
const file = (name: string) => join(dir, name);

const LOAD = [
  '-u',
  '2',
  '-d',
  '3s',
  '--ramp-up',
  '0s',
  '--think-time',
  '3ms',
  '--window',
  '250ms',
  '--workers',
  '1',
];

async function load(service: RunningSampleService, out: string) {
  const r = await runCli([
    'load',
    `${service.url}/api/status`,
    ...LOAD,
    '--json',
    file(out),
    '--store',
    store,
    '--quiet',
  ]);
  expect(r.code, r.stderr).toBe(0);
}

async function cli(args: string[]) {
  return runCli([...args, '--store', store], { cwd: dir });
}

beforeAll(async () => {
  fast = await startSampleService({ port: 0, auth: false, latency: { minMs: 2, maxMs: 2 } });
  slow = await startSampleService({ port: 0, auth: false, latency: { minMs: 22, maxMs: 22 } });
  await load(fast, 'a.json');
  await load(fast, 'a2.json');
  await load(slow, 'b.json');
}, 60_000);

afterAll(async () => {
  await fast?.close();
  await slow?.close();
});

describe('shipgate baseline and compare', () => {
  it('stores a baseline from a result file, with its fingerprint', async () => {
    const r = await cli([
      'baseline',
      'create',
      '--from',
      file('a.json'),
      '--name',
      'main',
      '--json',
      file('bl.json'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const envelope = JSON.parse(readFileSync(file('bl.json'), 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope.baselines[0]).toMatchObject({ name: 'main', kind: 'load' });
    expect(envelope.baselines[0].fingerprint.scenarioHash).toMatch(/^[0-9a-f]{16}$/);
    const list = await cli(['baseline', 'list']);
    expect(list.stdout).toMatch(/main\s+#\d+/);
  });

  it('calls the slowed service a regression against the baseline, and records the comparison', async () => {
    const r = await cli([
      'compare',
      '--current',
      file('b.json'),
      '--baseline',
      'name:main',
      '--json',
      file('c.json'),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const envelope = JSON.parse(readFileSync(file('c.json'), 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope).toMatchObject({ kind: 'compare', verdict: 'fail', regression_detected: true });
    const p50 = envelope.regressions.find((m: { metric: string }) => m.metric === 'p50_ms');
    expect(p50.ci[0]).toBeGreaterThan(10);
    expect(envelope.summary_counts.regression_count).toBeGreaterThan(0);
    expect(envelope.runId).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/p50_ms .* regression/);
  });

  it('does not call two runs of the same service a regression', async () => {
    const r = await cli([
      'compare',
      '--current',
      file('a2.json'),
      '--baseline',
      file('a.json'),
      '--format',
      'json',
    ]);
    expect([0, 3], r.stdout).toContain(r.code);
    const envelope = JSON.parse(r.stdout);
    expect(envelope.regressions).toEqual([]);
  });

  it('writes a Markdown PR comment to --output, well under GitHub’s limit', async () => {
    const r = await cli([
      'compare',
      '--current',
      file('b.json'),
      '--baseline',
      file('a.json'),
      '--format',
      'markdown',
      '--output',
      file('c.md'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const md = readFileSync(file('c.md'), 'utf8');
    expect(md).toMatch(/^## ❌ Performance comparison — FAIL/);
    expect(md).toContain('| metric | baseline | current | change | 95% interval | verdict | note |');
    expect(md.length).toBeLessThan(65_536);
    const html = await cli([
      'compare',
      '--current',
      file('b.json'),
      '--baseline',
      file('a.json'),
      '--html',
      file('c.html'),
      '-q',
    ]);
    expect(html.code).toBe(1);
    expect(readFileSync(file('c.html'), 'utf8')).toMatch(/<table[\s\S]*p50_ms/);
  });

  it('moves the baseline on accept, so later comparisons use the new level', async () => {
    const b = JSON.parse(readFileSync(file('b.json'), 'utf8'));
    const accepted = await cli(['baseline', 'accept', String(b.runId), '--note', 'slower on purpose']);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(/baseline main → run #\d+ \(was run #\d+\)/);
    const r = await cli([
      'compare',
      '--current',
      file('b.json'),
      '--baseline',
      'name:main',
      '--format',
      'json',
    ]);
    expect(JSON.parse(r.stdout).regressions).toEqual([]);
  });

  it('shows the stored history as a trend, as JSON and as an HTML chart', async () => {
    const r = await cli(['trend', '--metric', 'p50', '--format', 'json', '--html', file('trend.html')]);
    expect(r.code, r.stderr).toBe(0);
    const envelope = JSON.parse(r.stdout);
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope.metric).toBe('p50_ms');
    expect(envelope.points.length).toBeGreaterThanOrEqual(4);
    expect(readFileSync(file('trend.html'), 'utf8')).toContain('<svg');
  });

  it('A/B: interleaved rounds against two live services find the slower one', async () => {
    const r = await cli([
      'compare',
      '--ab',
      '--baseline-url',
      `${fast.url}/api/status`,
      '--candidate-url',
      slow.url,
      '--rounds',
      '3',
      '-u',
      '2',
      '-d',
      '1s',
      '--ramp-up',
      '0s',
      '--think-time',
      '3ms',
      '--workers',
      '1',
      '--json',
      file('ab.json'),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const envelope = JSON.parse(readFileSync(file('ab.json'), 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope).toMatchObject({ mode: 'ab', rounds: 3 });
    expect(envelope.regressions.map((m: { metric: string }) => m.metric)).toContain('p50_ms');
  });

  it('calibrates the runner and then refuses a threshold tighter than its noise', async () => {
    const cal = await cli([
      'calibrate',
      `${fast.url}/api/status`,
      '--runs',
      '3',
      ...LOAD.map((a) => (a === '3s' ? '1s' : a)),
      '--json',
      file('cal.json'),
    ]);
    expect(cal.code, cal.stdout + cal.stderr).toBe(0);
    const calibration = JSON.parse(readFileSync(file('cal.json'), 'utf8'));
    expect(validateEnvelope(calibration)).toEqual([]);
    const band = calibration.noiseBandPct.p50_ms;
    expect(band).toBeGreaterThan(0);
    const r = await cli([
      'compare',
      '--current',
      file('a2.json'),
      '--baseline',
      file('a.json'),
      '--threshold',
      String(band / 2),
      '--format',
      'json',
    ]);
    const envelope = JSON.parse(r.stdout);
    const p50 = [
      ...envelope.unchanged,
      ...envelope.inconclusive,
      ...envelope.regressions,
      ...envelope.improvements,
    ].find((m: { metric: string }) => m.metric === 'p50_ms');
    expect(envelope.noiseBandPct.p50_ms).toBe(band);
    expect(['inconclusive', 'regression', 'improvement']).toContain(p50.verdict);
    if (p50.verdict === 'inconclusive') expect(p50.reason).toMatch(/noise band|too noisy/);
  });

  it('exits 2 with one line for a missing file, a wrong kind and missing flags', async () => {
    const missing = await cli(['compare', '--current', file('nope.json'), '--baseline', file('a.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read result file .*nope\.json: ENOENT/);
    writeFileSync(file('other.json'), JSON.stringify({ schema: 'shipgate/coverage@1', kind: 'coverage' }));
    const wrong = await cli(['compare', '--current', file('other.json'), '--baseline', file('a.json')]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/is a shipgate\/coverage@1 result; compare needs shipgate\/load@1/);
    const noFlags = await cli(['compare']);
    expect(noFlags.code).toBe(2);
    expect(noFlags.stderr).toMatch(/needs --current and --baseline/);
    const noBaseline = await cli(['compare', '--current', file('a.json'), '--baseline', 'name:nightly']);
    expect(noBaseline.code).toBe(2);
    expect(noBaseline.stderr).toMatch(/no baseline named "nightly".*known baselines: main/s);
  });
});
