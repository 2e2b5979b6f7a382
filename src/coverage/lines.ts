/**
 * Hits per line of one file, kept in a dense Float64Array indexed by line number (-1 = not
 * instrumented): a tracefile of millions of lines costs 8 bytes a line instead of a Map entry's
 * ~50. A hostile report with an absurd line number does not allocate a huge array: lines past
 * DENSE_LIMIT go to a small Map.
 */
const DENSE_LIMIT = 1 << 20;
const NONE = -1;

export class LineHits {
  #dense = new Float64Array(0);
  #sparse: Map<number, number> | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(line: number): number | undefined {
    if (line >= 0 && line < this.#dense.length) {
      const v = this.#dense[line] as number;
      return v === NONE ? undefined : v;
    }
    return this.#sparse?.get(line);
  }

  has(line: number): boolean {
    return this.get(line) !== undefined;
  }

  /** Adds hits to a line, making it instrumented if it was not. */
  add(line: number, hits: number): void {
    if (line >= 0 && line < DENSE_LIMIT && Number.isInteger(line)) {
      if (line >= this.#dense.length) this.#grow(line);
      const v = this.#dense[line] as number;
      if (v === NONE) {
        this.#size++;
        this.#dense[line] = hits;
      } else this.#dense[line] = v + hits;
      return;
    }
    this.#sparse ??= new Map();
    const v = this.#sparse.get(line);
    if (v === undefined) this.#size++;
    this.#sparse.set(line, (v ?? 0) + hits);
  }

  #grow(line: number): void {
    const next = new Float64Array(Math.min(DENSE_LIMIT, Math.max(64, line + 1, this.#dense.length * 2)));
    next.fill(NONE);
    next.set(this.#dense);
    this.#dense = next;
  }

  *keys(): IterableIterator<number> {
    for (const [line] of this) yield line;
  }

  /** [line, hits] in ascending line order. */
  *[Symbol.iterator](): IterableIterator<[number, number]> {
    const d = this.#dense;
    for (let i = 0; i < d.length; i++) if (d[i] !== NONE) yield [i, d[i] as number];
    if (this.#sparse) for (const entry of [...this.#sparse].sort((a, b) => a[0] - b[0])) yield entry;
  }
}

export interface LineBranches {
  taken: number;
  total: number;
}

/**
 * The branch edges of one file, flat: one index entry per (line, edge key) and two parallel
 * arrays, instead of an object and arrays per line (which cost ~400 bytes a line in V8).
 */
export class FileBranches {
  readonly #index = new Map<string, number>();
  readonly #lines: number[] = [];
  readonly #hits: number[] = [];

  /** Number of edges. */
  get size(): number {
    return this.#hits.length;
  }

  add(line: number, key: string, taken: number): void {
    const id = `${line}:${key}`;
    const i = this.#index.get(id);
    if (i !== undefined) {
      this.#hits[i] = (this.#hits[i] as number) + taken;
      return;
    }
    this.#index.set(id, this.#hits.length);
    this.#lines.push(line);
    this.#hits.push(taken);
  }

  /** Every edge as [line, key, times taken]. */
  *entries(): IterableIterator<[number, string, number]> {
    for (const [id, i] of this.#index) {
      const line = this.#lines[i] as number;
      yield [line, id.slice(String(line).length + 1), this.#hits[i] as number];
    }
  }

  /** Taken and total edges per line. */
  byLine(): Map<number, LineBranches> {
    const out = new Map<number, LineBranches>();
    for (let i = 0; i < this.#hits.length; i++) {
      const line = this.#lines[i] as number;
      let b = out.get(line);
      if (!b) {
        b = { taken: 0, total: 0 };
        out.set(line, b);
      }
      b.total++;
      if ((this.#hits[i] as number) > 0) b.taken++;
    }
    return out;
  }
}
