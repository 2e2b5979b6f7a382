import type { Advisory, SourceMatch } from './advisories/source.ts';
import { formatPath, type InstalledPackage, packageKey } from './model.ts';
import type { CvssScore } from './severity.ts';
import { worstSeverity } from './severity.ts';
import { VERSION_SCHEMES } from './versions.ts';

/**
 * One finding per (package version, vulnerability): matches from every source are grouped by
 * package, and advisories that name each other (GHSA ↔ CVE ↔ PYSEC through `aliases`) are merged,
 * so one vulnerability published in three databases is one line, not three.
 */
export interface Finding extends Advisory {
  ecosystem: string;
  package: string;
  version: string;
  lockfile: string;
  direct: boolean;
  dev: boolean;
  paths: string[];
  fixedIn?: string;
  fixIsSemverMajor?: boolean;
  sources: string[];
}

/** GHSA ids first (they carry GitHub's reviewed severity), then PYSEC, then anything else; CVE last. */
function preference(id: string): number {
  if (id.startsWith('GHSA-')) return 0;
  if (id.startsWith('PYSEC-')) return 1;
  if (id.startsWith('CVE-')) return 3;
  return 2;
}

function preferredId(ids: Iterable<string>): string {
  return [...ids].sort((a, b) => preference(a) - preference(b) || a.localeCompare(b))[0] as string;
}

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root) as string;
    this.parent.set(x, root);
    if (!this.parent.has(root)) this.parent.set(root, root);
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

export function mergeFindings(
  packages: Array<InstalledPackage & { lockfile: string }>,
  matches: Array<SourceMatch & { source: string }>,
): Finding[] {
  const byKey = new Map(packages.map((p) => [packageKey(p), p]));
  const grouped = new Map<string, Array<SourceMatch & { source: string }>>();
  for (const m of matches) grouped.set(m.key, [...(grouped.get(m.key) ?? []), m]);
  const findings: Finding[] = [];
  for (const [key, list] of grouped) {
    const pkg = byKey.get(key);
    if (!pkg) continue;
    const uf = new UnionFind();
    for (const m of list) {
      const id = m.advisory.id.toUpperCase();
      uf.find(id);
      for (const a of m.advisory.aliases) uf.union(id, a.toUpperCase());
    }
    const clusters = new Map<string, Array<SourceMatch & { source: string }>>();
    for (const m of list) {
      const root = uf.find(m.advisory.id.toUpperCase());
      clusters.set(root, [...(clusters.get(root) ?? []), m]);
    }
    const scheme = VERSION_SCHEMES[pkg.ecosystem];
    for (const cluster of clusters.values()) {
      const ids = new Set<string>();
      for (const m of cluster) {
        ids.add(m.advisory.id);
        for (const a of m.advisory.aliases) ids.add(a);
      }
      const id = preferredId(ids);
      const primary = cluster.find((m) => m.advisory.id === id) ?? (cluster[0] as SourceMatch);
      const fixes = cluster.map((m) => m.fixedIn).filter((f): f is string => f !== undefined);
      // Where sources disagree, the higher fixed version is the one that fixes all of them.
      const fixedIn = fixes.sort((a, b) => scheme.compare(b, a))[0];
      const cvss = cluster
        .map((m) => m.advisory.cvss)
        .filter((c): c is CvssScore => c !== undefined)
        .sort((a, b) => b.score - a.score)[0];
      findings.push({
        id,
        aliases: [...ids].filter((a) => a !== id).sort(),
        ...(primary.advisory.summary ? { summary: primary.advisory.summary } : {}),
        ...(primary.advisory.url ? { url: primary.advisory.url } : {}),
        severity: worstSeverity(cluster.map((m) => m.advisory.severity)),
        ...(cvss ? { cvss } : {}),
        ecosystem: pkg.ecosystem,
        package: pkg.name,
        version: pkg.version,
        lockfile: pkg.lockfile,
        direct: pkg.direct,
        dev: pkg.dev,
        paths: pkg.paths.map(formatPath),
        ...(fixedIn ? { fixedIn, fixIsSemverMajor: scheme.isMajorJump(pkg.version, fixedIn) } : {}),
        sources: [...new Set(cluster.map((m) => m.source))].sort(),
      });
    }
  }
  return findings.sort(
    (a, b) =>
      a.package.localeCompare(b.package) || a.version.localeCompare(b.version) || a.id.localeCompare(b.id),
  );
}
