import { type LockGraph, type LockNode, packagesFromGraph } from '../graph.ts';
import {
  isObject,
  type LockfileFormat,
  type LockfileInput,
  malformed,
  manifestDirect,
  readYaml,
} from './format.ts';

/**
 * `yarn.lock`, both generations. Classic (v1) is yarn's own indented format; Berry (v2+) is YAML
 * with a `__metadata` block, `npm:` protocol ranges and the workspace itself as an entry. Entries
 * are keyed by every descriptor (`name@range`) that resolved to them.
 */
interface YarnEntry {
  descriptors: string[];
  name: string;
  version: string;
  dependencies: Record<string, string>;
  workspace: boolean;
}

/** `@scope/name@^1.0.0` → `@scope/name`. */
function descriptorName(descriptor: string): string {
  const at = descriptor.indexOf('@', 1);
  return at < 0 ? descriptor : descriptor.slice(0, at);
}

function unquote(s: string): string {
  const t = s.trim();
  return t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** Yarn classic: top-level `"a@^1", a@^1.2:` lines, two-space fields, four-space dependency lists. */
function parseClassic(input: LockfileInput): YarnEntry[] {
  const entries: YarnEntry[] = [];
  let entry: YarnEntry | undefined;
  let block: string | undefined;
  const lines = input.text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (indent === 0) {
      if (!line.endsWith(':')) throw malformed(input.file, 'yarn.lock (expected "name@range:")', i + 1);
      entry = {
        descriptors: line.slice(0, -1).split(/,\s*/).map(unquote),
        name: '',
        version: '',
        dependencies: {},
        workspace: false,
      };
      entry.name = descriptorName(entry.descriptors[0] as string);
      entries.push(entry);
      block = undefined;
      return;
    }
    if (!entry) throw malformed(input.file, 'yarn.lock (field outside an entry)', i + 1);
    if (indent === 2) {
      if (line.endsWith(':')) {
        block = line.slice(0, -1);
        return;
      }
      block = undefined;
      const m = /^("?[^"\s]+"?)\s+(.*)$/.exec(line);
      if (!m) throw malformed(input.file, 'yarn.lock (expected "field value")', i + 1);
      if (unquote(m[1] as string) === 'version') entry.version = unquote(m[2] as string);
      return;
    }
    if (indent !== 4 || block === undefined)
      throw malformed(input.file, 'yarn.lock (unexpected indentation)', i + 1);
    const m = /^("[^"]+"|\S+)\s+(.*)$/.exec(line);
    if (!m) throw malformed(input.file, 'yarn.lock (expected "name range")', i + 1);
    if (block === 'dependencies' || block === 'optionalDependencies') {
      entry.dependencies[unquote(m[1] as string)] = unquote(m[2] as string);
    }
  });
  for (const e of entries) {
    if (!e.version) throw malformed(input.file, `yarn.lock (entry ${e.descriptors[0]} has no version)`);
  }
  return entries;
}

function parseBerry(input: LockfileInput): YarnEntry[] {
  const data = readYaml(input.text, input.file);
  if (!isObject(data)) throw malformed(input.file, 'yarn.lock');
  const entries: YarnEntry[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (key === '__metadata' || !isObject(value)) continue;
    const resolution = typeof value.resolution === 'string' ? value.resolution : key.split(/,\s*/)[0];
    const deps: Record<string, string> = {};
    for (const field of ['dependencies', 'optionalDependencies']) {
      const map = value[field];
      if (isObject(map)) for (const [n, r] of Object.entries(map)) deps[n] = String(r);
    }
    entries.push({
      descriptors: key.split(/,\s*/).map(unquote),
      name: descriptorName(resolution as string),
      version: String(value.version ?? ''),
      dependencies: deps,
      workspace: /@workspace:/.test(resolution as string),
    });
  }
  return entries;
}

function graphOf(input: LockfileInput, entries: YarnEntry[]): LockGraph {
  const byDescriptor = new Map<string, string>();
  const nodes = new Map<string, LockNode>();
  const edges = new Map<string, string[]>();
  const keyOf = (e: YarnEntry) => `${e.name}@${e.version}`;
  for (const e of entries) {
    for (const d of e.descriptors) byDescriptor.set(d, keyOf(e));
    if (!e.workspace) nodes.set(keyOf(e), { name: e.name, version: e.version });
  }
  const resolve = (name: string, range: string) =>
    byDescriptor.get(`${name}@${range}`) ?? byDescriptor.get(`${name}@npm:${range}`);
  for (const e of entries) {
    if (e.workspace) continue;
    const targets = Object.entries(e.dependencies)
      .map(([n, r]) => resolve(n, r))
      .filter((k): k is string => k !== undefined);
    edges.set(keyOf(e), [...(edges.get(keyOf(e)) ?? []), ...targets]);
  }
  const manifest = manifestDirect(input);
  const devNames = new Set(manifest?.dev ?? []);
  const direct: LockGraph['direct'] = [];
  const workspaces = entries.filter((e) => e.workspace);
  if (workspaces.length) {
    for (const w of workspaces) {
      for (const [n, r] of Object.entries(w.dependencies)) {
        const key = resolve(n, r);
        if (key) direct.push({ key, dev: devNames.has(n) });
      }
    }
  } else if (manifest) {
    const manifestRanges = JSON.parse(input.sibling('package.json') as string) as Record<string, unknown>;
    for (const [field, dev] of [
      ['dependencies', false],
      ['optionalDependencies', false],
      ['devDependencies', true],
    ] as const) {
      const map = manifestRanges[field];
      if (!isObject(map)) continue;
      for (const [n, r] of Object.entries(map)) {
        const key = resolve(n, String(r)) ?? [...nodes.entries()].find(([, node]) => node.name === n)?.[0];
        if (key) direct.push({ key, dev });
      }
    }
  }
  return { nodes, edges, direct };
}

export const yarnClassicLockfile: LockfileFormat = {
  id: 'yarn-classic',
  ecosystem: 'npm',
  matches: (name, text) => name === 'yarn.lock' && !/^__metadata:/m.test(text),
  parse(input) {
    return { packages: packagesFromGraph('npm', graphOf(input, parseClassic(input))), notes: [] };
  },
};

export const yarnBerryLockfile: LockfileFormat = {
  id: 'yarn-berry',
  ecosystem: 'npm',
  matches: (name, text) => name === 'yarn.lock' && /^__metadata:/m.test(text),
  parse(input) {
    return { packages: packagesFromGraph('npm', graphOf(input, parseBerry(input))), notes: [] };
  },
};
