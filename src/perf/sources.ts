import { readFileSync } from 'node:fs';
import { UserError } from '../core/errors.ts';
import { loadKind } from '../load/result.ts';
import type { Store } from '../store/store.ts';
import type { LoadEnvelope } from './metrics.ts';

/** A load result found by what the user typed, and where it came from. */
export interface ResolvedResult {
  ref: string;
  result: LoadEnvelope;
  runId?: number;
}

interface ReferenceForm {
  /** What the user types, for messages. */
  form: string;
  match(ref: string): string | undefined;
  resolve(key: string, ref: string, store: () => Promise<Store>): Promise<ResolvedResult>;
}

/**
 * The ways to name a result, as a table: `name:NAME` (a stored baseline), `run:ID` or `#ID` (a
 * stored run), or a file (a `--json` result). Anything else is taken as a file path.
 */
const FORMS: readonly ReferenceForm[] = [
  {
    form: 'name:NAME',
    match: (ref) => /^name:(.+)$/.exec(ref)?.[1],
    async resolve(name, ref, store) {
      const s = await store();
      const baseline = await s.getBaseline(name);
      if (!baseline) {
        const known = (await s.listBaselines()).map((b) => b.name);
        throw new UserError(`no baseline named "${name}" in ${s.location}`, {
          hint: known.length
            ? `known baselines: ${known.join(', ')}`
            : 'create one with: shipgate baseline create --from RESULT.json --name main',
        });
      }
      return fromRun(s, baseline.runId, ref);
    },
  },
  {
    form: 'run:ID',
    match: (ref) => /^(?:run:|#)(\d+)$/.exec(ref)?.[1],
    async resolve(id, ref, store) {
      return fromRun(await store(), Number(id), ref);
    },
  },
  {
    form: 'FILE',
    match: (ref) => ref,
    async resolve(path, ref) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        throw new UserError(`cannot read result file ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`, {
          hint: 'give a --json result of shipgate load, name:NAME for a baseline or run:ID for a stored run',
        });
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new UserError(`${path} is not valid JSON: ${(e as Error).message}`, {
          hint: 'give the file `shipgate load --json FILE` wrote',
        });
      }
      return { ref, result: asLoadResult(json, path) };
    },
  },
];

export async function resolveResult(ref: string, store: () => Promise<Store>): Promise<ResolvedResult> {
  for (const form of FORMS) {
    const key = form.match(ref);
    if (key !== undefined) return form.resolve(key, ref, store);
  }
  throw new UserError(`cannot read ${ref}`);
}

async function fromRun(store: Store, id: number, ref: string): Promise<ResolvedResult> {
  const run = await store.getRun(id);
  if (!run)
    throw new UserError(`no run #${id} in ${store.location}`, { hint: 'list runs with: shipgate history' });
  return { ref, runId: id, result: asLoadResult(run.result, `run #${id} (${run.kind})`) };
}

/** Checks that something is a load result before statistics are run on it. */
export function asLoadResult(json: unknown, where: string): LoadEnvelope {
  const parsed = loadKind.schema.safeParse(json);
  if (parsed.success) return parsed.data as unknown as LoadEnvelope;
  const kind = (json as { schema?: unknown } | null)?.schema;
  const issue = parsed.error.issues[0];
  throw new UserError(
    typeof kind === 'string' && kind !== loadKind.schemaId
      ? `${where} is a ${kind} result; compare needs ${loadKind.schemaId} (from shipgate load, stress or endurance)`
      : `${where} is not a ${loadKind.schemaId} result: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
    { hint: 'give the file `shipgate load --json FILE` wrote, name:NAME or run:ID' },
  );
}
