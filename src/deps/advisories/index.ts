import { npmBulkSource } from './npm-bulk.ts';
import { osvApiSource } from './osv-api.ts';
import { osvDbSource } from './osv-db.ts';
import type { AdvisorySource } from './source.ts';

/** Every advisory source. A new source is one module and one row. */
export const ADVISORY_SOURCES: readonly AdvisorySource[] = [osvDbSource, osvApiSource, npmBulkSource];

export const SOURCE_IDS = ADVISORY_SOURCES.map((s) => s.id);

export function advisorySource(id: string): AdvisorySource | undefined {
  return ADVISORY_SOURCES.find((s) => s.id === id);
}
