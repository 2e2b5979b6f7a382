/**
 * The report's sections: which run kinds each shows and which of their figures it charts first.
 * A kind no section names lands in "Other gates" with its figures charted as they are, so a
 * capability that starts recording runs shows up without a change here.
 */
export interface SectionDefinition {
  id: string;
  title: string;
  kinds: readonly string[];
  /** Figures charted first, in this order; others follow up to MAX_CHARTS_PER_GROUP. */
  metrics: readonly string[];
  /** Shown as a timeline of runs (deploys, rollbacks) rather than only as charts. */
  timeline?: boolean;
}

export const SECTIONS: readonly SectionDefinition[] = [
  {
    id: 'performance',
    title: 'Performance',
    kinds: ['load', 'stress', 'endurance', 'compare', 'baseline'],
    metrics: ['p95_ms', 'p99_ms', 'p50_ms', 'rps', 'error_rate'],
  },
  {
    id: 'coverage',
    title: 'Coverage',
    kinds: ['coverage'],
    metrics: ['coverage_lines', 'coverage_branches', 'coverage_functions'],
  },
  {
    id: 'tests',
    title: 'Tests',
    kinds: ['tests'],
    metrics: ['pass_rate', 'executed', 'duration_ms', 'flaky'],
  },
  {
    id: 'deploys',
    title: 'Deploys and rollbacks',
    kinds: ['deploy', 'rollback', 'staging', 'staging-deploy', 'staging-validate'],
    metrics: ['duration_ms', 'switch_ms', 'failed_requests'],
    timeline: true,
  },
  {
    id: 'monitoring',
    title: 'Monitoring and alerts',
    kinds: ['monitor', 'alerts'],
    metrics: ['firing', 'failing_checks'],
  },
  {
    id: 'security',
    title: 'Dependencies and API',
    kinds: ['audit', 'api-diff', 'dependabot', 'matrix'],
    metrics: [],
  },
];

/** Kinds that describe shipgate's own bookkeeping rather than the service: never charted. */
export const UNCHARTED_KINDS: readonly string[] = [
  'history',
  'config',
  'init',
  'report',
  'trend',
  'calibrate',
];

export const OTHER_SECTION: SectionDefinition = { id: 'other', title: 'Other gates', kinds: [], metrics: [] };

export const MAX_CHARTS_PER_GROUP = 4;

export function sectionOf(kind: string): SectionDefinition {
  return SECTIONS.find((s) => s.kinds.includes(kind)) ?? OTHER_SECTION;
}
