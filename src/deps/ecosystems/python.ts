import { parse as parseToml } from 'smol-toml';
import { UserError } from '../../core/errors.ts';
import { type LockGraph, type LockNode, mergeDuplicates, packagesFromGraph } from '../graph.ts';
import type { InstalledPackage } from '../model.ts';
import { normalizePyPIName } from '../pep440.ts';
import { isObject, type LockfileFormat, type LockfileInput, malformed, readJson } from './format.ts';

/**
 * Python lock formats: pinned `requirements*.txt` (pip-compile's `# via` comments give the graph),
 * `poetry.lock` and `uv.lock` (TOML), `Pipfile.lock` (JSON). Names are PEP 503-normalised.
 */

/** The project name at the start of a PEP 508 requirement (`requests[socks]>=2; python_version<"3.8"`). */
function requirementName(spec: string): string | undefined {
  return /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec)?.[1];
}

function readTomlFile(text: string, file: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    const line = (e as { line?: number }).line;
    throw new UserError(`malformed TOML: ${String((e as Error).message).split('\n')[0]}`, {
      file,
      ...(line ? { line } : {}),
    });
  }
}

/** Direct dependencies declared in a pyproject.toml beside the lockfile (PEP 621, Poetry, PEP 735 groups). */
function pyprojectDirect(input: LockfileInput): { prod: Set<string>; dev: Set<string> } | undefined {
  const text = input.sibling('pyproject.toml');
  if (text === undefined) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const prod = new Set<string>();
  const dev = new Set<string>();
  const addList = (list: unknown, to: Set<string>) => {
    if (Array.isArray(list)) {
      for (const spec of list) {
        const n = typeof spec === 'string' ? requirementName(spec) : undefined;
        if (n) to.add(normalizePyPIName(n));
      }
    }
  };
  const addTable = (table: unknown, to: Set<string>) => {
    if (isObject(table)) for (const n of Object.keys(table)) if (n !== 'python') to.add(normalizePyPIName(n));
  };
  const project = isObject(doc.project) ? doc.project : {};
  addList(project.dependencies, prod);
  if (isObject(project['optional-dependencies'])) {
    for (const list of Object.values(project['optional-dependencies'])) addList(list, prod);
  }
  if (isObject(doc['dependency-groups']))
    for (const list of Object.values(doc['dependency-groups'])) addList(list, dev);
  const poetry = isObject(doc.tool) && isObject(doc.tool.poetry) ? doc.tool.poetry : {};
  addTable(poetry.dependencies, prod);
  addTable(poetry['dev-dependencies'], dev);
  if (isObject(poetry.group)) {
    for (const [name, group] of Object.entries(poetry.group)) {
      if (isObject(group)) addTable(group.dependencies, name === 'main' ? prod : dev);
    }
  }
  return { prod, dev };
}

/** Direct roots from pyproject, or — without one — every package nothing else depends on. */
function rootsOf(
  graph: Omit<LockGraph, 'direct'>,
  declared: ReturnType<typeof pyprojectDirect>,
  devOf: (key: string) => boolean,
) {
  const direct: LockGraph['direct'] = [];
  if (declared) {
    for (const [key, node] of graph.nodes) {
      const n = normalizePyPIName(node.name);
      if (declared.prod.has(n)) direct.push({ key, dev: false });
      else if (declared.dev.has(n)) direct.push({ key, dev: true });
    }
  }
  if (direct.length === 0) {
    const required = new Set([...graph.edges.values()].flat());
    for (const key of graph.nodes.keys()) if (!required.has(key)) direct.push({ key, dev: devOf(key) });
  }
  return direct;
}

// ---------------------------------------------------------------------------------------------
// requirements.txt

const MAX_INCLUDE_DEPTH = 10;

interface Requirement {
  name: string;
  version: string;
  via: string[];
  fromInput: boolean;
}

