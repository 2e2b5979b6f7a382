import { z } from 'zod';
import type { KindDefinition } from './envelope.ts';

/** The published JSON Schema (draft 2020-12) of one result kind, generated from its zod schema. */
export function jsonSchemaOf(def: KindDefinition<string, z.ZodRawShape>): Record<string, unknown> {
  const schema = z.toJSONSchema(def.schema, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return { $id: `${def.schemaId}`, title: `shipgate ${def.kind} result, version ${def.version}`, ...schema };
}

export function schemaFileName(def: KindDefinition<string, z.ZodRawShape>): string {
  return `${def.kind}.v${def.version}.schema.json`;
}
