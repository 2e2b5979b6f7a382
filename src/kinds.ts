/**
 * Imports every module that declares a result kind, so the registry is complete for schema
 * generation and the schema tests. A new kind adds its module here.
 */
import './config/result.ts';
import './store/result.ts';
import './demo/result.ts';
import './load/result.ts';
import './perf/result.ts';
import './apicompat/result.ts';
import './coverage/result.ts';
import './testmetrics/result.ts';
import './deps/result.ts';
import './monitor/result.ts';
import './deploy/result.ts';
import './pipeline/result.ts';
import './dashboard/result.ts';

export { registeredKinds } from './core/envelope.ts';
