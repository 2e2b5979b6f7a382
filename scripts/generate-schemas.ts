// Regenerates schemas/<kind>.v<N>.schema.json from the zod schemas of every result kind.
// Run after changing a kind: `npm run schemas`. A test fails when schemas/ is out of date.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSchemaOf, schemaFileName } from '../src/core/schemas.ts';
import { registeredKinds } from '../src/kinds.ts';

const dir = join(import.meta.dirname, '..', 'schemas');
const wanted = new Set<string>();
for (const def of registeredKinds()) {
  const file = schemaFileName(def);
  wanted.add(file);
  writeFileSync(join(dir, file), `${JSON.stringify(jsonSchemaOf(def), null, 2)}\n`);
}
for (const file of readdirSync(dir))
  if (file.endsWith('.schema.json') && !wanted.has(file)) rmSync(join(dir, file));
console.log(`wrote ${wanted.size} schemas to schemas/`);
