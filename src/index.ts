/**
 * shipgate as a library: the same pieces the CLI is built from, for scripts and other tools.
 *
 *   import { loadConfig, openStore, startSampleService } from 'shipgate';
 */

export type { SampleServiceOptions } from '../examples/sample-service/options.ts';
export { type RunningSampleService, startSampleService } from '../examples/sample-service/server.ts';
export { type Config, defaultConfig, displayConfig, type LoadedConfig, loadConfig } from './config/index.ts';
export { type ServiceProcess, spawnService } from './core/child.ts';
export { defineKind, type Envelope, makeEnvelope, registeredKinds } from './core/envelope.ts';
export { type Environment, environmentFingerprint, gitInfo } from './core/environment.ts';
export { isUserError, UserError } from './core/errors.ts';
export { type HttpResult, httpExchange } from './core/http.ts';
export { redact, redactDeep, registerSecret } from './core/redact.ts';
export {
  formatBytes,
  formatDuration,
  formatLatencyUs,
  parseDuration,
  parsePercent,
  parseRate,
  parseSize,
} from './core/units.ts';
export { EXIT, exitCodeFor, type Verdict, worstVerdict } from './core/verdict.ts';
export { TOOL_VERSION } from './core/version.ts';
export { type DemoRun, runDemo } from './demo/run.ts';
export type { Block, ReportDocument } from './report/document.ts';
export { renderHtml } from './report/html.ts';
export { renderMarkdown } from './report/markdown.ts';
export { renderText } from './report/text.ts';
export {
  type Baseline,
  type NewRun,
  openStore,
  type RunQuery,
  type Store,
  type StoredRun,
} from './store/index.ts';
