import { siblingModule } from '../core/modules.ts';

/** The shipgate executable beside the demo, in src/ (.ts) or dist/ (.js): stages start services through it. */
export function cliEntry(): string {
  return siblingModule(import.meta.url, '../cli/main');
}
