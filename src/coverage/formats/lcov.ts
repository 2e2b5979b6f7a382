import { createReadStream } from 'node:fs';
import { fileError, UserError } from '../../core/errors.ts';
import { addBranch, addFunction, addLine, emptyData, type FileCoverage, fileIn } from '../model.ts';
import type { CoverageFormat, ParsedReport } from './format.ts';

/**
 * LCOV tracefiles (`lcov.info`), 1.x and 2.x records, streamed line by line so a file of hundreds
 * of megabytes never sits in memory as one string. Totals are recomputed from DA/BRDA/FN records;
 * the LF/LH/BRF/BRH/FNF/FNH summaries are hints that go stale after filtering, so they are ignored.
 */
export const lcovFormat: CoverageFormat = {
  id: 'lcov',
  label: 'LCOV',
  sniff: (head) => /^(?:\uFEFF)?\s*(?:#[^\n]*\n\s*)*(?:TN|SF|VER):/.test(head),
  read: readLcov,
};

/** Per-section function state: FNDA may come before or after its FN, and 2.2 aliases share a leader. */
interface Section {
  file: FileCoverage;
  startLine: number;
  functionLines: Map<string, number>;
  functionHits: Map<string, number>;
  leaders: Map<string, { line: number; hits: number; name: string }>;
}

const RECORD = /^[A-Z_]+:/;

/**
 * A copy of a substring that does not pin the 1 MiB chunk it was cut from (V8 keeps slices of
 * 13+ characters as views into their parent): what is kept beyond a line must own its text.
 */
function own(s: string): string {
  return s.length < 13 ? s : `${s} `.slice(0, -1);
}

export async function readLcov(file: string, display: string): Promise<ParsedReport> {
  const data = emptyData();
  data.sources.push({ file: display, format: 'lcov', branchesMeasured: false, functionsMeasured: false });
  const source = data.sources[0] as (typeof data.sources)[number];
  let section: Section | undefined;
  let lineNo = 0;

  const fail = (message: string, hint?: string): never => {
    throw new UserError(message, { file: display, line: lineNo, ...(hint ? { hint } : {}) });
  };
  const int = (text: string | undefined, what: string): number => {
    const n = Number(text);
    if (text === undefined || text === '' || !Number.isFinite(n)) fail(`${what} is not a number: '${text}'`);
    return n;
  };
  const open = (): Section => section ?? fail('record outside a section (no SF: before it)');

  const closeSection = (s: Section) => {
    for (const [name, hits] of s.functionHits) {
      addFunction(s.file, name, name, s.functionLines.get(name) ?? 0, hits);
    }
    for (const [name, line] of s.functionLines) {
      if (!s.functionHits.has(name)) addFunction(s.file, name, name, line, 0);
    }
    for (const [idx, leader] of s.leaders)
      addFunction(s.file, `#${idx}`, leader.name, leader.line, leader.hits);
  };

  const handle = (raw: string) => {
    lineNo++;
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (line.length === 0) return;
    if (line.includes('\0')) fail('binary data, not an LCOV tracefile');
    const colon = line.indexOf(':');
    const tag = colon > 0 ? line.slice(0, colon) : line;
    const value = colon > 0 ? line.slice(colon + 1) : '';
    switch (tag) {
      case 'DA': {
        const s = open();
        const c1 = value.indexOf(',');
        if (c1 < 0) fail(`malformed DA record '${line}'`, 'expected DA:<line>,<hits>');
        const c2 = value.indexOf(',', c1 + 1);
        const n = int(value.slice(0, c1), 'DA line number');
        const hits = int(c2 < 0 ? value.slice(c1 + 1) : value.slice(c1 + 1, c2), 'DA hit count');
        addLine(s.file, n, Math.max(0, hits));
        return;
      }
      case 'BRDA': {
        const s = open();
        // The branch field may itself contain commas (coverage.py arc descriptions): take the
        // first two fields and the last one, and keep everything between as the branch id.
        const c1 = value.indexOf(',');
        const c2 = c1 < 0 ? -1 : value.indexOf(',', c1 + 1);
        const last = value.lastIndexOf(',');
        if (c1 < 0 || c2 < 0 || last <= c1) fail(`malformed BRDA record '${line}'`);
        const n = int(value.slice(0, c1), 'BRDA line number');
        const takenText = value.slice(last + 1);
        const taken = takenText === '-' ? 0 : int(takenText, 'BRDA taken count');
        addBranch(s.file, n, own(value.slice(c1 + 1, last)), Math.max(0, taken));
        source.branchesMeasured = true;
        return;
      }
      case 'FN': {
        const s = open();
        const c1 = value.indexOf(',');
        if (c1 < 0) fail(`malformed FN record '${line}'`, 'expected FN:<line>,<name>');
        const start = int(value.slice(0, c1), 'FN line number');
        let name = own(value.slice(c1 + 1));
        // lcov 2 and coverage.py write FN:<start>,<end>,<name>; a numeric second field is the end line.
        const end = /^\d+,/.exec(name);
        if (end) name = name.slice(end[0].length);
        s.functionLines.set(name, start);
        source.functionsMeasured = true;
        return;
      }
      case 'FNDA': {
        const s = open();
        const c1 = value.indexOf(',');
        if (c1 < 0) fail(`malformed FNDA record '${line}'`, 'expected FNDA:<hits>,<name>');
        const name = own(value.slice(c1 + 1));
        s.functionHits.set(
          name,
          (s.functionHits.get(name) ?? 0) + Math.max(0, int(value.slice(0, c1), 'FNDA hits')),
        );
        source.functionsMeasured = true;
        return;
      }
      case 'FNL': {
        const s = open();
        const [idx, start] = value.split(',');
        if (idx === undefined || start === undefined) fail(`malformed FNL record '${line}'`);
        s.leaders.set(idx as string, { line: int(start, 'FNL line'), hits: 0, name: `function ${idx}` });
        source.functionsMeasured = true;
        return;
      }
      case 'FNA': {
        const s = open();
        const c1 = value.indexOf(',');
        const c2 = c1 < 0 ? -1 : value.indexOf(',', c1 + 1);
        if (c2 < 0) fail(`malformed FNA record '${line}'`);
        const leader = s.leaders.get(value.slice(0, c1)) ?? fail(`FNA before its FNL in '${line}'`);
        if (leader.name.startsWith('function ')) leader.name = own(value.slice(c2 + 1));
        leader.hits += Math.max(0, int(value.slice(c1 + 1, c2), 'FNA hits'));
        return;
      }
      case 'SF': {
        // A new SF without end_of_record closes the previous section, as lcov itself tolerates.
        if (section) closeSection(section);
        if (!value) fail('SF record without a path');
        section = {
          file: fileIn(data, own(value)),
          startLine: lineNo,
          functionLines: new Map(),
          functionHits: new Map(),
          leaders: new Map(),
        };
        return;
      }
      case 'end_of_record':
        closeSection(open());
        section = undefined;
        return;
      default:
        if (line.charCodeAt(0) === 35 /* # */ || RECORD.test(line)) return; // comments, TN, VER, summaries, MC/DC
        fail(`not an LCOV record: '${line.length > 60 ? `${line.slice(0, 60)}…` : line}'`);
    }
  };

  let pending = '';
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const text = pending + (chunk as string);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        handle(text.slice(start, nl));
        start = nl + 1;
      }
      pending = text.slice(start);
      if (pending.length > 1 << 20) fail('a line longer than 1 MiB: not an LCOV tracefile');
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw fileError(display, e);
  }
  if (pending) handle(pending);
  if (section) {
    throw new UserError(`truncated: the section for ${section.file.path} has no end_of_record`, {
      file: display,
      line: lineNo,
      hint: `it starts at line ${section.startLine}; was the file cut off while being written or uploaded?`,
    });
  }
  return { data, roots: [] };
}
