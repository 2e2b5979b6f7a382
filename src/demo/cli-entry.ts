import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shipgate executable beside the demo, in src/ (.ts) or dist/ (.js): stages start services through it. */
export function cliEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return join(here, '..', '..', 'cli', `main${extname(here)}`);
}
