// Test metrics at scale: a 100,000-test-case JUnit file read into the test model (validated,
// DOCTYPE refused, dialect rules, stable ids), analysed, and recorded with one row per test in a
// fresh SQLite store — against the anchor, fast-xml-parser's bare parse of the same file (no
// validation, no model, no store). Each side runs in its own process so its peak RSS is its own;
// runs alternate so machine noise hits both alike.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median } from './util.ts';

const N = 100_000;
const ROUNDS = 3;

async function child(mode: string, file: string, dir: string): Promise<void> {
  const started = performance.now();
  if (mode === 'anchor') {
    const { XMLParser } = await import('fast-xml-parser');
    const tree = new XMLParser({ ignoreAttributes: false }).parse(readFileSync(file, 'utf8'));
    if (!tree.testsuites) throw new Error('parse failed');
  } else {
    const { readReports } = await import('../src/testmetrics/formats/junit.ts');
    const { evaluateAlone } = await import('../src/testmetrics/evaluate.ts');
    const { testResultRows } = await import('../src/testmetrics/history.ts');
    const { openStore } = await import('../src/store/index.ts');
    const { environmentFingerprint } = await import('../src/core/environment.ts');
    const run = readReports([file], { root: dir });
    const e = evaluateAlone(run);
    if (e.fields.counts.total !== N) throw new Error(`read ${e.fields.counts.total} tests`);
    const store = await openStore(join(dir, `store-${process.pid}.db`), { env: {} });
    const stored = await store.recordRun({
      kind: 'tests',
      verdict: e.verdict,
      summary: e.summary,
      startedAt: new Date(),
      finishedAt: new Date(),
      environment: environmentFingerprint(),
      figures: e.figures,
      labels: { suite: 'bench' },
      result: { counts: e.fields.counts },
    });
    await store.testResults().record(stored.id, testResultRows(run.tests));
    await store.close();
  }
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

function makeReport(file: string): number {
  const parts = ['<?xml version="1.0" encoding="UTF-8" ?>\n<testsuites name="vitest tests">\n'];
  for (let f = 0; f < N / 100; f++) {
    parts.push(`  <testsuite name="src/module${f}.test.ts" tests="100">\n`);
    for (let t = 0; t < 100; t++) {
      const fail = (f * 100 + t) % 997 === 0;
      parts.push(
        `    <testcase classname="src/module${f}.test.ts" name="feature ${t % 7} &gt; case ${t}" time="0.00${(t * 37) % 1000}">` +
          (fail
            ? `<failure message="expected ${t} to be ${t + 1}" type="AssertionError">AssertionError at src/module${f}.test.ts:${t}</failure>`
            : '') +
          '</testcase>\n',
      );
    }
    parts.push('  </testsuite>\n');
  }
  parts.push('</testsuites>\n');
  const text = parts.join('');
  writeFileSync(file, text);
  return text.length;
}

if (process.argv[2] === 'child') {
  await child(process.argv[3] as string, process.argv[4] as string, process.argv[5] as string);
} else {
  const dir = mkdtempSync(join(tmpdir(), 'shipgate-bench-tests-'));
  const file = join(dir, 'junit-100k.xml');
  const bytes = makeReport(file);
  const results: Record<string, Array<{ ms: number; maxRssMb: number }>> = { anchor: [], shipgate: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of ['anchor', 'shipgate']) {
      const out = spawnSync(process.execPath, [import.meta.filename, 'child', mode, file, dir], {
        encoding: 'utf8',
      });
      if (out.status !== 0) throw new Error(`${mode} failed: ${out.stderr}`);
      results[mode]?.push(JSON.parse(out.stdout));
    }
  }
  const m = (mode: string, k: 'ms' | 'maxRssMb') => median((results[mode] ?? []).map((x) => x[k]));
  console.log(
    `tests: ${N} test cases, ${fmt(bytes / 1e6, 1)} MB of JUnit XML, median of ${ROUNDS} runs each, module loading included`,
  );
  console.log(
    `  fast-xml-parser bare parse (anchor)            ${fmt(m('anchor', 'ms'), 0)} ms   peak RSS ${fmt(m('anchor', 'maxRssMb'), 0)} MiB`,
  );
  console.log(
    `  shipgate read + analyse + record (SQLite)      ${fmt(m('shipgate', 'ms'), 0)} ms   peak RSS ${fmt(m('shipgate', 'maxRssMb'), 0)} MiB`,
  );
  console.log(
    `  ratio shipgate / anchor: time ${fmt(m('shipgate', 'ms') / m('anchor', 'ms'))}x, memory ${fmt(m('shipgate', 'maxRssMb') / m('anchor', 'maxRssMb'))}x`,
  );
}
