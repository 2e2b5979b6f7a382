import { z } from 'zod';
import { defineKind } from '../core/envelope.ts';

/** `shipgate config check`: where the configuration came from and what it amounts to (secrets hidden). */
export const configKind = defineKind('config', {
  source: z.object({
    file: z.string().optional(),
    format: z.enum(['yaml', 'json', 'seed-json', 'defaults']),
  }),
  overrides: z.array(z.object({ variable: z.string(), path: z.string() })),
  effective: z.record(z.string(), z.unknown()),
});
