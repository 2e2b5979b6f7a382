import { fetchJson } from './advisories/http.ts';
import { SourceUnavailable } from './advisories/source.ts';
import { isObject } from './ecosystems/format.ts';
import type { InstalledPackage } from './model.ts';
import { VERSION_SCHEMES } from './versions.ts';

/**
 * How far direct npm dependencies are behind the registry's `latest` dist-tag, from the
 * abbreviated packument (`Accept: application/vnd.npm.install-v1+json`, the small document npm
 * itself installs from).
 */
export interface OutdatedRow {
  package: string;
  installed: string;
  latest: string;
  behind: 'major' | 'minor' | 'patch';
  dev: boolean;
}

const PARALLEL = 8;

export function packumentUrl(registry: string, name: string): string {
  // Scoped names keep their @ and encode the slash, as the registry expects.
  return `${registry.replace(/\/+$/, '')}/${name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name)}`;
}

export async function findOutdated(
  packages: InstalledPackage[],
  registry: string,
  timeoutMs: number,
): Promise<{ rows: OutdatedRow[]; failures: string[] }> {
  const targets = packages.filter((p) => p.ecosystem === 'npm' && p.direct);
  const rows: OutdatedRow[] = [];
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const p = targets[next++] as InstalledPackage;
      try {
        const doc = await fetchJson(packumentUrl(registry, p.name), {
          method: 'GET',
          timeoutMs,
          headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8' },
        });
        const latest = isObject(doc) && isObject(doc['dist-tags']) ? doc['dist-tags'].latest : undefined;
        if (typeof latest !== 'string') {
          failures.push(`${p.name}: no latest dist-tag`);
          continue;
        }
        const behind = VERSION_SCHEMES.npm.behind(p.version, latest);
        if (behind !== 'none')
          rows.push({ package: p.name, installed: p.version, latest, behind, dev: p.dev });
      } catch (e) {
        if (!(e instanceof SourceUnavailable)) throw e;
        failures.push(e.message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, targets.length) }, worker));
  return { rows: rows.sort((a, b) => a.package.localeCompare(b.package)), failures };
}