function parseRequirements(
  input: LockfileInput,
  notes: string[],
  depth: number,
  seen: Set<string>,
): Requirement[] {
  const out: Requirement[] = [];
  let current: Requirement | undefined;
  let inVia = false;
  const lines = input.text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const via = /^\s+#\s+via\b\s*(.*)$/.exec(raw);
    if (via && current) {
      inVia = true;
      if (via[1]) current.via.push(via[1].trim());
      continue;
    }
    const viaMore = /^\s+#\s+(\S.*)$/.exec(raw);
    if (viaMore && inVia && current) {
      current.via.push((viaMore[1] as string).trim());
      continue;
    }
    inVia = false;
    let line = raw.replace(/(^|\s)#.*$/, '').trim();
    const start = i + 1;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      i++;
      line = `${line.slice(0, -1)} ${(lines[i] as string).replace(/(^|\s)#.*$/, '').trim()}`;
    }
    line = line.replace(/\s--hash[=\s]\S+/g, '').trim();
    if (!line) continue;
    const include = /^(?:-r|--requirement)\s*=?\s*(\S+)$/.exec(line);
    if (include) {
      const name = include[1] as string;
      if (depth >= MAX_INCLUDE_DEPTH || seen.has(name)) {
        notes.push(`${input.file}:${start}: include ${name} skipped (cycle or too deep)`);
        continue;
      }
      const text = input.sibling(name);
      if (text === undefined) {
        notes.push(`${input.file}:${start}: included file ${name} not found or outside the project`);
        continue;
      }
      seen.add(name);
      out.push(...parseRequirements({ file: name, text, sibling: input.sibling }, notes, depth + 1, seen));
      continue;
    }
    if (line.startsWith('-')) continue; // --index-url, -c constraints, -e editable installs
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(===?)\s*([^\s;,]+)\s*(?:;.*)?$/.exec(line);
    if (!m) {
      const name = requirementName(line);
      if (name && /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*([<>!~=]=?|;|$)/.test(line)) {
        notes.push(`${input.file}:${start}: ${name} is not pinned with == (skipped)`);
        current = undefined;
        continue;
      }
      throw new UserError(`not a requirement line: ${line.slice(0, 80)}`, {
        file: input.file,
        line: start,
        hint: 'expected name==version, as pip-compile or pip freeze write',
      });
    }
    current = { name: m[1] as string, version: m[3] as string, via: [], fromInput: false };
    out.push(current);
  }
  return out;
}

