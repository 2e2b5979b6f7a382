import { isAbsolute, resolve } from 'node:path';
import type { Store } from './store.ts';

/**
 * Where the history store is and which engine opens it. Engines are rows in a table: adding one
 * (say, a libSQL URL) is a new row, and nothing else switches on the location's shape. Each engine
 * module is imported only when used, so a SQLite user never loads the PostgreSQL driver.
 */

export interface StoreEngine {
  /** 'sqlite', 'postgres', … — the `Store.engine` of what `open` returns. */
  readonly engine: string;
  matches(location: string): boolean;
  /** Makes a location independent of the working directory (a relative file path); omitted for URLs. */
  resolve?(location: string, cwd: string): string;
  open(location: string): Promise<Store>;
}

export const DEFAULT_STORE_PATH = '.shipgate/shipgate.db';

export const STORE_ENGINES: readonly StoreEngine[] = [
  {
    engine: 'postgres',
    matches: (location) => /^postgres(?:ql)?:\/\//i.test(location),
    open: async (location) => (await import('./postgres.ts')).openPostgresStore(location),
  },
  {
    // last: anything that is not a URL of another engine is a SQLite file path
    engine: 'sqlite',
    matches: () => true,
    resolve: (location, cwd) =>
      location === ':memory:' || isAbsolute(location) ? location : resolve(cwd, location),
    open: async (location) => (await import('./sqlite.ts')).openSqliteStore(location),
  },
];

export interface OpenStoreOptions {
  /** Base for a relative SQLite path (default: process.cwd()). */
  cwd?: string;
  /** Where SHIPGATE_STORE is read from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export function storeEngineFor(location: string): StoreEngine {
  const engine = STORE_ENGINES.find((e) => e.matches(location));
  if (!engine) throw new Error(`no store engine accepts ${location}`);
  return engine;
}

/**
 * The store location in force: the explicit one (a --store flag or config value), else
 * SHIPGATE_STORE, else `.shipgate/shipgate.db` under cwd. Relative file paths come back absolute.
 */
export function resolveStoreLocation(location?: string, options: OpenStoreOptions = {}): string {
  const env = options.env ?? process.env;
  const chosen = nonEmpty(location) ?? nonEmpty(env.SHIPGATE_STORE) ?? DEFAULT_STORE_PATH;
  const engine = storeEngineFor(chosen);
  return engine.resolve ? engine.resolve(chosen, options.cwd ?? process.cwd()) : chosen;
}

/** Opens (creating and migrating when needed) the store at `resolveStoreLocation(location, options)`. */
export async function openStore(location?: string, options: OpenStoreOptions = {}): Promise<Store> {
  const resolved = resolveStoreLocation(location, options);
  return storeEngineFor(resolved).open(resolved);
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}
