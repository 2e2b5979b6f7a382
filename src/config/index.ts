export { displayConfig, formatDurationValue, formatSizeValue } from './display.ts';
export {
  type AppliedOverride,
  applyEnvOverrides,
  ENV_OVERRIDES,
  type EnvOverride,
  registerSecretValue,
  registerUrlCredentials,
} from './env.ts';
export {
  CONFIG_CANDIDATES,
  ConfigError,
  type ConfigFormat,
  type ConfigProblem,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
  parseConfigText,
} from './load.ts';
export {
  type Config,
  type ConfigInput,
  configSchema,
  defaultConfig,
  type FieldMeta,
  fieldMeta,
  formatPath,
  joinUrl,
} from './schema.ts';
export {
  convertSeed,
  detectFormat,
  SEED_MAPPINGS,
  type SeedConfig,
  type SeedMapping,
  seedSchema,
} from './seed.ts';
