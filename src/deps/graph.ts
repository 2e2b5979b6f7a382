import type { Ecosystem, InstalledPackage } from './model.ts';

/**
 * The shape most lockfiles reduce to: nodes (one installed package each), edges (what a node
 * depends on), and the project's own direct dependencies. Paths, direct and dev flags are derived
 * here once, so each parser only has to say what the file says.
 */
export interface LockNode {
  name: string;
  version: string;
  license?: string;
}

export interface LockGraph {
  nodes: Map<string, LockNode>;
  edges: Map<string, string[]>;
  direct: Array<{ key: string; dev: boolean }>;
}

/** Paths kept per package: enough to say how it got in without listing every route through a big tree. */
const MAX_PATHS = 5;

export function packagesFromGraph(ecosystem: Ecosystem, graph: LockGraph): InstalledPackage[] {
  const paths = new Map<string, string[][]>();
  const prodReachable = new Set<string>();
  const reachable = new Set<string>();

  // Breadth-first from the direct dependencies, so the first paths recorded are the shortest.
  const walk = (dev: boolean) => {
    const seen = new Set<string>();
    const queue: Array<{ key: string; path: string[] }> = [];
    for (const d of graph.direct) {
      if (d.dev !== dev || !graph.nodes.has(d.key)) continue;
      queue.push({ key: d.key, path: [(graph.nodes.get(d.key) as LockNode).name] });
    }
    for (let i = 0; i < queue.length; i++) {
      const { key, path } = queue[i] as { key: string; path: string[] };
      const list = paths.get(key) ?? [];
      if (list.length < MAX_PATHS && !list.some((p) => p.join('>') === path.join('>'))) list.push(path);
      paths.set(key, list);
      reachable.add(key);
      if (!dev) prodReachable.add(key);
      if (seen.has(key)) continue;
      seen.add(key);
      for (const next of graph.edges.get(key) ?? []) {
        const node = graph.nodes.get(next);
        if (node && !path.includes(node.name)) queue.push({ key: next, path: [...path, node.name] });
      }
    }
  };
  walk(false);
  walk(true);

  const directKeys = new Set(graph.direct.map((d) => d.key));
  const out: InstalledPackage[] = [];
  for (const [key, node] of graph.nodes) {
    const found = paths.get(key) ?? [];
    found.sort((a, b) => a.length - b.length);
    out.push({
      ecosystem,
      name: node.name,
      version: node.version,
      // A node nothing reaches (an incomplete lockfile) is reported as direct rather than dropped.
      direct: directKeys.has(key) || !reachable.has(key),
      dev: reachable.has(key) && !prodReachable.has(key),
      paths: found.length ? found : [[node.name]],
      ...(node.license ? { license: node.license } : {}),
    });
  }
  return mergeDuplicates(out);
}

/** One entry per (name, version): the same version installed at several places is one package with more paths. */
export function mergeDuplicates(packages: InstalledPackage[]): InstalledPackage[] {
  const byKey = new Map<string, InstalledPackage>();
  for (const p of packages) {
    const key = `${p.name}@${p.version}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...p, paths: [...p.paths] });
      continue;
    }
    seen.direct ||= p.direct;
    seen.dev &&= p.dev;
    for (const path of p.paths) {
      if (seen.paths.length < MAX_PATHS && !seen.paths.some((q) => q.join('>') === path.join('>'))) {
        seen.paths.push(path);
      }
    }
    seen.paths.sort((a, b) => a.length - b.length);
    seen.license ??= p.license;
  }
  return [...byKey.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
}
