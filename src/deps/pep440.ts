/**
 * PEP 440 versions and specifiers, as pip and OSV's PyPI ecosystem order them: epochs (`1!2.0`),
 * pre-releases (`2.0rc1` < `2.0`), post-releases (`1.0.post1` > `1.0`), dev releases (`1.0.dev1`
 * before everything else of 1.0), local labels (`1.0+ubuntu1`), trailing zeros ignored (`1.0 == 1`).
 */
export interface Pep440Version {
  epoch: number;
  release: number[];
  pre?: { label: 'a' | 'b' | 'rc'; n: number };
  post?: number;
  dev?: number;
  local?: Array<string | number>;
}

// The normative regex of PEP 440's appendix, with alternative spellings (alpha, c, pre, rev, r, -1).
const VERSION_RE =
  /^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

const PRE_LABEL: Record<string, 'a' | 'b' | 'rc'> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

export function parsePep440(text: string): Pep440Version | undefined {
  const m = VERSION_RE.exec(text);
  if (!m) return undefined;
  const v: Pep440Version = {
    epoch: m[1] ? Number(m[1]) : 0,
    release: (m[2] as string).split('.').map(Number),
  };
  if (m[3]) v.pre = { label: PRE_LABEL[m[3].toLowerCase()] as 'a' | 'b' | 'rc', n: m[4] ? Number(m[4]) : 0 };
  if (m[5] !== undefined) v.post = Number(m[5]);
  else if (m[6]) v.post = m[7] ? Number(m[7]) : 0;
  if (m[8]) v.dev = m[9] ? Number(m[9]) : 0;
  if (m[10]) v.local = m[10].split(/[-_.]/).map((s) => (/^\d+$/.test(s) ? Number(s) : s.toLowerCase()));
  return v;
}

export function isPep440(text: string): boolean {
  return parsePep440(text) !== undefined;
}

function cmpNum(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpRelease(a: number[], b: number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = cmpNum(a[i] ?? 0, b[i] ?? 0);
    if (c) return c;
  }
  return 0;
}

const PRE_RANK = { a: 0, b: 1, rc: 2 } as const;

/**
 * The pre-release part as a sortable key: a dev release without pre or post sorts before every
 * pre-release of its release (1.0.dev1 < 1.0a1); a plain release sorts after all of them.
 */
function preKey(v: Pep440Version): [number, number] {
  if (v.pre) return [PRE_RANK[v.pre.label], v.pre.n];
  if (v.dev !== undefined && v.post === undefined) return [-1, 0];
  return [3, 0];
}

function cmpLocal(a: Array<string | number> | undefined, b: Array<string | number> | undefined): number {
  if (!a || !b) return a ? 1 : b ? -1 : 0;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    // Numeric segments sort after alphanumeric ones.
    if (typeof x !== typeof y) return typeof x === 'number' ? 1 : -1;
    const c =
      typeof x === 'number' ? cmpNum(x, y as number) : x < (y as string) ? -1 : x > (y as string) ? 1 : 0;
    if (c) return c;
  }
  return 0;
}

export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  const [ap, an] = preKey(a);
  const [bp, bn] = preKey(b);
  return (
    cmpNum(a.epoch, b.epoch) ||
    cmpRelease(a.release, b.release) ||
    cmpNum(ap, bp) ||
    cmpNum(an, bn) ||
    cmpNum(a.post ?? -1, b.post ?? -1) ||
    cmpNum(a.dev ?? Number.POSITIVE_INFINITY, b.dev ?? Number.POSITIVE_INFINITY) ||
    cmpLocal(a.local, b.local)
  );
}

