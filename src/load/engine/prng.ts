/**
 * Deterministic randomness for request picking, so two runs of one scenario send the same request
 * sequence (a baseline and a candidate get identical traffic). A 32-bit counter mixed through an
 * avalanche finaliser: one add and a few multiplies per draw, no allocation, and any element of the
 * stream can be computed directly from (seed, index) — which is what lets worker threads own
 * disjoint slices of one open-model schedule and still pick exactly what a single thread would.
 */

const GOLDEN = 0x9e3779b9;

/** Scrambles a 32-bit integer so that neighbouring inputs give unrelated outputs. */
export function mix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Uniform in [0, 1) for element `index` of the stream named by `seed`. */
export function uniformAt(seed: number, index: number): number {
  return mix32((seed ^ mix32(index + GOLDEN)) + Math.imul(index, GOLDEN)) / 4294967296;
}

/** A sequential stream (one per virtual user): `next()` is `uniformAt(seed, 0)`, then 1, 2, … */
export class Stream {
  private readonly seed: number;
  private index = 0;

  constructor(seed: number) {
    this.seed = seed >>> 0;
  }

  next(): number {
    return uniformAt(this.seed, this.index++);
  }
}

/** A stable 32-bit seed from text (FNV-1a), so a scenario's name gives its default seed. */
export function seedFrom(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Picks an index by weight from a cumulative-weight table with one uniform draw. */
export function pickWeighted(cumulative: Float64Array, u: number): number {
  const n = cumulative.length;
  if (n === 1) return 0;
  const target = u * (cumulative[n - 1] as number);
  // Scenarios have a handful of requests; a linear scan beats a binary search at that size.
  for (let i = 0; i < n; i++) if (target < (cumulative[i] as number)) return i;
  return n - 1;
}
