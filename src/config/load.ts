import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { fileError } from '../core/errors.ts';
import { isSecretKey, registerSecret } from '../core/redact.ts';
import { type AppliedOverride, applyEnvOverrides, registerUrlCredentials } from './env.ts';
import {
  type Config,
  configObjectSchema,
  configSchema,
  defaultConfig,
  describeValue,
  formatPath,
  schemaAt,
  unwrap,
} from './schema.ts';
import { convertSeed, detectFormat, seedPathFor, seedSchema } from './seed.ts';
import {
  type ParsedSource,
  parseJson,
  parseYaml,
  problemsFrom,
  SourceError,
  type SourceProblem,
  syntaxOf,
} from './source.ts';

/** Config files report problems like any validated file; the names are kept for existing callers. */
export { SourceError as ConfigError, type SourceProblem as ConfigProblem };

export type ConfigFormat = 'yaml' | 'json' | 'seed-json' | 'defaults';

export interface LoadedConfig {
  config: Config;
  /** The file read, as the user named it or relative to cwd when discovered; absent for defaults. */
  file?: string;
  format: ConfigFormat;
  overrides: AppliedOverride[];
  warnings: string[];
}

export interface LoadConfigOptions {
  /** An explicit file (relative to cwd); it must exist. Without it the file is discovered. */
  file?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Looked for in this order when no file is named; the seed's file is the fallback. */
export const CONFIG_CANDIDATES = [
  'shipgate.config.yaml',
  'shipgate.config.yml',
  'shipgate.config.json',
  'performance_config.json',
  'config/performance_config.json',
] as const;

export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const found = options.file
    ? { path: resolve(cwd, options.file), shown: options.file }
    : await discover(cwd);

  let loaded: Omit<LoadedConfig, 'overrides'>;
  if (!found) {
    loaded = { config: defaultConfig(), format: 'defaults', warnings: [] };
  } else {
    let text: string;
    try {
      text = await readFile(found.path, 'utf8');
    } catch (e) {
      throw fileError(found.shown, e);
    }
    // Editors on Windows may save a byte-order mark, which JSON.parse refuses.
    loaded = parseConfigText(text.replace(/^\uFEFF/, ''), found.shown);
  }

  const { config, applied } = applyEnvOverrides(loaded.config, env);
  registerSecretsIn(configSchema, config);
  return { ...loaded, config, overrides: applied };
}

async function discover(cwd: string): Promise<{ path: string; shown: string } | undefined> {
  for (const candidate of CONFIG_CANDIDATES) {
    const path = join(cwd, candidate);
    try {
      if ((await stat(path)).isFile()) return { path, shown: candidate };
    } catch {
      // Not there: try the next name.
    }
  }
  return undefined;
}

/**
 * Parses and validates config text. `file` is only used in messages (and its extension picks
 * JSON or YAML syntax); the seed's format is recognised by its keys.
 */
export function parseConfigText(text: string, file: string): Omit<LoadedConfig, 'overrides'> {
  const syntax = syntaxOf(file, text);
  const shown = file;
  const source = syntax === 'json' ? parseJson(text, shown) : parseYaml(text, shown);
  const warnings = source.warnings.map((w) => `${shown}${w.line ? `:${w.line}` : ''}: ${w.message}`);

  if (source.data === null || source.data === undefined) {
    warnings.push(`${shown}: the file has no settings; using the defaults`);
    return { config: defaultConfig(), file: shown, format: syntax, warnings };
  }
  if (typeof source.data !== 'object' || Array.isArray(source.data)) {
    throw new SourceError(shown, [
      {
        path: '',
        message: `expected a mapping of sections (service, load, thresholds, …) at the top level, got ${describeValue(source.data)}`,
        line: source.locate([]),
      },
    ]);
  }

  const data = { ...(source.data as Record<string, unknown>) };
  // Editors' JSON-schema hint; harmless, so it is accepted rather than reported as unknown.
  delete data.$schema;

  const { seedKeys, shipgateKeys } = detectFormat(data);
  if (seedKeys.length > 0 && shipgateKeys.length > 0) {
    throw new SourceError(shown, [
      {
        path: seedKeys[0] as string,
        message: `mixes keys of the seed's performance_config.json (${seedKeys.join(', ')}) with shipgate settings (${shipgateKeys.join(', ')})`,
        line: source.locate((seedKeys[0] as string).split('.')),
        hint: 'use one format per file',
      },
    ]);
  }
  if (seedKeys.length > 0) return loadSeed(data, source, shown, warnings);

  registerSecretsIn(configSchema, data);
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    throw new SourceError(
      shown,
      problemsFrom(parsed.error.issues, { data, locate: source.locate, schema: configObjectSchema }),
    );
  }
  return { config: parsed.data, file: shown, format: syntax, warnings };
}

function loadSeed(
  data: Record<string, unknown>,
  source: ParsedSource,
  shown: string,
  warnings: string[],
): Omit<LoadedConfig, 'overrides'> {
  registerSecretsIn(seedSchema, data);
  const converted = convertSeed(data);
  if (!converted.ok) {
    throw new SourceError(
      shown,
      problemsFrom(converted.issues, { data, locate: source.locate, schema: seedSchema }),
    );
  }
  for (const path of converted.unknownKeys) {
    const line = source.locate(path);
    warnings.push(
      `${shown}${line ? `:${line}` : ''}: unknown key '${formatPath(path)}' ignored (not a performance_config.json setting)`,
    );
  }
  const parsed = configSchema.safeParse(converted.input);
  if (!parsed.success) {
    throw new SourceError(
      shown,
      problemsFrom(parsed.error.issues, {
        data,
        locate: source.locate,
        schema: seedSchema,
        mapPath: (path) => seedPathFor(path) ?? path,
      }),
    );
  }
  return { config: parsed.data, file: shown, format: 'seed-json', warnings };
}

// ---------------------------------------------------------------------------------------------

/**
 * Registers every secret in config-shaped data: fields the schema marks secret, keys named like
 * secrets (the seed's `email_password`, `monitoring_api_key`), and passwords inside any URL.
 * Run on the raw file before validation too, so an error message can't be the first leak.
 */
function registerSecretsIn(schema: z.ZodType | undefined, value: unknown, key?: string): void {
  if (typeof value === 'string') {
    const meta = schema ? unwrap(schema).meta : {};
    if (meta.secret === 'value' || (key !== undefined && isSecretKey(key))) registerSecret(value);
    if (value.includes('://')) registerUrlCredentials(value);
    return;
  }
  if (Array.isArray(value)) {
    const element = schema ? schemaAt(schema, [0]) : undefined;
    for (const item of value) registerSecretsIn(element, item, key);
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value))
      registerSecretsIn(schema ? schemaAt(schema, [k]) : undefined, v, k);
  }
}