/** Compares two version strings; unparseable versions sort before parseable ones, then as text. */
export function comparePep440Text(a: string, b: string): number {
  const x = parsePep440(a);
  const y = parsePep440(b);
  if (x && y) return comparePep440(x, y);
  if (x || y) return x ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isPreRelease(v: Pep440Version): boolean {
  return v.pre !== undefined || v.dev !== undefined;
}

function withoutLocal(v: Pep440Version): Pep440Version {
  const { local: _local, ...rest } = v;
  return rest;
}

/** The public release only (no pre, post, dev or local): what `>V` and `<V` compare release segments of. */
function baseRelease(v: Pep440Version): Pep440Version {
  return { epoch: v.epoch, release: v.release };
}

type Clause = (v: Pep440Version) => boolean;

function clause(op: string, text: string): Clause | undefined {
  if (op === '===')
    return (v) => formatPep440(v) === text.trim() || formatPep440(v) === formatPep440Text(text);
  if ((op === '==' || op === '!=') && text.endsWith('.*')) {
    const prefix = parsePep440(text.slice(0, -2));
    if (!prefix) return undefined;
    const matches: Clause = (v) =>
      v.epoch === prefix.epoch && prefix.release.every((n, i) => (v.release[i] ?? 0) === n);
    return op === '==' ? matches : (v) => !matches(v);
  }
  const spec = parsePep440(text);
  if (!spec) return undefined;
  switch (op) {
    case '==':
      // A specifier without a local label matches any local label of that version.
      return (v) => comparePep440(spec.local ? v : withoutLocal(v), spec) === 0;
    case '!=':
      return (v) => comparePep440(spec.local ? v : withoutLocal(v), spec) !== 0;
    case '<=':
      return (v) => comparePep440(withoutLocal(v), spec) <= 0;
    case '>=':
      return (v) => comparePep440(withoutLocal(v), spec) >= 0;
    case '<':
      // `<3.0` must not admit 3.0rc1: pre-releases of the bound are excluded unless the bound is one.
      return (v) =>
        comparePep440(withoutLocal(v), spec) < 0 &&
        (isPreRelease(spec) || !isPreRelease(v) || comparePep440(baseRelease(v), baseRelease(spec)) !== 0);
    case '>':
      // `>1.0` must not admit 1.0.post1 or 1.0+local: post-releases of the bound are excluded unless the bound is one.
      return (v) =>
        comparePep440(withoutLocal(v), spec) > 0 &&
        (spec.post !== undefined ||
          v.post === undefined ||
          comparePep440(baseRelease(v), baseRelease(spec)) !== 0);
    case '~=': {
      if (spec.release.length < 2) return undefined;
      const upper = spec.release.slice(0, -1);
      return (v) =>
        comparePep440(withoutLocal(v), spec) >= 0 &&
        v.epoch === spec.epoch &&
        upper.every((n, i) => (v.release[i] ?? 0) === n);
    }
    default:
      return undefined;
  }
}

const CLAUSE_RE = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*([^\s,;]+)\s*$/;

export interface Pep440Specifier {
  text: string;
  test(version: string, options?: { prereleases?: boolean }): boolean;
}

/**
 * A specifier set such as `>=3.10,<4` or `~=2.28`. Pre-releases are excluded unless asked for or
 * named by a clause (PEP 440 "pre-release handling").
 */
export function parseSpecifier(text: string): Pep440Specifier | undefined {
  const parts = text.split(',').filter((p) => p.trim() !== '');
  const clauses: Clause[] = [];
  let mentionsPre = false;
  for (const part of parts) {
    const m = CLAUSE_RE.exec(part);
    if (!m) return undefined;
    const c = clause(m[1] as string, m[2] as string);
    if (!c) return undefined;
    const named = parsePep440((m[2] as string).replace(/\.\*$/, ''));
    if (named && isPreRelease(named)) mentionsPre = true;
    clauses.push(c);
  }
  return {
    text,
    test(version, options = {}) {
      const v = parsePep440(version);
      if (!v) return false;
      if (isPreRelease(v) && !options.prereleases && !mentionsPre) return false;
      return clauses.every((c) => c(v));
    },
  };
}

export function formatPep440(v: Pep440Version): string {
  let s = `${v.epoch ? `${v.epoch}!` : ''}${v.release.join('.')}`;
  if (v.pre) s += `${v.pre.label}${v.pre.n}`;
  if (v.post !== undefined) s += `.post${v.post}`;
  if (v.dev !== undefined) s += `.dev${v.dev}`;
  if (v.local) s += `+${v.local.join('.')}`;
  return s;
}

function formatPep440Text(text: string): string {
  const v = parsePep440(text);
  return v ? formatPep440(v) : text.trim();
}

/** PEP 503 name normalisation: `PyYAML`, `pyyaml`, `Py_YAML` are one project. */
export function normalizePyPIName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
