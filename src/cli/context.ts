import type { Command } from 'commander';
import type { LoadedConfig } from '../config/index.ts';
import { isCI } from '../core/environment.ts';
import { createLogger, type Logger } from '../core/log.ts';
import { createProgress, type Progress, progressMode } from '../core/progress.ts';
import { colorWanted, makeStyle, type Style } from '../core/style.ts';
import type { Store } from '../store/store.ts';

/** The global flags every command accepts. */
export interface GlobalOptions {
  config?: string;
  store?: string;
  json?: string;
  format: OutputFormat;
  debug: boolean;
  color: boolean;
  quiet: boolean;
}

export const OUTPUT_FORMATS = ['text', 'markdown', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * What a command gets to work with. Config and store are opened lazily: `--help`, the sample
 * service and commands that need neither never touch them.
 */
export interface CommandContext {
  readonly options: GlobalOptions;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Logger;
  readonly progress: Progress;
  /** Style for stdout (colour only on a TTY, never under NO_COLOR or --no-color). */
  readonly style: Style;
  config(): Promise<LoadedConfig>;
  store(): Promise<Store>;
  /** The store to use when neither --store, SHIPGATE_STORE nor the config names one (the demo keeps its own). */
  defaultStore(location: string): void;
  close(): Promise<void>;
}

export function createContext(
  command: Command,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): CommandContext {
  const merged = command.optsWithGlobals<Partial<GlobalOptions>>();
  const options: GlobalOptions = {
    ...merged,
    format: merged.format ?? 'text',
    debug: merged.debug ?? false,
    color: merged.color ?? true,
    quiet: merged.quiet ?? false,
  };
  const errStyle = makeStyle(colorWanted(process.stderr, env, !options.color));
  const log = createLogger({
    level: options.debug ? 'debug' : options.quiet ? 'warn' : 'info',
    style: errStyle,
  });
  let config: Promise<LoadedConfig> | undefined;
  let store: Promise<Store> | undefined;
  let fallbackStore: string | undefined;
  const ctx: CommandContext = {
    options,
    cwd,
    env,
    log,
    progress: createProgress({ mode: progressMode(process.stderr, options.quiet, isCI(env)) }),
    style: makeStyle(colorWanted(process.stdout, env, !options.color)),
    config() {
      // Loaded on first use: --help, --version and the sample service never pay for zod and yaml.
      config ??= (async () => {
        const { loadConfig } = await import('../config/index.ts');
        const loaded = await loadConfig({ ...(options.config ? { file: options.config } : {}), cwd, env });
        for (const w of loaded.warnings) log.warn(w);
        return loaded;
      })();
      return config;
    },
    async store() {
      if (!store) {
        const fromConfig =
          options.store || env.SHIPGATE_STORE ? undefined : (await ctx.config()).config.store.url;
        const { openStore } = await import('../store/index.ts');
        store = openStore(options.store ?? fromConfig ?? fallbackStore, { cwd, env });
      }
      return store;
    },
    defaultStore(location) {
      fallbackStore = location;
    },
    async close() {
      if (store) await (await store.catch(() => undefined))?.close();
    },
  };
  return ctx;
}
