import { z } from 'zod';
import { type Environment, environmentFingerprint } from './environment.ts';
import { redactDeep } from './redact.ts';
import { VERDICTS, type Verdict } from './verdict.ts';
import { TOOL_NAME, TOOL_VERSION } from './version.ts';

/**
 * The result envelope every command writes with `--json FILE`:
 * `{schema: "shipgate/<kind>@1", tool, kind, verdict, summary, startedAt, finishedAt, environment, …}`
 * plus the kind's own fields. Each kind declares its fields once with `defineKind`; the same zod
 * schema validates in tests and is published as JSON Schema under schemas/.
 */
export const verdictSchema = z.enum(VERDICTS);

export const environmentSchema = z.object({
  os: z.string(),
  osRelease: z.string(),
  arch: z.string(),
  cpuModel: z.string(),
  cpuCount: z.number().int(),
  memoryBytes: z.number(),
  node: z.string(),
  shipgate: z.string(),
  host: z.string(),
  ci: z.boolean(),
  git: z
    .object({ commit: z.string().optional(), branch: z.string().optional(), dirty: z.boolean().optional() })
    .optional(),
}) satisfies z.ZodType<Environment>;

export const baseEnvelopeShape = {
  schema: z.string().regex(/^shipgate\/[a-z0-9-]+@\d+$/),
  tool: z.object({ name: z.literal('shipgate'), version: z.string() }),
  kind: z.string(),
  verdict: verdictSchema,
  summary: z.string(),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }),
  environment: environmentSchema,
  /** Short messages a reader should see even when the verdict passes. */
  warnings: z.array(z.string()).optional(),
  /** Id of the run in the history store, when recorded. */
  runId: z.number().int().optional(),
};

export interface KindDefinition<K extends string, S extends z.ZodRawShape> {
  kind: K;
  version: number;
  schemaId: string;
  /** Zod schema of the whole envelope of this kind. */
  schema: z.ZodObject<typeof baseEnvelopeShape & S & { schema: z.ZodLiteral<string>; kind: z.ZodLiteral<K> }>;
  /** Zod schema of the kind's own fields. */
  fields: z.ZodObject<S>;
}

const registry = new Map<string, KindDefinition<string, z.ZodRawShape>>();

/** Declares a result kind. Called once per kind at module load; the registry feeds schema generation. */
export function defineKind<K extends string, S extends z.ZodRawShape>(
  kind: K,
  fields: S,
  version = 1,
): KindDefinition<K, S> {
  const fieldsSchema = z.object(fields);
  const schemaId = `shipgate/${kind}@${version}`;
  const schema = z
    .object({ ...baseEnvelopeShape, ...fields, schema: z.literal(schemaId), kind: z.literal(kind) })
    .describe(`shipgate ${kind} result`) as KindDefinition<K, S>['schema'];
  const def: KindDefinition<K, S> = {
    kind,
    version,
    schemaId,
    schema,
    fields: fieldsSchema,
  };
  registry.set(kind, def as unknown as KindDefinition<string, z.ZodRawShape>);
  return def;
}

export function registeredKinds(): KindDefinition<string, z.ZodRawShape>[] {
  return [...registry.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}

export type Envelope<S extends z.ZodRawShape = z.ZodRawShape> = {
  schema: string;
  tool: { name: 'shipgate'; version: string };
  kind: string;
  verdict: Verdict;
  summary: string;
  startedAt: string;
  finishedAt: string;
  environment: Environment;
  warnings?: string[];
  runId?: number;
} & z.infer<z.ZodObject<S>>;

export interface EnvelopeInput<S extends z.ZodRawShape> {
  verdict: Verdict;
  summary: string;
  startedAt: Date;
  finishedAt?: Date;
  warnings?: string[];
  fields: z.infer<z.ZodObject<S>>;
}

/** Builds a redacted envelope of a kind. Secrets never reach a result file. */
export function makeEnvelope<K extends string, S extends z.ZodRawShape>(
  def: KindDefinition<K, S>,
  input: EnvelopeInput<S>,
): Envelope<S> {
  const envelope = {
    schema: def.schemaId,
    tool: { name: TOOL_NAME as 'shipgate', version: TOOL_VERSION },
    kind: def.kind,
    verdict: input.verdict,
    summary: input.summary,
    startedAt: input.startedAt.toISOString(),
    finishedAt: (input.finishedAt ?? new Date()).toISOString(),
    environment: environmentFingerprint(),
    ...(input.warnings && input.warnings.length > 0 ? { warnings: input.warnings } : {}),
    ...input.fields,
  };
  return redactDeep(envelope) as Envelope<S>;
}
