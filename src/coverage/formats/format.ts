import type { CoverageData } from '../model.ts';

/**
 * One coverage report format. Adapters read into the common model with the paths exactly as the
 * report wrote them; mapping onto repository paths happens afterwards, once, for every format.
 */
export interface CoverageFormat {
  id: string;
  /** What people call it, for messages and the report header. */
  label: string;
  /** Recognises the format from the start of the file (already checked to be text). */
  sniff(head: string): boolean;
  /** Reads a whole report; bad content throws a UserError naming `display` and the line. */
  read(file: string, display: string): Promise<ParsedReport>;
}

export interface ParsedReport {
  data: CoverageData;
  /** Folders the report says its relative paths are relative to (Cobertura `<source>`). */
  roots: string[];
}
