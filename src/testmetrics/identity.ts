import { createHash } from 'node:crypto';
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A test's identity is (file, suite path, name) — what a person would use to find it — and never
 * its position in a report, so reordering, sharding and adding tests leave ids unchanged. The id
 * is a short hash of that triple; the key is the same triple in words.
 */
export function testIdentity(
  file: string | undefined,
  suite: readonly string[],
  name: string,
): { id: string; key: string } {
  const key = [...(file ? [file] : []), ...suite, name].join(' › ');
  const id = createHash('sha256')
    .update(JSON.stringify([file ?? '', suite, name]))
    .digest('hex')
    .slice(0, 16);
  return { id, key };
}

/**
 * Makes a reported file path machine independent: a `file://` URL becomes a path, and a path under
 * `root` (the project folder) becomes relative to it, so a CI runner and a laptop agree on ids.
 */
export function normaliseFile(file: string, root: string): string {
  let path = file;
  if (path.startsWith('file://')) {
    try {
      path = fileURLToPath(path);
    } catch {
      // keep it as written
    }
  }
  if (isAbsolute(path)) {
    const rel = relative(root, path);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) path = rel;
  }
  // reports written on Windows use backslashes; ids must not depend on the OS that wrote them
  return path.split(sep).join('/').replaceAll('\\', '/').replace(/^\.\//, '');
}
