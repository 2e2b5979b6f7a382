import { describe, expect, it } from 'vitest';
import { diffSpecs } from '../../src/apicompat/diff.ts';
import { specFromObject } from '../../src/apicompat/load.ts';
import { RULES } from '../../src/apicompat/rules/index.ts';
import { corpus, equivalentPairs } from './corpus.ts';

const NOW = new Date('2026-11-24T00:00:00Z');

async function ids(base: unknown, head: unknown): Promise<string[]> {
  const changes = diffSpecs(await specFromObject(base, 'base'), await specFromObject(head, 'head'), {
    now: NOW,
  });
  return changes.map((c) => c.id).sort();
}

describe('rule corpus: each spec pair yields exactly its rule ids', () => {
  it.each(corpus().map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await ids(c.base, c.head)).toEqual([...c.expected].sort());
  });

  it('covers every rule in the table at least once', () => {
    const covered = new Set(corpus().flatMap((c) => c.expected));
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it('has unique rule ids and at least 60 rules', () => {
    const all = RULES.map((r) => r.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(60);
  });
});

describe('normalisation: equivalent spellings are not changes', () => {
  it.each(equivalentPairs().map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await ids(c.base, c.head)).toEqual([]);
  });
});

describe('re-rated rules (config apiDiff.levels)', () => {
  it('changes a level or turns a rule off', async () => {
    const [c] = corpus().filter((x) => x.name === 'parameter removed');
    if (!c) throw new Error('corpus case missing');
    const base = await specFromObject(c.base, 'base');
    const head = await specFromObject(c.head, 'head');
    expect(diffSpecs(base, head, { now: NOW }).map((x) => x.level)).toEqual(['WARN']);
    expect(
      diffSpecs(base, head, { now: NOW, levels: { 'request-parameter-removed': 'ERR' } }).map((x) => x.level),
    ).toEqual(['ERR']);
    expect(diffSpecs(base, head, { now: NOW, levels: { 'request-parameter-removed': 'none' } })).toEqual([]);
  });
});
