import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The templates/ folder shipped with the package: two levels above this module in src/, three in
 * dist/src/ (the build keeps the tree), so both a checkout and an installed package find it.
 */
export function templatesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', '..', 'templates'), join(here, '..', '..', '..', 'templates')];
  const found = candidates.find((dir) => existsSync(join(dir, 'shipgate.config.yaml')));
  if (!found) throw new Error(`shipgate's templates/ folder is missing (looked in ${candidates.join(', ')})`);
  return found;
}
