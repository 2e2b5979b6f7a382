import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { detectFormat } from '../../src/coverage/formats/index.ts';
import { summarize } from '../../src/coverage/model.ts';
import { fixtureCopy } from '../helpers/fixtures.ts';

const FIX = fixtureCopy('coverage');
const dir = mkdtempSync(join(tmpdir(), 'shipgate-cov-hostile-'));

async function readAs(name: string, content: string | Buffer) {
  const p = join(dir, name);
  writeFileSync(p, content);
  const format = await detectFormat(p, name);
  return summarize((await format.read(p, name)).data);
}

async function refusal(name: string, content: string | Buffer): Promise<string> {
  try {
    await readAs(name, content);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as UserError).format();
  }
  throw new Error(`${name} was accepted`);
}

const cobertura = readFileSync(join(FIX, 'coveragepy/branch/coverage.xml'), 'utf8');

describe('hostile coverage reports', () => {
  it('refuses entity declarations (billion laughs) with the line', async () => {
    const bomb = cobertura.replace(
      '<coverage ',
      '<!DOCTYPE coverage [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n<coverage ',
    );
    expect(await refusal('bomb.xml', bomb)).toMatch(/^bomb\.xml:3: refused: the file declares an ENTITY/);
  });

  it('refuses an internal DOCTYPE subset and external entities (XXE)', async () => {
    const xxe = cobertura.replace(
      '<coverage ',
      '<!DOCTYPE coverage [ <!ELEMENT coverage ANY> ]>\n<coverage ',
    );
    expect(await refusal('xxe.xml', xxe)).toMatch(
      /^xxe\.xml:2: refused: the file declares a DOCTYPE with an internal subset/,
    );
  });

  it('lets through the bare external DOCTYPE istanbul writes, without fetching it', async () => {
    const s = await readAs('istanbul.xml', readFileSync(join(FIX, 'vitest/cobertura-coverage.xml')));
    expect(s.lines.total).toBeGreaterThan(0);
  });

  it('names the line of a truncated or malformed XML report', async () => {
    const cut = cobertura.slice(0, cobertura.indexOf('<line number="10"'));
    expect(await refusal('cut.xml', cut)).toMatch(
      /^cut\.xml:\d+: malformed XML: the file ends before <\w+> is closed \(truncated\?\)/,
    );
    expect(await refusal('bad.xml', cobertura.replace('<lines>', '<lines><oops>'))).toMatch(
      /^bad\.xml:\d+: malformed XML/,
    );
  });

  it('names the line of truncated and malformed JSON', async () => {
    const json = readFileSync(join(FIX, 'coveragepy/branch/coverage.json'), 'utf8');
    expect(await refusal('cut.json', json.slice(0, 200))).toMatch(/^cut\.json:\d+: truncated JSON/);
    const pretty = JSON.stringify(
      JSON.parse(readFileSync(join(FIX, 'c8/coverage-final.json'), 'utf8')),
      null,
      1,
    );
    const broken = pretty.replace('"statementMap": {', '"statementMap": {,');
    const line = broken.slice(0, broken.indexOf('{,')).split('\n').length;
    expect(await refusal('broken.json', broken)).toBe(`broken.json:${line}: malformed JSON`);
  });

  it('refuses binary files and empty files', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(await refusal('image.png', png)).toMatch(/^image\.png:3: binary data/);
    expect(await refusal('empty.info', '')).toMatch(/^empty\.info: empty file/);
    expect(await refusal('notes.txt', 'hello\n')).toMatch(/^notes\.txt:1: not a coverage report/);
  });

  it('refuses Istanbul summaries (no per-line data) with a hint', async () => {
    const summary = JSON.stringify({
      total: { lines: { total: 1, covered: 1, skipped: 0, pct: 100 }, statementMap: 1 },
    });
    expect(await refusal('coverage-summary.json', summary)).toMatch(/give coverage-final\.json/);
  });
});