export const requirementsLockfile: LockfileFormat = {
  id: 'requirements',
  ecosystem: 'PyPI',
  matches: (name) => /^requirements.*\.txt$/.test(name),
  parse(input) {
    const notes: string[] = [];
    const reqs = parseRequirements(input, notes, 0, new Set([input.file]));
    const dev = /dev|test|lint|doc/i.test(input.file);
    const nodes = new Map<string, LockNode>();
    const edges = new Map<string, string[]>();
    const direct: LockGraph['direct'] = [];
    const keyOf = (name: string) => normalizePyPIName(name);
    for (const r of reqs) nodes.set(keyOf(r.name), { name: r.name, version: r.version });
    for (const r of reqs) {
      const parents = r.via.filter((v) => !/^-[rc]\b/.test(v) && !v.startsWith('('));
      if (r.via.length === 0 || r.via.some((v) => /^-[rc]\b|^\(/.test(v)))
        direct.push({ key: keyOf(r.name), dev });
      for (const p of parents) {
        const pk = keyOf(p.replace(/\[.*$/, ''));
        if (nodes.has(pk)) edges.set(pk, [...(edges.get(pk) ?? []), keyOf(r.name)]);
      }
    }
    return { packages: packagesFromGraph('PyPI', { nodes, edges, direct }), notes };
  },
};

// ---------------------------------------------------------------------------------------------
// poetry.lock and uv.lock

function tomlPackages(input: LockfileInput, what: string): Array<Record<string, unknown>> {
  const doc = readTomlFile(input.text, input.file);
  if (!Array.isArray(doc.package)) throw malformed(input.file, `${what} (no [[package]] tables)`);
  return doc.package.filter(isObject);
}

export const poetryLockfile: LockfileFormat = {
  id: 'poetry',
  ecosystem: 'PyPI',
  matches: (name) => name === 'poetry.lock',
  parse(input) {
    const pkgs = tomlPackages(input, 'poetry.lock');
    const nodes = new Map<string, LockNode>();
    const edges = new Map<string, string[]>();
    const devByKey = new Map<string, boolean>();
    for (const p of pkgs) {
      if (typeof p.name !== 'string' || typeof p.version !== 'string')
        throw malformed(input.file, 'poetry.lock (package without name or version)');
      const key = normalizePyPIName(p.name);
      nodes.set(key, { name: p.name, version: p.version });
      const groups = Array.isArray(p.groups)
        ? p.groups.map(String)
        : typeof p.category === 'string'
          ? [p.category]
          : undefined;
      if (groups) devByKey.set(key, !groups.includes('main'));
      edges.set(key, isObject(p.dependencies) ? Object.keys(p.dependencies).map(normalizePyPIName) : []);
    }
    const direct = rootsOf({ nodes, edges }, pyprojectDirect(input), (k) => devByKey.get(k) ?? false);
    return {
      packages: withDevFlags(packagesFromGraph('PyPI', { nodes, edges, direct }), devByKey),
      notes: [],
    };
  },
};

/** Poetry records each package's groups itself; when it does, that wins over reachability. */
function withDevFlags(packages: InstalledPackage[], devByKey: Map<string, boolean>): InstalledPackage[] {
  return packages.map((p) => {
    const dev = devByKey.get(normalizePyPIName(p.name));
    return dev === undefined ? p : { ...p, dev };
  });
}

export const uvLockfile: LockfileFormat = {
  id: 'uv',
  ecosystem: 'PyPI',
  matches: (name) => name === 'uv.lock',
  parse(input) {
    const pkgs = tomlPackages(input, 'uv.lock');
    const nodes = new Map<string, LockNode>();
    const edges = new Map<string, string[]>();
    const direct: LockGraph['direct'] = [];
    const namesOf = (list: unknown) =>
      Array.isArray(list) ? list.filter(isObject).map((d) => normalizePyPIName(String(d.name))) : [];
    for (const p of pkgs) {
      if (typeof p.name !== 'string') throw malformed(input.file, 'uv.lock (package without name)');
      const key = normalizePyPIName(p.name);
      const source = isObject(p.source) ? p.source : {};
      const isProject = source.editable === '.' || source.virtual === '.';
      const optional = isObject(p['optional-dependencies'])
        ? Object.values(p['optional-dependencies']).flatMap(namesOf)
        : [];
      const devDeps = isObject(p['dev-dependencies'])
        ? Object.values(p['dev-dependencies']).flatMap(namesOf)
        : [];
      if (isProject) {
        for (const k of [...namesOf(p.dependencies), ...optional]) direct.push({ key: k, dev: false });
        for (const k of devDeps) direct.push({ key: k, dev: true });
        continue;
      }
      if (typeof p.version !== 'string') continue; // a workspace member without a version
      nodes.set(key, { name: p.name, version: p.version });
      edges.set(key, [...namesOf(p.dependencies), ...optional]);
    }
    return {
      packages: packagesFromGraph('PyPI', {
        nodes,
        edges,
        direct: direct.length ? direct : rootsOf({ nodes, edges }, undefined, () => false),
      }),
      notes: [],
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Pipfile.lock

export const pipfileLockfile: LockfileFormat = {
  id: 'pipfile',
  ecosystem: 'PyPI',
  matches: (name) => name === 'Pipfile.lock',
  parse(input) {
    const data = readJson(input.text, input.file);
    if (!isObject(data) || !isObject(data._meta)) throw malformed(input.file, 'Pipfile.lock (no _meta)');
    const out: InstalledPackage[] = [];
    const notes: string[] = [];
    for (const [section, dev] of [
      ['default', false],
      ['develop', true],
    ] as const) {
      const deps = data[section];
      if (!isObject(deps)) continue;
      for (const [name, entry] of Object.entries(deps)) {
        const pin =
          isObject(entry) && typeof entry.version === 'string'
            ? /^===?(.+)$/.exec(entry.version)?.[1]
            : undefined;
        if (!pin) {
          notes.push(`${input.file}: ${name} has no == version (VCS or path install, skipped)`);
          continue;
        }
        // Pipfile.lock is flat: it does not say which packages the Pipfile named, so all count as direct.
        out.push({ ecosystem: 'PyPI', name, version: pin, direct: true, dev, paths: [[name]] });
      }
    }
    return { packages: mergeDuplicates(out), notes };
  },
};
