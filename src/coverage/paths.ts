import { existsSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { UserError } from '../core/errors.ts';

/**
 * Maps the paths a report wrote (absolute CI paths, other checkouts, Windows separators, paths
 * relative to a Cobertura `<source>`) onto paths relative to the repository root, so shards from
 * different machines merge and the diff, the HTML sources and annotations line up.
 */
export interface MappedPath {
  path: string;
  /** False when no file of that path exists under the root: the report is from another tree. */
  found: boolean;
}

export interface PathMapper {
  map(raw: string, roots?: string[]): MappedPath;
}

/** `--path-map FROM=TO`: a prefix the report wrote, replaced by a prefix in this repository. */
export function parsePathMap(spec: string): [string, string] {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UserError(`--path-map '${spec}' is not FROM=TO`, { hint: 'e.g. /ci/build/app=.' });
  return [toSlashes(spec.slice(0, eq)), toSlashes(spec.slice(eq + 1))];
}

function toSlashes(p: string): string {
  return p.replaceAll('\\', '/');
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:\//.test(p);
}

export function createPathMapper(root: string, prefixes: Array<[string, string]> = []): PathMapper {
  const base = toSlashes(root).replace(/\/+$/, '');
  const exists = new Map<string, boolean>();
  const isFile = (rel: string): boolean => {
    let hit = exists.get(rel);
    if (hit === undefined) {
      try {
        hit = statSync(`${base}/${rel}`).isFile();
      } catch {
        hit = false;
      }
      exists.set(rel, hit);
    }
    return hit;
  };
  /** The repository-relative form of a path, or undefined when it lies outside the root. */
  const inside = (p: string): string | undefined => {
    if (isAbsolute(p)) {
      if (p.startsWith(`${base}/`)) return posix.normalize(p.slice(base.length + 1));
      return undefined;
    }
    const rel = posix.normalize(p);
    return rel === '..' || rel.startsWith('../') ? undefined : rel.replace(/^\.\//, '');
  };
  const cache = new Map<string, MappedPath>();

  return {
    map(raw, roots = []) {
      const key = `${raw}\n${roots.join('\n')}`;
      const cached = cache.get(key);
      if (cached) return cached;
      let p = toSlashes(raw.trim());
      for (const [from, to] of prefixes) {
        if (p === from || p.startsWith(from.endsWith('/') ? from : `${from}/`)) {
          p = posix.join(to, p.slice(from.length));
          break;
        }
      }
      const candidates = isAbsolute(p) ? [p] : [...roots.map((r) => posix.join(toSlashes(r), p)), p];
      let result: MappedPath | undefined;
      for (const c of candidates) {
        const rel = inside(c);
        if (rel !== undefined && isFile(rel)) {
          result = { path: rel, found: true };
          break;
        }
      }
      // Another machine's checkout: the longest tail of the path that names a file here.
      if (!result) {
        for (const c of candidates) {
          const parts = posix
            .normalize(c)
            .split('/')
            .filter((s) => s && s !== '.' && s !== '..');
          for (let i = 1; i < parts.length && !result; i++) {
            const tail = parts.slice(i).join('/');
            if (isFile(tail)) result = { path: tail, found: true };
          }
          if (result) break;
        }
      }
      if (!result) {
        const rel = candidates.map(inside).find((r) => r !== undefined);
        result = { path: rel ?? posix.normalize(p), found: false };
      }
      cache.set(key, result);
      return result;
    },
  };
}

/** True when `dir` exists and is a folder (for `--root`). */
export function isDirectory(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory();
}
