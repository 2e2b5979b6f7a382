import { siblingModule } from '../core/modules.ts';
import { sleep, spawnDetached, stopProcess } from './detached.ts';
import { colourUrl, type DeployEnvironment, healthSpec, loadState, targetContext } from './environment.ts';
import { checkOnce, healthGate, verifyServing } from './health.ts';
import { beginDeploy } from './journal.ts';
import { type Colour, otherColour, type RouterKind } from './kinds.ts';
import {
  advance,
  type Ending,
  ending,
  type FlowState,
  firstPhase,
  nextPhase,
  type Phase,
  type PhaseResult,
} from './machine.ts';
import { acceptsConnections } from './ports.ts';
import { judgeWatch, startProbe } from './probe.ts';
import { routerUrl } from './routers/router.ts';
import { type EnvState, writeState } from './state.ts';

/**
 * Runs the blue-green flow of machine.ts against real adapters: each phase is journaled before it
 * starts (`begin`, so a killed deploy shows where it died) and when it ends, with its timing.
 */
export interface PhaseRecord {
  phase: Phase;
  outcome: PhaseResult;
  ms: number;
  detail: string;
}

export interface DeployReport {
  env: string;
  deployId: number;
  action: string;
  version: string;
  colour: Colour;
  previousVersion?: string;
  previousColour?: Colour;
  router: RouterKind;
  outcome: Ending;
  phases: PhaseRecord[];
  /** From "new colour healthy" to "traffic on the new colour" (end of health gate → end of switch). */
  switchMs?: number;
  watch?: { requests: number; errorRatePercent: number; p95Ms: number };
  reason: string;
}

export interface DeployOptions {
  action?: 'deploy' | 'rollback';
  rollbackOf?: number;
  /** Roll back to the idle colour that still runs: no start, but the health gate is still run. */
  warm?: boolean;
}

interface Run {
  e: DeployEnvironment;
  state: EnvState;
  version: string;
  colour: Colour;
  old: Colour | undefined;
  healthyAt?: number;
  report: DeployReport;
}

type PhaseFn = (run: Run) => Promise<{ ok: boolean; detail: string }>;

const PERFORM: Record<Phase, PhaseFn> = {
  async start(run) {
    const ctx = targetContext(run.e, run.colour, run.version);
    // Otherwise the new process dies on EADDRINUSE and the health gate, answered by the squatter
    // or by nothing, reports a timeout that hides the cause.
    if (await acceptsConnections(ctx.host, ctx.port)) {
      return {
        ok: false,
        detail: `port ${ctx.port} on ${ctx.host} is already in use by something shipgate did not start; stop it or give the ${run.colour} colour another port (deploy.${run.e.name}.ports.${run.colour})`,
      };
    }
    const started = await run.e.target.start(ctx);
    run.state.colours[run.colour] = {
      version: run.version,
      port: ctx.port,
      ...started,
      startedAt: new Date().toISOString(),
    };
    writeState(run.e.dir, run.state);
    return {
      ok: true,
      detail: `started ${run.version} on port ${ctx.port}${started.pid ? ` (pid ${started.pid})` : ''}`,
    };
  },
  async health(run) {
    const ctx = targetContext(run.e, run.colour, run.version);
    const instance = run.state.colours[run.colour];
    const r = await healthGate(colourUrl(run.e, run.colour), healthSpec(run.e), () =>
      instance ? run.e.target.alive(ctx, instance) : false,
    );
    if (r.ok && r.version !== undefined && r.version !== run.version) {
      return {
        ok: false,
        detail: `the ${run.colour} colour reports version ${r.version}, not ${run.version}`,
      };
    }
    run.healthyAt = performance.now();
    return { ok: r.ok, detail: `${r.detail} (${r.tries} ${r.tries === 1 ? 'try' : 'tries'})` };
  },
  async smoke(run) {
    const base = colourUrl(run.e, run.colour);
    for (const s of run.e.config.smoke) {
      const r = await checkOnce(base + s.path, {
        expectStatus: s.expectStatus,
        timeoutMs: run.e.config.health.timeout,
      });
      if (!r.ok) return { ok: false, detail: `${s.path}: ${r.detail}` };
    }
    return { ok: true, detail: `${run.e.config.smoke.length} smoke request(s) passed` };
  },
  async switch(run) {
    const { router, routerContext } = run.e;
    const running = await router.active(routerContext);
    let detail: string;
    if (running === undefined) {
      await router.ensure(routerContext, run.colour);
      detail = `${router.kind} router started on ${routerUrl(routerContext)}, serving ${run.colour}`;
    } else {
      detail = (await router.switchTo(routerContext, run.colour)).detail;
    }
    run.state.active = run.colour;
    writeState(run.e.dir, run.state);
    if (run.healthyAt !== undefined) run.report.switchMs = performance.now() - run.healthyAt;
    return { ok: true, detail };
  },
  async verify(run) {
    const r = await verifyServing(routerUrl(run.e.routerContext), healthSpec(run.e), run.version);
    return { ok: r.ok, detail: r.detail };
  },
  async watch(run) {
    const w = run.e.config.watch;
    if (w.duration === 0) return { ok: true, detail: 'no watch period configured' };
    const probe = startProbe(routerUrl(run.e.routerContext) + w.path, {
      concurrency: w.concurrency,
      timeoutMs: w.maxP95 * 5,
    });
    await sleep(w.duration);
    const tally = await probe.stop();
    const j = judgeWatch(tally, {
      maxErrorRatePercent: w.maxErrorRate,
      maxP95Ms: w.maxP95,
      minRequests: w.minRequests,
    });
    run.report.watch = { requests: j.requests, errorRatePercent: j.errorRatePercent, p95Ms: j.p95Ms };
    return { ok: j.ok, detail: j.reason };
  },
  async 'switch-back'(run) {
    const old = run.old;
    const instance = old ? run.state.colours[old] : undefined;
    if (!old || !instance) return { ok: false, detail: 'no previous colour to switch back to' };
    // never fall back to a colour that is not healthy right now
    const h = await checkOnce(colourUrl(run.e, old) + run.e.config.health.path, healthSpec(run.e));
    if (!h.ok) return { ok: false, detail: `the previous colour ${old} is not healthy: ${h.detail}` };
    const r = await run.e.router.switchTo(run.e.routerContext, old);
    run.state.active = old;
    writeState(run.e.dir, run.state);
    return { ok: true, detail: `traffic back on ${old} (${instance.version}); ${r.detail}` };
  },
  async 'stop-new'(run) {
    const instance = run.state.colours[run.colour];
    if (!instance) return { ok: true, detail: `${run.colour} was not started` };
    await run.e.target.stop(targetContext(run.e, run.colour, instance.version), instance);
    delete run.state.colours[run.colour];
    writeState(run.e.dir, run.state);
    return { ok: true, detail: `stopped ${run.colour}` };
  },
  async retire(run) {
    const old = run.old;
    const instance = old ? run.state.colours[old] : undefined;
    if (!old || !instance) return { ok: true, detail: 'no previous colour' };
    const keep = run.e.config.keepOld;
    if (keep === 0) {
      await run.e.target.stop(targetContext(run.e, old, instance.version), instance);
      delete run.state.colours[old];
      writeState(run.e.dir, run.state);
      return { ok: true, detail: `stopped ${old} (${instance.version})` };
    }
    instance.retireAt = new Date(Date.now() + keep).toISOString();
    run.state.retirePid = scheduleRetire(run.e.dir, old, instance.pid ?? 0, keep);
    writeState(run.e.dir, run.state);
    return {
      ok: true,
      detail: `${old} (${instance.version}) kept running for rollback until ${instance.retireAt}`,
    };
  },
};

