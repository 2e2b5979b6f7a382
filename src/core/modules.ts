import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The path of a module beside the caller, with the caller's own extension: `.ts` when shipgate runs
 * from its sources, `.js` from dist/. Entry points that shipgate starts as processes (the CLI, the
 * built-in router, the keep-old timer) are found this way, never by a hard-coded extension.
 */
export function siblingModule(callerUrl: string, relativeWithoutExtension: string): string {
  const extension = extname(fileURLToPath(callerUrl));
  return fileURLToPath(new URL(`${relativeWithoutExtension}${extension}`, callerUrl));
}
