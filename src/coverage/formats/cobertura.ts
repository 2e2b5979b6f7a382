import { readFile } from 'node:fs/promises';
import { XMLParser } from 'fast-xml-parser';
import { fileError, UserError } from '../../core/errors.ts';
import { safeXmlText } from '../../core/xml.ts';
import { addBranch, addFunction, addLine, type CoverageData, emptyData, fileIn } from '../model.ts';
import type { CoverageFormat, ParsedReport } from './format.ts';

/**
 * Cobertura XML (coverage.py, pytest-cov, istanbul's `cobertura` reporter, llvm-cov, Java tools).
 * Classes are aggregated by `filename`, not by class (Java writes one class per inner class).
 * Branches come from `condition-coverage="50% (1/2)"`; a report that never sets `branch="true"`
 * did not measure branches, which is not the same as 0 % branch coverage.
 */
export const coberturaFormat: CoverageFormat = {
  id: 'cobertura',
  label: 'Cobertura XML',
  // Any XML with a <coverage> element: a hostile DOCTYPE must reach the reader to be refused.
  sniff: (head) => /^\uFEFF?\s*</.test(head) && /<coverage[\s>]/.test(head),
  read: readCobertura,
};

const REPEATED = new Set(['source', 'package', 'class', 'method', 'line', 'condition']);

type Node = Record<string, unknown>;

function list(node: unknown, container: string, item: string): Node[] {
  const holder = (node as Node | undefined)?.[container];
  const items = (holder as Node | undefined)?.[item];
  return Array.isArray(items) ? (items as Node[]) : [];
}

function int(v: unknown, display: string, where: string): number {
  const n = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(n)) {
    throw new UserError(`${where} is not a number: '${String(v)}'`, { file: display });
  }
  return n;
}

async function readCobertura(file: string, display: string): Promise<ParsedReport> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw fileError(display, e);
  }
  const text = safeXmlText(bytes, display, { kind: 'Cobertura report', doctype: 'external-only' });
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    processEntities: true,
    isArray: (name) => REPEATED.has(name),
  }).parse(text) as Node;
  const root = doc.coverage as Node | undefined;
  if (!root || typeof root !== 'object') {
    throw new UserError('not a Cobertura report (no <coverage> root)', { file: display });
  }
  const roots = list(root, 'sources', 'source')
    .map((s) => (typeof s === 'string' ? s : String((s as Node)['#text'] ?? '')).trim())
    .filter(Boolean);

  const data: CoverageData = emptyData();
  const source = { file: display, format: 'cobertura', branchesMeasured: false, functionsMeasured: false };
  data.sources.push(source);
  for (const pkg of list(root, 'packages', 'package')) {
    for (const cls of list(pkg, 'classes', 'class')) {
      const path = String(cls.filename ?? '');
      if (!path) throw new UserError('a <class> without a filename', { file: display });
      const f = fileIn(data, path);
      // Classes of one file may repeat a line (inner classes): keep the highest hit count, not the sum.
      const hitsByLine = new Map<number, number>();
      // Method lines repeat the class's lines (Java tools) or point at declarations that are not
      // statements (istanbul): the class's own <lines> are the line coverage when it has any.
      let lines = list(cls, 'lines', 'line');
      if (lines.length === 0) lines = list(cls, 'methods', 'method').flatMap((m) => list(m, 'lines', 'line'));
      const branchLines = new Map<number, { covered: number; total: number }>();
      for (const line of lines) {
        const n = int(line.number, display, `${path}: line number`);
        const hits = Math.max(0, int(line.hits ?? 0, display, `${path}: hits of line ${n}`));
        hitsByLine.set(n, Math.max(hitsByLine.get(n) ?? 0, hits));
        if (String(line.branch) === 'true') {
          const m = /\((\d+)\/(\d+)\)/.exec(String(line['condition-coverage'] ?? ''));
          if (m) {
            source.branchesMeasured = true;
            branchLines.set(n, { covered: Number(m[1]), total: Number(m[2]) });
          }
        }
      }
      for (const [n, hits] of hitsByLine) addLine(f, n, hits);
      // Cobertura says only how many of a line's branches were taken, not which: the first
      // `covered` edges are marked taken so totals stay exact.
      for (const [n, b] of branchLines) {
        for (let i = 0; i < b.total; i++) addBranch(f, n, String(i), i < b.covered ? 1 : 0);
      }
      for (const method of list(cls, 'methods', 'method')) {
        source.functionsMeasured = true;
        const mLines = list(method, 'lines', 'line');
        const first = mLines.length ? int(mLines[0]?.number, display, `${path}: method line`) : 0;
        const hits =
          method.hits !== undefined
            ? int(method.hits, display, `${path}: method hits`)
            : Math.max(0, ...mLines.map((l) => Number(l.hits) || 0));
        const name = String(method.name ?? `method@${first}`);
        addFunction(f, `${name}@${first}`, name, first, Math.max(0, hits));
      }
    }
  }
  return { data, roots };
}
