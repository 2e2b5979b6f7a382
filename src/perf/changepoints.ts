import { studentTUpperTail } from '../core/student-t.ts';

/**
 * Change points in a metric's history: where did the level shift and stay shifted? The method is
 * Apache Otava's (Fleming et al., ICPE 2023) rewritten from the paper:
 *
 * 1. Candidates: E-Divisive means (Matteson & James 2013) — the split that maximises the energy
 *    distance between the two sides — applied recursively inside overlapping windows of `window`
 *    points, so the cost grows linearly with the history rather than quadratically.
 * 2. Pruning: each candidate is tested with Welch's t-test between the segments on either side of
 *    it (bounded by its neighbouring candidates); the weakest is removed and its neighbours
 *    re-tested, until every remaining point has p < `pValue` and a shift of at least
 *    `minMagnitudePct`. A t-test rather than a permutation test keeps results deterministic.
 *
 * One-off spikes do not make a change point: a shift needs `minSegment` points on each side.
 */

export interface ChangePoint {
  /** Index of the first point of the new level. */
  index: number;
  /** Mean of the segment before and after (bounded by the neighbouring change points). */
  before: number;
  after: number;
  changePct: number;
  pValue: number;
}

export interface ChangePointOptions {
  window?: number;
  minSegment?: number;
  pValue?: number;
  minMagnitudePct?: number;
}

export const CHANGE_POINT_DEFAULTS = {
  window: 40,
  minSegment: 5,
  pValue: 0.0001,
  minMagnitudePct: 0,
} as const;

export function changePoints(values: readonly number[], options: ChangePointOptions = {}): ChangePoint[] {
  const o = { ...CHANGE_POINT_DEFAULTS, ...options };
  const n = values.length;
  if (n < 2 * o.minSegment) return [];
  const candidates = new Set<number>();
  const step = Math.max(1, Math.floor(o.window / 2));
  for (let start = 0; start < n; start += step) {
    const end = Math.min(n, start + o.window);
    splitRecursively(values, start, end, o.minSegment, candidates);
    if (end === n) break;
  }
  return prune(
    values,
    [...candidates].sort((a, b) => a - b),
    o,
  );
}

function splitRecursively(
  x: readonly number[],
  start: number,
  end: number,
  minSegment: number,
  out: Set<number>,
): void {
  if (end - start < 2 * minSegment) return;
  const tau = bestSplit(x, start, end, minSegment);
  if (tau === undefined) return;
  out.add(tau);
  splitRecursively(x, start, tau, minSegment, out);
  splitRecursively(x, tau, end, minSegment, out);
}

/**
 * The split of x[start, end) maximising the E-Divisive statistic
 * Q = m·k/(m+k) · (2·mean|X−Y| − mean|X−X'| − mean|Y−Y'|). Within-side distance sums are kept
 * incrementally as the split moves right, so one window costs O(w²).
 */
function bestSplit(x: readonly number[], start: number, end: number, minSegment: number): number | undefined {
  const w = end - start;
  const within = (a: number, b: number): number => {
    let s = 0;
    for (let i = a; i < b; i++)
      for (let j = i + 1; j < b; j++) s += Math.abs((x[i] as number) - (x[j] as number));
    return s;
  };
  const total = within(start, end);
  let left = within(start, start + minSegment - 1);
  let right = within(start + minSegment - 1, end);
  let best: number | undefined;
  let bestQ = 0;
  for (let tau = start + minSegment; tau <= end - minSegment; tau++) {
    // Move x[tau − 1] to the left side.
    const moved = x[tau - 1] as number;
    for (let i = start; i < tau - 1; i++) left += Math.abs((x[i] as number) - moved);
    for (let j = tau; j < end; j++) right -= Math.abs((x[j] as number) - moved);
    const cross = total - left - right;
    const m = tau - start;
    const k = end - tau;
    const q =
      ((m * k) / w) * ((2 * cross) / (m * k) - left / ((m * (m - 1)) / 2) - right / ((k * (k - 1)) / 2));
    if (q > bestQ) {
      bestQ = q;
      best = tau;
    }
  }
  return best;
}

