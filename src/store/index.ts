export type { Migration } from './migrations.ts';
export { latestSchemaVersion, MIGRATIONS } from './migrations.ts';
export type { OpenStoreOptions, StoreEngine } from './open.ts';
export {
  DEFAULT_STORE_PATH,
  openStore,
  resolveStoreLocation,
  STORE_ENGINES,
  storeEngineFor,
} from './open.ts';
export { DEFAULT_RUN_LIMIT } from './records.ts';
export type { Baseline, NewRun, RunQuery, Store, StoredRun } from './store.ts';
