import { hostname } from 'node:os';
import { UserError } from '../core/errors.ts';
import type { DeployLock, NewDeploy, StoredDeploy } from '../store/deploys.ts';
import { isAlive } from './detached.ts';
import type { DeployEnvironment } from './environment.ts';

/** Takes the environment's lock with a new journal entry, or explains who holds it. */
export async function beginDeploy(
  e: DeployEnvironment,
  deploy: Omit<NewDeploy, 'env' | 'actor' | 'startedAt'>,
): Promise<StoredDeploy> {
  const r = await e.store.begin(
    {
      ...deploy,
      env: e.name,
      actor: e.actor,
      startedAt: new Date(),
      ...(e.gitCommit ? { gitCommit: e.gitCommit } : {}),
    },
    { owner: e.actor, pid: process.pid, host: hostname() },
  );
  if (!r.ok) throw lockedError(e.name, r.holder);
  return r.deploy;
}

/** Whether the lock's holder is known to be gone (same host, process not running). */
export function holderIsDead(lock: DeployLock): boolean {
  return lock.host === hostname() && !isAlive(lock.pid);
}

export function lockedError(env: string, holder: DeployLock): UserError {
  const dead = holderIsDead(holder);
  return new UserError(
    `${env} is locked by deploy #${holder.deployId} (${holder.owner}, pid ${holder.pid} on ${holder.host}, since ${holder.acquiredAt.toISOString()})${dead ? ', which is no longer running' : ''}`,
    {
      hint: dead
        ? `run \`shipgate deploy recover --env ${env}\` to bring ${env} to a consistent state`
        : 'wait for it to finish; two deploys of one environment never run at once',
    },
  );
}
