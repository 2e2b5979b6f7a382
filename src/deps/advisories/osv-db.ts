import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ECOSYSTEMS, type Ecosystem, type InstalledPackage, packageKey } from '../model.ts';
import { advisoryFromRecord, asOsvRecord, type OsvRecord, recordAffects } from '../osv.ts';
import { VERSION_SCHEMES } from '../versions.ts';
import { readZip, ZipError } from '../zip.ts';
import { type AdvisorySource, type SourceMatch, splitCovered, unavailable } from './source.ts';

/**
 * The offline OSV database: a directory of OSV JSON records (any depth, e.g. `npm/GHSA-….json`)
 * or an OSV `all.zip` (per ecosystem or for everything). Its age is the time since it was
 * written to disk (downloaded or unpacked); past the freshness bound the source counts as
 * unavailable, so a forgotten snapshot cannot keep saying "clean".
 */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

interface LoadedDb {
  records: OsvRecord[];
  writtenAt: Date;
  kind: 'directory' | 'zip';
  sha256?: string;
  skipped: number;
}

function listJson(dir: string, out: string[] = [], depth = 0): string[] {
  if (depth > 6) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) listJson(full, out, depth + 1);
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(full);
  }
  return out;
}

function parseRecord(text: string): OsvRecord | undefined {
  try {
    return asOsvRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
}

export function loadOsvDb(path: string): LoadedDb {
  const stat = statSync(path);
  const records: OsvRecord[] = [];
  let skipped = 0;
  if (stat.isDirectory()) {
    let newest = 0;
    for (const file of listJson(path)) {
      const s = statSync(file);
      newest = Math.max(newest, s.mtimeMs);
      const record = s.size <= MAX_RECORD_BYTES ? parseRecord(readFileSync(file, 'utf8')) : undefined;
      if (record) records.push(record);
      else skipped++;
    }
    return { records, writtenAt: new Date(newest || stat.mtimeMs), kind: 'directory', skipped };
  }
  const buf = readFileSync(path);
  for (const entry of readZip(buf, MAX_RECORD_BYTES)) {
    if (!entry.name.endsWith('.json')) continue;
    let record: OsvRecord | undefined;
    try {
      record = parseRecord(entry.read().toString('utf8'));
    } catch (e) {
      if (!(e instanceof ZipError) && !(e instanceof RangeError)) throw e;
    }
    if (record) records.push(record);
    else skipped++;
  }
  return {
    records,
    writtenAt: stat.mtime,
    kind: 'zip',
    sha256: createHash('sha256').update(buf).digest('hex'),
    skipped,
  };
}

/** Records by ecosystem and normalised package name, so matching is one lookup per package. */
export function indexRecords(records: OsvRecord[]): Map<string, OsvRecord[]> {
  const index = new Map<string, OsvRecord[]>();
  for (const record of records) {
    const seen = new Set<string>();
    for (const a of record.affected ?? []) {
      const eco = a.package?.ecosystem as Ecosystem;
      if (!ECOSYSTEMS.includes(eco) || !a.package?.name) continue;
      const key = `${eco}:${VERSION_SCHEMES[eco].normalizeName(a.package.name)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const list = index.get(key) ?? [];
      list.push(record);
      index.set(key, list);
    }
  }
  return index;
}

/** Matches installed packages against OSV records with the shared matcher. */
export function matchRecords(packages: InstalledPackage[], index: Map<string, OsvRecord[]>): SourceMatch[] {
  const matches: SourceMatch[] = [];
  for (const p of packages) {
    const scheme = VERSION_SCHEMES[p.ecosystem];
    if (!scheme.valid(p.version)) continue;
    for (const record of index.get(`${p.ecosystem}:${scheme.normalizeName(p.name)}`) ?? []) {
      const hit = recordAffects(record, p.ecosystem, p.name, p.version);
      if (!hit.affected) continue;
      matches.push({
        key: packageKey(p),
        advisory: advisoryFromRecord(record),
        ...(hit.fixedIn ? { fixedIn: hit.fixedIn } : {}),
      });
    }
  }
  return matches;
}

function days(ms: number): string {
  const d = ms / 86_400_000;
  return `${d < 10 ? d.toFixed(1) : Math.round(d)} days`;
}

export const osvDbSource: AdvisorySource = {
  id: 'osv-db',
  description: 'offline OSV database: a directory of OSV JSON records or an OSV all.zip',
  ecosystems: ECOSYSTEMS,
  async query(packages, options) {
    const { covered, uncovered } = splitCovered(packages, this.ecosystems);
    if (!options.osvDb)
      return unavailable(this.id, 'no offline database given (--osv-db DIR|ZIP)', uncovered);
    let db: LoadedDb;
    try {
      db = loadOsvDb(options.osvDb);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'not found' : (e as Error).message;
      return unavailable(this.id, `offline database ${options.osvDb}: ${why}`, uncovered);
    }
    const ageMs = Math.max(0, options.now.getTime() - db.writtenAt.getTime());
    const newestRecord = db.records.reduce((m, r) => (r.modified && r.modified > m ? r.modified : m), '');
    const details: Record<string, string | number> = {
      path: options.osvDb,
      kind: db.kind,
      records: db.records.length,
      writtenAt: db.writtenAt.toISOString(),
      ageMs,
      ...(newestRecord ? { newestRecordModified: newestRecord } : {}),
      ...(db.sha256 ? { sha256: db.sha256 } : {}),
      ...(db.skipped ? { skippedFiles: db.skipped } : {}),
    };
    const matches = matchRecords(covered, indexRecords(db.records));
    if (db.records.length === 0) {
      return {
        ...unavailable(this.id, `offline database ${options.osvDb} holds no OSV records`, uncovered),
        details,
      };
    }
    if (ageMs > options.maxAgeMs) {
      return {
        source: this.id,
        available: false,
        reason: `offline database is ${days(ageMs)} old, over the ${days(options.maxAgeMs)} freshness bound (--max-db-age)`,
        matches,
        uncovered,
        details,
      };
    }
    return { source: this.id, available: true, matches, uncovered, details };
  },
};
