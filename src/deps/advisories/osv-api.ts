import { isObject } from '../ecosystems/format.ts';
import { ECOSYSTEMS, type InstalledPackage, packageKey } from '../model.ts';
import { advisoryFromRecord, asOsvRecord, type OsvRecord, recordAffects } from '../osv.ts';
import { fetchJson } from './http.ts';
import {
  type AdvisorySource,
  type SourceMatch,
  SourceUnavailable,
  splitCovered,
  unavailable,
} from './source.ts';

/**
 * The OSV API: `POST /v1/querybatch` answers, per query and in order, the ids of the advisories
 * affecting that package version (paginated with `next_page_token`); the full records then come
 * from `GET /v1/vulns/{id}` for severity, aliases and the fixed version.
 */
const BATCH = 1000;
const PARALLEL = 8;

interface BatchQuery {
  package: { name: string; ecosystem: string };
  version: string;
  page_token?: string;
}

async function queryBatch(
  base: string,
  queries: BatchQuery[],
  timeoutMs: number,
): Promise<Array<{ ids: string[]; next?: string }>> {
  const answer = await fetchJson(`${base}/v1/querybatch`, { method: 'POST', body: { queries }, timeoutMs });
  const results = isObject(answer) ? answer.results : undefined;
  if (!Array.isArray(results) || results.length !== queries.length) {
    throw new SourceUnavailable(`${base}/v1/querybatch: expected ${queries.length} results in order`);
  }
  return results.map((r) => ({
    ids: isObject(r) && Array.isArray(r.vulns) ? r.vulns.filter(isObject).map((v) => String(v.id)) : [],
    ...(isObject(r) && typeof r.next_page_token === 'string' ? { next: r.next_page_token } : {}),
  }));
}

async function inParallel<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const osvApiSource: AdvisorySource = {
  id: 'osv-api',
  description: 'the OSV API (querybatch, then the full records)',
  ecosystems: ECOSYSTEMS,
  async query(packages, options) {
    const { covered, uncovered } = splitCovered(packages, this.ecosystems);
    const base = options.osvApiUrl.replace(/\/+$/, '');
    const idsByPackage = new Map<InstalledPackage, Set<string>>();
    try {
      for (let i = 0; i < covered.length; i += BATCH) {
        let pending: Array<{ pkg: InstalledPackage; token?: string }> = covered
          .slice(i, i + BATCH)
          .map((pkg) => ({ pkg }));
        // Pages: re-ask only the queries that said there is more, until none do.
        for (let page = 0; pending.length && page < 100; page++) {
          const queries = pending.map(({ pkg, token }) => ({
            package: { name: pkg.name, ecosystem: pkg.ecosystem },
            version: pkg.version,
            ...(token ? { page_token: token } : {}),
          }));
          const results = await queryBatch(base, queries, options.timeoutMs);
          const more: typeof pending = [];
          results.forEach((r, j) => {
            const pkg = (pending[j] as { pkg: InstalledPackage }).pkg;
            const set = idsByPackage.get(pkg) ?? new Set<string>();
            for (const id of r.ids) set.add(id);
            idsByPackage.set(pkg, set);
            if (r.next) more.push({ pkg, token: r.next });
          });
          pending = more;
        }
      }
      const ids = [...new Set([...idsByPackage.values()].flatMap((s) => [...s]))].sort();
      const records = new Map<string, OsvRecord>();
      await inParallel(ids, PARALLEL, async (id) => {
        const record = asOsvRecord(
          await fetchJson(`${base}/v1/vulns/${encodeURIComponent(id)}`, {
            method: 'GET',
            timeoutMs: options.timeoutMs,
          }),
        );
        if (!record) throw new SourceUnavailable(`${base}/v1/vulns/${id}: not an OSV record`);
        records.set(id, record);
      });
      const matches: SourceMatch[] = [];
      for (const [pkg, set] of idsByPackage) {
        for (const id of set) {
          const record = records.get(id) as OsvRecord;
          if (record.withdrawn) continue;
          // The API decided the match; the record only adds the fixed version.
          const hit = recordAffects(record, pkg.ecosystem, pkg.name, pkg.version);
          matches.push({
            key: packageKey(pkg),
            advisory: advisoryFromRecord(record),
            ...(hit.fixedIn ? { fixedIn: hit.fixedIn } : {}),
          });
        }
      }
      return {
        source: this.id,
        available: true,
        matches,
        uncovered,
        details: { url: base, records: records.size },
      };
    } catch (e) {
      if (e instanceof SourceUnavailable) return unavailable(this.id, e.message, uncovered);
      throw e;
    }
  },
};
