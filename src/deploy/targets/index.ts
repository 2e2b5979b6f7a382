import type { TargetKind } from '../kinds.ts';
import { composeTarget } from './compose.ts';
import { processTarget } from './process.ts';
import type { Target } from './target.ts';

/** Every deploy target; adding one is a module and a row. */
export const TARGETS: Record<TargetKind, Target> = {
  process: processTarget,
  compose: composeTarget(),
};
