// Small helpers shared by the benchmarks.

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Runs `a` and `b` interleaved (A B A B …) so machine drift hits both alike; returns the per-round results. */
export async function interleaved<T>(
  rounds: number,
  a: () => Promise<T> | T,
  b: () => Promise<T> | T,
): Promise<{ a: T[]; b: T[] }> {
  const out = { a: [] as T[], b: [] as T[] };
  for (let i = 0; i < rounds; i++) {
    out.a.push(await a());
    out.b.push(await b());
  }
  return out;
}

export function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}