const REAPER = siblingModule(import.meta.url, './retire-main');

/** A detached timer that stops the idle colour when the keep-old window ends (the command has long exited). */
function scheduleRetire(dir: string, colour: Colour, pid: number, afterMs: number): number {
  return spawnDetached([process.execPath, REAPER, dir, colour, String(pid), String(afterMs)], {
    log: `${dir}/retire.log`,
  });
}

export async function runDeploy(
  e: DeployEnvironment,
  version: string,
  options: DeployOptions = {},
): Promise<DeployReport> {
  const state = loadState(e);
  const old = state.active;
  const warm = options.warm === true;
  const colour: Colour = warm ? otherColour(old as Colour) : old ? otherColour(old) : 'blue';
  const deploy = await beginDeploy(e, {
    action: options.action ?? 'deploy',
    version,
    colour,
    ...(old && state.colours[old]
      ? { previousVersion: state.colours[old].version, previousColour: old }
      : {}),
    ...(options.rollbackOf !== undefined ? { rollbackOf: options.rollbackOf } : {}),
  });
  const report: DeployReport = {
    env: e.name,
    deployId: deploy.id,
    action: deploy.action,
    version,
    colour,
    ...(deploy.previousVersion ? { previousVersion: deploy.previousVersion } : {}),
    ...(old ? { previousColour: old } : {}),
    router: e.router.kind,
    outcome: 'failed',
    phases: [],
    reason: '',
  };
  const run: Run = { e, state, version, colour, old, report };
  try {
    if (!warm) await clearSlot(run);
    let flow: FlowState = { done: [] };
    let phase: Phase | 'end' = firstPhase(warm);
    let failure = '';
    while (phase !== 'end') {
      const current: Phase = phase;
      const startedAt = new Date();
      const t0 = performance.now();
      await e.store.phase(deploy.id, { phase: current, outcome: 'begin', startedAt, durationMs: 0 });
      let result: { ok: boolean; detail: string };
      try {
        result = await PERFORM[current](run);
      } catch (err) {
        result = { ok: false, detail: (err as Error).message };
      }
      const ms = performance.now() - t0;
      const outcome: PhaseResult = result.ok ? 'ok' : 'fail';
      await e.store.phase(deploy.id, {
        phase: current,
        outcome,
        startedAt,
        durationMs: ms,
        detail: { detail: result.detail },
      });
      report.phases.push({ phase: current, outcome, ms, detail: result.detail });
      e.log.info(`${e.name}: ${current} ${outcome} in ${Math.round(ms)} ms — ${result.detail}`);
      if (!result.ok && !failure) failure = `${current}: ${result.detail}`;
      flow = advance(flow, current, outcome);
      phase = nextPhase(current, outcome);
    }
    report.outcome = ending(flow);
    report.reason = report.outcome === 'succeeded' ? `${version} serves on ${colour}` : failure;
    await e.store.finish(deploy.id, report.outcome, {
      reason: report.reason,
      ...(report.switchMs !== undefined ? { switchMs: report.switchMs } : {}),
    });
    return report;
  } finally {
    await e.store.release(e.name, deploy.id);
  }
}

/** The slot the new version goes into may still hold the colour kept for rollback: stop it first. */
async function clearSlot(run: Run): Promise<void> {
  if (run.state.retirePid) {
    await stopProcess(run.state.retirePid, 1000);
    delete run.state.retirePid;
  }
  const leftover = run.state.colours[run.colour];
  if (leftover) {
    await run.e.target.stop(targetContext(run.e, run.colour, leftover.version), leftover);
    delete run.state.colours[run.colour];
  }
  writeState(run.e.dir, run.state);
}
