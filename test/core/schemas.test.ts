import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeEnvelope } from '../../src/core/envelope.ts';
import { jsonSchemaOf, schemaFileName } from '../../src/core/schemas.ts';
import { registeredKinds } from '../../src/kinds.ts';
import { historyKind } from '../../src/store/result.ts';
import { ROOT, validateEnvelope } from '../helpers/cli.ts';

describe('published schemas', () => {
  it('exist for every result kind and match the zod schemas (run `npm run schemas` after changing a kind)', () => {
    const kinds = registeredKinds();
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['config', 'demo', 'history']));
    for (const def of kinds) {
      const published = JSON.parse(readFileSync(join(ROOT, 'schemas', schemaFileName(def)), 'utf8'));
      expect(published, def.kind).toEqual(jsonSchemaOf(def));
    }
    const files = readdirSync(join(ROOT, 'schemas')).filter((f) => f.endsWith('.schema.json'));
    expect(files.sort()).toEqual(kinds.map(schemaFileName).sort());
  });

  it('accept a real envelope and reject a broken one', () => {
    const envelope = makeEnvelope(historyKind, {
      verdict: 'pass',
      summary: '0 runs',
      startedAt: new Date(),
      fields: { store: { engine: 'sqlite', location: 'x.db', schemaVersion: 1 }, runs: [] },
    });
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope.schema).toBe('shipgate/history@1');
    expect(validateEnvelope({ ...envelope, verdict: 'maybe' }).join()).toMatch(/verdict/);
    expect(validateEnvelope({ ...envelope, schema: 'shipgate/demo@1' }).join()).toMatch(/schema/);
    const { summary: _s, ...noSummary } = envelope;
    expect(validateEnvelope(noSummary).join()).toMatch(/summary/);
  });
});
