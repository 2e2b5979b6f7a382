import type { Command } from 'commander';
import { registerAlerts } from './alerts.ts';
import { registerApiDiff } from './api-diff.ts';
import { registerAudit } from './audit.ts';
import { registerBaseline } from './baseline.ts';
import { registerCalibrate } from './calibrate.ts';
import { registerCompare } from './compare.ts';
import { registerConfig } from './config.ts';
import { registerCoverage } from './coverage.ts';
import { registerDashboard } from './dashboard.ts';
import { registerDemo } from './demo.ts';
import { registerDependabot } from './dependabot.ts';
import { registerDeploy } from './deploy.ts';
import { registerEndurance } from './endurance.ts';
import { registerHistory } from './history.ts';
import { registerInit } from './init.ts';
import { registerLoad } from './load.ts';
import { registerMatrix } from './matrix.ts';
import { registerMonitor } from './monitor.ts';
import { registerNotify } from './notify.ts';
import { registerPipeline } from './pipeline.ts';
import { registerReport } from './report.ts';
import { registerRollback } from './rollback.ts';
import { registerSampleService } from './sample-service.ts';
import { registerStaging } from './staging.ts';
import { registerStress } from './stress.ts';
import { registerTests } from './tests.ts';
import { registerTrend } from './trend.ts';

/** Every command, in the order `shipgate --help` lists them. Adding a command is one module and one row. */
export const COMMANDS: Array<(program: Command) => void> = [
  registerDemo,
  registerLoad,
  registerStress,
  registerEndurance,
  registerBaseline,
  registerCompare,
  registerTrend,
  registerCalibrate,
  registerCoverage,
  registerTests,
  registerAudit,
  registerDependabot,
  registerMatrix,
  registerApiDiff,
  registerDeploy,
  registerRollback,
  registerStaging,
  registerMonitor,
  registerAlerts,
  registerNotify,
  registerReport,
  registerDashboard,
  registerInit,
  registerPipeline,
  registerConfig,
  registerHistory,
  registerSampleService,
];
