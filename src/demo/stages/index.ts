import type { DemoStage } from '../stage.ts';
import { apiDiffStage } from './api-diff.ts';
import { auditStage } from './audit.ts';
import { compareStage } from './compare.ts';
import { configStage } from './config.ts';
import { coverageStage } from './coverage.ts';
import { deployStage } from './deploy.ts';
import { loadStage, stressStage } from './load.ts';
import { monitorStage } from './monitor.ts';
import { reportStage } from './report.ts';
import { smokeStage } from './smoke.ts';
import { testsStage } from './tests.ts';

/** The capabilities the demo exercises, in order. Each capability adds its stage here. */
export const DEMO_STAGES: readonly DemoStage[] = [
  configStage,
  smokeStage,
  loadStage,
  stressStage,
  compareStage,
  testsStage,
  coverageStage,
  auditStage,
  apiDiffStage,
  monitorStage,
  deployStage,
  reportStage,
];
