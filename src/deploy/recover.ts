import { hostname } from 'node:os';
import { UserError } from '../core/errors.ts';
import type { StoredDeploy } from '../store/deploys.ts';
import { type DeployEnvironment, loadState, targetContext } from './environment.ts';
import { holderIsDead } from './journal.ts';
import { type Colour, otherColour } from './kinds.ts';
import { PHASES, type Phase, planRecovery, type RecoveryPlan } from './machine.ts';
import { colourHealthy } from './rollback.ts';
import { writeState } from './state.ts';

export interface RecoveryReport {
  env: string;
  /** The dead deploy that was resolved, if there was one. */
  deploy?: { id: number; version: string; lastPhase?: string; lastOutcome?: string };
  plan: RecoveryPlan;
  /** What serves afterwards. */
  serving?: { colour: Colour; version: string };
}

/**
 * `shipgate deploy recover`: a deploy that died halfway left its lock and journal. Observe what runs
 * (router, both colours' health), let machine.ts decide the consistent end state, apply it, close
 * the journal entry and release the lock. With nothing dead it reconciles the router with the state.
 */
export async function runRecover(e: DeployEnvironment): Promise<RecoveryReport> {
  const lock = await e.store.lock(e.name);
  if (lock && !holderIsDead(lock)) {
    throw new UserError(
      `deploy #${lock.deployId} of ${e.name} is still running (pid ${lock.pid} on ${lock.host})`,
      {
        hint:
          lock.host === hostname()
            ? 'wait for it to finish'
            : 'recover from the machine that runs it, or once it is gone',
      },
    );
  }
  if (lock) {
    // hold the dead deploy's lock as this process while recovering, so no deploy starts meanwhile
    const held = await e.store.takeOver(e.name, lock.deployId, {
      ...lock,
      owner: e.actor,
      pid: process.pid,
      host: hostname(),
      acquiredAt: new Date(),
    });
    if (!held)
      throw new UserError(`the lock of ${e.name} changed hands while recovering`, {
        hint: 'run deploy status',
      });
  }
  const dead: StoredDeploy | undefined = lock
    ? await e.store.get(lock.deployId)
    : (await e.store.list(e.name, 1)).find((d) => d.outcome === 'running');
  const state = loadState(e);
  const phases = dead ? await e.store.phases(dead.id) : [];
  const last = phases.at(-1);
  const newColour: Colour = (dead?.colour as Colour | undefined) ?? state.active ?? 'blue';
  const oldColour: Colour | undefined = dead
    ? (dead.previousColour as Colour | undefined)
    : otherColour(newColour);
  const plan = planRecovery({
    lastPhase: dead ? (PHASES.includes(last?.phase as Phase) ? (last?.phase as Phase) : undefined) : 'retire',
    lastOutcome: dead ? last?.outcome : 'ok',
    newColour,
    oldColour: oldColour && state.colours[oldColour] ? oldColour : undefined,
    routerActive: await e.router.active(e.routerContext),
    newHealthy: await colourHealthy(e, newColour),
    oldHealthy: oldColour ? await colourHealthy(e, oldColour) : false,
  });
  if (plan.serve) {
    if (plan.switchRouter) await e.router.ensure(e.routerContext, plan.serve);
    state.active = plan.serve;
  }
  for (const c of plan.stop) {
    const instance = state.colours[c];
    if (instance) await e.target.stop(targetContext(e, c, instance.version), instance);
    delete state.colours[c];
  }
  writeState(e.dir, state);
  if (dead) {
    await e.store.phase(dead.id, {
      phase: 'recover',
      outcome: plan.serve ? 'ok' : 'fail',
      startedAt: new Date(),
      durationMs: 0,
      detail: { detail: plan.reason, by: e.actor },
    });
    await e.store.finish(dead.id, plan.outcome, { reason: `recovered: ${plan.reason}` });
    if (lock) await e.store.release(e.name, lock.deployId);
  }
  const serving = plan.serve ? state.colours[plan.serve] : undefined;
  return {
    env: e.name,
    ...(dead
      ? {
          deploy: {
            id: dead.id,
            version: dead.version,
            ...(last ? { lastPhase: last.phase, lastOutcome: last.outcome } : {}),
          },
        }
      : {}),
    plan,
    ...(plan.serve && serving ? { serving: { colour: plan.serve, version: serving.version } } : {}),
  };
}
