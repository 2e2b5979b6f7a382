import { type LockGraph, type LockNode, packagesFromGraph } from '../graph.ts';
import { isObject, type LockfileFormat, malformed, readYaml } from './format.ts';

/**
 * `pnpm-lock.yaml`, lockfile versions 5.x (`/name/1.0.0` keys), 6.0 (`/name@1.0.0`) and 9.0
 * (`name@1.0.0` in `packages`, the graph in `snapshots`). Peer suffixes — `(react@18.2.0)` in 6/9,
 * `_react@18.2.0` in 5 — are part of a key but not of the version.
 */
function splitKey(key: string, v5: boolean): { name: string; version: string } | undefined {
  const bare = key.replace(/^\//, '');
  if (v5) {
    const parts = bare.split('/');
    const version = (parts.pop() ?? '').replace(/_.*$/, '');
    return parts.length ? { name: parts.join('/'), version } : undefined;
  }
  const base = bare.replace(/\(.*$/, '');
  const at = base.lastIndexOf('@');
  return at > 0 ? { name: base.slice(0, at), version: base.slice(at + 1) } : undefined;
}

/** What an importer or snapshot dependency entry points at: a key of the graph, or nothing (links). */
function targetKey(name: string, ref: unknown, v5: boolean): string | undefined {
  const version = isObject(ref) ? ref.version : ref;
  if (typeof version !== 'string' || version.startsWith('link:') || version.startsWith('file:'))
    return undefined;
  // An alias (`npm:other@1.0.0` resolved) is written as a full key.
  if (/^\/?@?[^@(]+@/.test(version) && !/^\d/.test(version)) return version.replace(/^\//, '');
  return v5 ? `${name}/${version}` : `${name}@${version}`;
}

export const pnpmLockfile: LockfileFormat = {
  id: 'pnpm',
  ecosystem: 'npm',
  matches: (name) => name === 'pnpm-lock.yaml',
  parse(input) {
    const data = readYaml(input.text, input.file);
    if (!isObject(data) || data.lockfileVersion === undefined) {
      throw malformed(input.file, 'pnpm lockfile (no lockfileVersion)');
    }
    const version = String(data.lockfileVersion);
    const v5 = version.startsWith('5');
    const graphSection = isObject(data.snapshots)
      ? data.snapshots
      : isObject(data.packages)
        ? data.packages
        : {};
    const nodes = new Map<string, LockNode>();
    const edges = new Map<string, string[]>();
    const normal = (k: string) => k.replace(/^\//, '');
    for (const [rawKey, entry] of Object.entries(graphSection)) {
      const key = normal(rawKey);
      const parsed = splitKey(key, v5);
      if (!parsed) continue;
      const meta = isObject(data.packages)
        ? (data.packages[rawKey] ?? data.packages[key.replace(/\(.*$/, '')])
        : {};
      nodes.set(key, {
        name: parsed.name,
        version: isObject(meta) && typeof meta.version === 'string' ? meta.version : parsed.version,
      });
      const out: string[] = [];
      for (const field of ['dependencies', 'optionalDependencies']) {
        const deps = isObject(entry) ? entry[field] : undefined;
        if (!isObject(deps)) continue;
        for (const [n, ref] of Object.entries(deps)) {
          const t = targetKey(n, ref, v5);
          if (t) out.push(t);
        }
      }
      edges.set(key, out);
    }
    const importers: Record<string, unknown> = isObject(data.importers) ? data.importers : { '.': data };
    const direct: LockGraph['direct'] = [];
    for (const importer of Object.values(importers)) {
      if (!isObject(importer)) continue;
      for (const [field, dev] of [
        ['dependencies', false],
        ['optionalDependencies', false],
        ['devDependencies', true],
      ] as const) {
        const deps = importer[field];
        if (!isObject(deps)) continue;
        for (const [n, ref] of Object.entries(deps)) {
          const t = targetKey(n, ref, v5);
          if (t && nodes.has(t)) direct.push({ key: t, dev });
        }
      }
    }
    return {
      packages: packagesFromGraph('npm', { nodes, edges, direct }),
      notes: [],
      format: `pnpm-lock-v${version}`,
    };
  },
};
