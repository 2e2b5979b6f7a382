import { gatesCheck } from './gates.ts';
import { hostCheck } from './host.ts';
import { httpCheck } from './http.ts';
import { postgresCheck } from './postgres.ts';
import { processCheck } from './process.ts';
import { redisCheck } from './redis.ts';
import { sqliteCheck } from './sqlite.ts';
import type { CheckKind, CheckKindName, CheckSpec } from './types.ts';

/** Every kind of check. A new kind is one module, one schema entry in config, and one row here. */
export const CHECK_KINDS: { [K in CheckKindName]: CheckKind<Extract<CheckSpec, { kind: K }>> } = {
  http: httpCheck,
  sqlite: sqliteCheck,
  postgres: postgresCheck,
  redis: redisCheck,
  host: hostCheck,
  process: processCheck,
  gates: gatesCheck,
};

export function checkKind(spec: CheckSpec): CheckKind {
  return CHECK_KINDS[spec.kind] as unknown as CheckKind;
}
