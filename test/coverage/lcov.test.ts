import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { readLcov } from '../../src/coverage/formats/lcov.ts';
import { LineHits } from '../../src/coverage/lines.ts';
import { summarize } from '../../src/coverage/model.ts';
import { writeLcov } from './lcov-generator.ts';

const dir = mkdtempSync(join(tmpdir(), 'shipgate-cov-lcov-'));
let n = 0;
function file(text: string): string {
  const p = join(dir, `t${n++}.info`);
  writeFileSync(p, text);
  return p;
}

async function summary(text: string) {
  const p = file(text);
  return summarize((await readLcov(p, 'lcov.info')).data);
}

async function error(text: string): Promise<UserError> {
  const p = file(text);
  try {
    await readLcov(p, 'lcov.info');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected a UserError');
}

describe('LCOV reader', () => {
  it('takes BRDA branch ids containing commas, and `-` as not taken', async () => {
    const s = await summary(
      [
        'SF:a.py',
        'DA:1,1',
        'DA:2,0',
        'BRDA:1,0,jump to line 12, or exit,1',
        'BRDA:1,0,jump to line 2,-',
        'BRDA:1,0,!enable,0',
        'end_of_record',
        '',
      ].join('\n'),
    );
    expect(s.branches).toEqual({ covered: 1, total: 3 });
    expect(s.files[0]?.partialLines).toEqual([1]);
    expect(s.lines).toEqual({ covered: 1, total: 2 });
  });

  it('reads 1.x and 2.x function records, in any order', async () => {
    const s = await summary(
      [
        'TN:',
        'SF:a.c',
        'FNDA:3,early',
        'FN:1,early',
        'FN:5,9,ranged',
        'FNF:2',
        'FNH:1',
        'FNL:0,20,30',
        'FNA:0,0,alias_a',
        'FNA:0,2,alias_b',
        'FNL:1,40',
        'FNA:1,0,never',
        'LH:1',
        'LF:1',
        'DA:1,3',
        'end_of_record',
      ].join('\r\n'),
    );
    // early (hit), ranged (not), group 0 (an alias hit), group 1 (not)
    expect(s.functions).toEqual({ covered: 2, total: 4 });
    expect(s.lines).toEqual({ covered: 1, total: 1 });
  });

  it('merges sections of the same file: hits add, lines and edges are not double-counted', async () => {
    const section = (hits: number, taken: string) => [
      'TN:unit',
      'SF:src/a.ts',
      `DA:1,${hits}`,
      'DA:2,0',
      `BRDA:1,0,0,${taken}`,
      'BRDA:1,0,1,0',
      'end_of_record',
    ];
    const s = await summary(
      [...section(0, '-'), ...section(2, '1'), '# a comment', 'XYZ:future record'].join('\n'),
    );
    expect(s.lines).toEqual({ covered: 1, total: 2 });
    expect(s.branches).toEqual({ covered: 1, total: 2 });
  });

  it('refuses a truncated file, naming the file and the last line', async () => {
    const e = await error('SF:a.ts\nDA:1,1\nDA:2,0\n');
    expect(e.format()).toMatch(/^lcov\.info:3: truncated: the section for a\.ts has no end_of_record/);
    const cut = await error('SF:a.ts\nDA:1,1\nBRDA:2,0');
    expect(cut.format()).toMatch(/^lcov\.info:3: malformed BRDA record/);
  });

  it('refuses binary data and garbage with file:line', async () => {
    expect((await error('SF:a.ts\nDA:1,1\n\u0000\u0001PNG\nend_of_record\n')).format()).toMatch(
      /^lcov\.info:3: binary data/,
    );
    expect((await error('SF:a.ts\nDA:one,1\nend_of_record\n')).format()).toMatch(
      /^lcov\.info:2: DA line number is not a number/,
    );
    expect((await error('DA:1,1\n')).format()).toMatch(/^lcov\.info:1: record outside a section/);
    expect((await error('SF:a.ts\nhello world\n')).format()).toMatch(/^lcov\.info:2: not an LCOV record/);
  });

  it('reads a 40 MB tracefile in a 32 MB heap: memory follows distinct lines, not file size', () => {
    // 40 MB of shards of the same files: reading it whole would need more heap than allowed.
    const p = join(dir, 'shards.info');
    const shard = Array.from({ length: 20 }, (_, f) =>
      [
        `SF:src/f${f}.ts`,
        ...Array.from({ length: 200 }, (_, l) => `DA:${l + 1},${l % 3}`),
        'end_of_record',
      ].join('\n'),
    ).join('\n');
    const fd = openSync(p, 'w');
    let shards = 0;
    for (let written = 0; written < 40_000_000; written += shard.length + 1, shards++)
      writeSync(fd, `${shard}\n`);
    closeSync(fd);
    const script = join(dir, 'read.ts');
    const reader = join(import.meta.dirname, '..', '..', 'src', 'coverage', 'formats', 'lcov.ts');
    const model = join(import.meta.dirname, '..', '..', 'src', 'coverage', 'model.ts');
    writeFileSync(
      script,
      `import { readLcov } from ${JSON.stringify(reader)};\nimport { summarize } from ${JSON.stringify(model)};\n` +
        `const s = summarize((await readLcov(process.argv[2], 'shards.info')).data);\n` +
        'console.log(JSON.stringify([s.lines, s.files.length]));\n',
    );
    const r = spawnSync(process.execPath, ['--max-old-space-size=32', script, p], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [lines, files] = JSON.parse(r.stdout);
    expect(files).toBe(20);
    // line l+1 gets hits l % 3 in every shard: covered unless l % 3 === 0
    expect(lines).toEqual({ covered: 20 * 133, total: 20 * 200 });
    expect(shards).toBeGreaterThan(100);
  });

  it('streams a multi-megabyte tracefile and gets the exact totals', async () => {
    const p = join(dir, 'big.info');
    const wrote = await writeLcov(p, 6_000_000);
    const s = summarize((await readLcov(p, 'big.info')).data);
    expect([s.lines.covered, s.lines.total]).toEqual(wrote.lines);
    expect([s.branches.covered, s.branches.total]).toEqual(wrote.branches);
    expect([s.functions.covered, s.functions.total]).toEqual(wrote.functions);
  });
});

describe('LineHits', () => {
  it('keeps absurd line numbers out of the dense array and iterates in order', () => {
    const h = new LineHits();
    h.add(2_000_000_000, 1);
    h.add(3, 0);
    h.add(3, 2);
    h.add(1, 0);
    expect(h.size).toBe(3);
    expect([...h]).toEqual([
      [1, 0],
      [3, 2],
      [2_000_000_000, 1],
    ]);
    expect(h.get(2)).toBeUndefined();
  });
});
