import type { Environment } from '../core/environment.ts';
import type { Verdict } from '../core/verdict.ts';
import type { DeployStore } from './deploys.ts';
import type { MonitorStore } from './monitoring.ts';
import type { TestResultStore } from './test-results.ts';

/**
 * The history store: every gate run is recorded here, so trends, baselines and the dashboard read
 * from one place. One interface, two engines: SQLite (node:sqlite, the default, one file) and
 * PostgreSQL (a store shared by many CI runners). Both pass the same contract tests.
 */

export interface NewRun {
  kind: string;
  verdict: Verdict;
  summary: string;
  startedAt: Date;
  finishedAt: Date;
  gitCommit?: string;
  gitBranch?: string;
  environment: Environment;
  /** The few numbers trends and dashboards chart (p95_ms, coverage_lines, …). Finite numbers only. */
  figures: Record<string, number>;
  /** Free-form labels: scenario name, target URL, environment name. */
  labels: Record<string, string>;
  /** The full result envelope, redacted. */
  result: unknown;
}

export interface StoredRun extends NewRun {
  id: number;
  recordedAt: Date;
}

export interface RunQuery {
  kind?: string;
  branch?: string;
  /** Runs that started at or after this time. */
  since?: Date;
  /** Only runs whose labels include all of these. */
  labels?: Record<string, string>;
  /** Newest first; at most this many (default 50). */
  limit?: number;
  /** Leave each run's result envelope out (`result` is null): series over thousands of runs need only figures. */
  withoutResult?: boolean;
}

export interface Baseline {
  name: string;
  runId: number;
  /** The kind of the run the baseline points at. */
  kind: string;
  createdAt: Date;
  note?: string;
}

export interface Store {
  /** 'sqlite' or 'postgres'. */
  readonly engine: string;
  /** Where it is, with any password redacted (for messages). */
  readonly location: string;
  recordRun(run: NewRun): Promise<StoredRun>;
  getRun(id: number): Promise<StoredRun | undefined>;
  listRuns(query?: RunQuery): Promise<StoredRun[]>;
  /** Points a named baseline at a run (creating or moving it). */
  setBaseline(name: string, runId: number, note?: string): Promise<Baseline>;
  getBaseline(name: string): Promise<Baseline | undefined>;
  listBaselines(): Promise<Baseline[]>;
  /** True when a baseline of that name existed. */
  deleteBaseline(name: string): Promise<boolean>;
  /** The applied migration version (for `shipgate history` and diagnostics). */
  schemaVersion(): Promise<number>;
  /** Alert states, the notification outbox, silences and monitoring samples (`shipgate monitor`). */
  monitoring(): MonitorStore;
  /** Per-test results of `shipgate tests` runs (flaky tests, duration history). */
  testResults(): TestResultStore;
  /** The deploy journal and per-environment locks (`shipgate deploy`, `rollback`). */
  deploys(): DeployStore;
  close(): Promise<void>;
}