function prune(x: readonly number[], sorted: number[], o: Required<ChangePointOptions>): ChangePoint[] {
  const prefix = new Float64Array(x.length + 1);
  const prefixSq = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) {
    prefix[i + 1] = (prefix[i] as number) + (x[i] as number);
    prefixSq[i + 1] = (prefixSq[i] as number) + (x[i] as number) ** 2;
  }
  const stats = (a: number, b: number) => {
    const n = b - a;
    const mean = ((prefix[b] as number) - (prefix[a] as number)) / n;
    const variance =
      n > 1
        ? Math.max(0, ((prefixSq[b] as number) - (prefixSq[a] as number) - n * mean * mean) / (n - 1))
        : 0;
    return { n, mean, variance };
  };
  const test = (prev: number, at: number, next: number): ChangePoint => {
    const l = stats(prev, at);
    const r = stats(at, next);
    const changePct =
      l.mean === 0 ? (r.mean === 0 ? 0 : Number.POSITIVE_INFINITY) : (r.mean / l.mean - 1) * 100;
    const base = { index: at, before: l.mean, after: r.mean, changePct };
    if (l.n < o.minSegment || r.n < o.minSegment) return { ...base, pValue: 1 };
    // The split was chosen as the best of every position in the segment, so its raw p-value is
    // optimistic; Bonferroni over those positions keeps flat noisy histories quiet.
    const positions = l.n + r.n - 2 * o.minSegment + 1;
    return { ...base, pValue: Math.min(1, welchP(l, r) * positions) };
  };
  const points = declutter(sorted, o.minSegment, (prev, at, next) => test(prev, at, next).pValue, x.length);
  const keep = (t: ChangePoint) => t.pValue < o.pValue && Math.abs(t.changePct) >= o.minMagnitudePct;
  let tested = points.map((p, i) => test(points[i - 1] ?? 0, p, points[i + 1] ?? x.length));
  for (;;) {
    let worst = -1;
    for (let i = 0; i < tested.length; i++) {
      const t = tested[i] as ChangePoint;
      if (!keep(t) && (worst < 0 || t.pValue > (tested[worst] as ChangePoint).pValue)) worst = i;
    }
    if (worst < 0) break;
    points.splice(worst, 1);
    tested.splice(worst, 1);
    for (const i of [worst - 1, worst]) {
      if (i >= 0 && i < points.length)
        tested[i] = test(points[i - 1] ?? 0, points[i] as number, points[i + 1] ?? x.length);
    }
  }
  tested = tested.map((t) => ({
    ...t,
    changePct: round(t.changePct),
    before: round(t.before),
    after: round(t.after),
  }));
  return tested;
}

/**
 * Candidates from overlapping windows cluster around a real shift (39, 40, 41 …). Tested against
 * each other their segments are too short to mean anything, so each cluster of candidates closer
 * than `minSegment` keeps only its strongest member, judged against the clusters around it.
 */
function declutter(
  sorted: readonly number[],
  minSegment: number,
  pValue: (prev: number, at: number, next: number) => number,
  length: number,
): number[] {
  const clusters: number[][] = [];
  for (const p of sorted) {
    const last = clusters.at(-1);
    if (last && p - (last.at(-1) as number) < minSegment) last.push(p);
    else clusters.push([p]);
  }
  return clusters.map((members, i) => {
    const prev = clusters[i - 1]?.at(-1) ?? 0;
    const next = clusters[i + 1]?.[0] ?? length;
    let best = members[0] as number;
    let bestP = Number.POSITIVE_INFINITY;
    for (const m of members) {
      const p = pValue(prev, m, next);
      if (p < bestP) {
        bestP = p;
        best = m;
      }
    }
    return best;
  });
}

function welchP(
  a: { n: number; mean: number; variance: number },
  b: { n: number; mean: number; variance: number },
): number {
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  if (se === 0) return a.mean === b.mean ? 1 : 0;
  const t = Math.abs(a.mean - b.mean) / se;
  const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return Math.min(1, 2 * studentTUpperTail(t, df));
}

function round(n: number): number {
  return Number.isFinite(n) ? Math.round(n * 1000) / 1000 : n;
}
