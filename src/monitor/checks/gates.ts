import type { Sample } from '../series.ts';
import type { CheckKind, CheckSpec } from './types.ts';

type GatesSpec = Extract<CheckSpec, { kind: 'gates' }>;

/**
 * Gate results from the history store: the latest run of each kind becomes `gate_failed` (1 when
 * its verdict was fail) and one `gate_figure` per recorded figure, so coverage below 80 % or a
 * regression over 10 % — decided by those gates — alert like any other condition.
 */
export const gatesCheck: CheckKind<GatesSpec> = {
  kind: 'gates',
  target: (spec) => `latest ${spec.kinds.join(', ')} runs in the store`,
  async run(spec, ctx) {
    if (!ctx.store) return { ok: false, samples: [], problem: 'no history store' };
    const samples: Sample[] = [];
    for (const kind of spec.kinds) {
      const [run] = await ctx.store.listRuns({ kind, limit: 1 });
      if (!run) continue;
      samples.push({ metric: 'gate_failed', labels: { gate: kind }, value: run.verdict === 'fail' ? 1 : 0 });
      for (const [figure, value] of Object.entries(run.figures)) {
        samples.push({ metric: 'gate_figure', labels: { gate: kind, figure }, value });
      }
    }
    return { ok: true, samples };
  },
};
