import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * uPlot (MIT, ~50 kB minified, no dependencies) drawn into the page itself: the report opens from a
 * file:// URL or an email attachment with no network, and the dashboard serves no third-party assets.
 */
let cached: { js: string; css: string } | undefined;

export function chartLibrary(): { js: string; css: string } {
  if (!cached) {
    const require = createRequire(import.meta.url);
    cached = {
      js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return cached;
}
