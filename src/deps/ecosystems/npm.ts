import { type LockGraph, type LockNode, packagesFromGraph } from '../graph.ts';
import {
  depNames,
  isObject,
  type LockfileFormat,
  type LockfileInput,
  malformed,
  manifestDirect,
  readJson,
} from './format.ts';

/**
 * npm's `package-lock.json` and `npm-shrinkwrap.json`. Versions 2 and 3 list every installed
 * location under `packages` (`node_modules/a/node_modules/b`); a dependency resolves like Node does,
 * from the nearest `node_modules` upwards. Version 1 has only the nested `dependencies` tree.
 */
const PROD_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];

function nameFromLocation(location: string): string {
  const i = location.lastIndexOf('node_modules/');
  return i < 0 ? location : location.slice(i + 'node_modules/'.length);
}

/** The location Node would load `name` from when required at `from`. */
function resolveFrom(packages: Record<string, unknown>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (candidate in packages) return candidate;
    if (!base) return undefined;
    const i = base.lastIndexOf('/node_modules/');
    // A workspace folder (`packages/api`) resolves next from the root.
    base = i < 0 ? '' : base.slice(0, i);
  }
}

function graphV2(packages: Record<string, unknown>): LockGraph {
  const nodes = new Map<string, LockNode>();
  const edges = new Map<string, string[]>();
  const linkTarget = (location: string) => {
    const entry = packages[location];
    return isObject(entry) && entry.link === true && typeof entry.resolved === 'string'
      ? entry.resolved
      : location;
  };
  for (const [location, entry] of Object.entries(packages)) {
    // Workspace folders (`packages/api`) are the project's own code, not installed packages.
    if (!location.includes('node_modules/') || !isObject(entry) || entry.link === true) continue;
    if (typeof entry.version !== 'string') continue;
    nodes.set(location, {
      name: typeof entry.name === 'string' ? entry.name : nameFromLocation(location),
      version: entry.version,
      ...(typeof entry.license === 'string' ? { license: entry.license } : {}),
    });
    const deps = [...PROD_FIELDS, 'devDependencies'].flatMap((f) => depNames(entry, f));
    edges.set(
      location,
      deps
        .map((d) => resolveFrom(packages, location, d))
        .filter((k): k is string => k !== undefined)
        .map(linkTarget),
    );
  }
  const root = packages[''];
  const direct: LockGraph['direct'] = [];
  const roots = [''];
  // Workspaces: their own dependencies are the project's direct dependencies too.
  for (const entry of Object.values(packages)) {
    if (isObject(entry) && entry.link === true && typeof entry.resolved === 'string')
      roots.push(entry.resolved);
  }
  for (const from of roots) {
    const entry = from === '' ? root : packages[from];
    for (const [fields, dev] of [
      [PROD_FIELDS, false],
      [['devDependencies'], true],
    ] as const) {
      for (const name of fields.flatMap((f) => depNames(entry, f))) {
        const key = resolveFrom(packages, from, name);
        if (key) direct.push({ key: linkTarget(key), dev });
      }
    }
  }
  return { nodes, edges, direct };
}

function graphV1(input: LockfileInput, dependencies: Record<string, unknown>): LockGraph {
  const nodes = new Map<string, LockNode>();
  const edges = new Map<string, string[]>();
  const pending: Array<{ key: string; requires: string[] }> = [];
  const trees = new Map<string, Record<string, unknown>>();
  const visit = (tree: Record<string, unknown>, parent: string) => {
    trees.set(parent, tree);
    for (const [name, entry] of Object.entries(tree)) {
      if (!isObject(entry) || typeof entry.version !== 'string') continue;
      const key = parent ? `${parent}/${name}` : name;
      nodes.set(key, { name, version: entry.version });
      pending.push({ key, requires: depNames(entry, 'requires') });
      if (isObject(entry.dependencies)) visit(entry.dependencies, key);
    }
  };
  visit(dependencies, '');
  const resolve = (from: string, name: string): string | undefined => {
    let base = from;
    for (;;) {
      const tree = trees.get(base);
      if (tree && name in tree) return base ? `${base}/${name}` : name;
      if (!base) return undefined;
      const parts = base.split('/');
      // Scoped names take two segments.
      parts.pop();
      if (parts.at(-1)?.startsWith('@')) parts.pop();
      base = parts.join('/');
    }
  };
  for (const { key, requires } of pending) {
    edges.set(
      key,
      requires.map((r) => resolve(key, r)).filter((k): k is string => k !== undefined),
    );
  }
  const manifest = manifestDirect(input);
  const direct: LockGraph['direct'] = [];
  if (manifest) {
    for (const name of manifest.prod) if (name in dependencies) direct.push({ key: name, dev: false });
    for (const name of manifest.dev) if (name in dependencies) direct.push({ key: name, dev: true });
  } else {
    const required = new Set([...edges.values()].flat());
    for (const [name, entry] of Object.entries(dependencies)) {
      if (!required.has(name)) direct.push({ key: name, dev: isObject(entry) && entry.dev === true });
    }
  }
  return { nodes, edges, direct };
}

export const npmLockfile: LockfileFormat = {
  id: 'npm',
  ecosystem: 'npm',
  matches: (name) => name === 'package-lock.json' || name === 'npm-shrinkwrap.json',
  parse(input) {
    const data = readJson(input.text, input.file);
    if (!isObject(data) || typeof data.lockfileVersion !== 'number') {
      throw malformed(input.file, 'npm lockfile (no lockfileVersion)');
    }
    const version = data.lockfileVersion;
    if (isObject(data.packages)) {
      return {
        packages: packagesFromGraph('npm', graphV2(data.packages)),
        notes: [],
        format: `npm-lock-v${version}`,
      };
    }
    if (isObject(data.dependencies) || version === 1) {
      const deps = isObject(data.dependencies) ? data.dependencies : {};
      return { packages: packagesFromGraph('npm', graphV1(input, deps)), notes: [], format: 'npm-lock-v1' };
    }
    throw malformed(input.file, `npm lockfile (version ${version} without packages)`);
  },
};
