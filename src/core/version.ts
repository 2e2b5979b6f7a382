import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** shipgate's own package.json, found by walking up from this module (works from src/ and dist/). */
function findPackageJson(): { name: string; version: string; root: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'shipgate' && pkg.version) return { name: pkg.name, version: pkg.version, root: dir };
    } catch {
      // not here; keep walking
    }
    const up = dirname(dir);
    if (up === dir) return { name: 'shipgate', version: '0.0.0', root: dir };
    dir = up;
  }
}

const pkg = findPackageJson();
export const TOOL_NAME = pkg.name;
export const TOOL_VERSION = pkg.version;
/** The package root: where schemas/ and templates/ live. */
export const PACKAGE_ROOT = pkg.root;
