import { redactDeep } from '../core/redact.ts';

/**
 * The deploy journal and lock (`shipgate deploy`, `rollback`, `staging deploy`). Both engines share
 * one implementation over a tiny SQL executor: the statements are portable (`$n` placeholders,
 * `ON CONFLICT DO NOTHING`), only how a timestamp and a JSON column travel differs.
 */
export type DeployOutcome = 'running' | 'succeeded' | 'rolled-back' | 'refused' | 'failed' | 'recovered';

export interface NewDeploy {
  env: string;
  /** `deploy`, `rollback` or `recover`. */
  action: string;
  version: string;
  colour: string;
  previousVersion?: string;
  previousColour?: string;
  gitCommit?: string;
  /** Who started it (user@host or the CI actor). */
  actor: string;
  rollbackOf?: number;
  startedAt: Date;
}

export interface StoredDeploy extends NewDeploy {
  id: number;
  outcome: DeployOutcome;
  finishedAt?: Date;
  detail: Record<string, unknown>;
}

export interface PhaseEntry {
  phase: string;
  /** `ok`, `fail` or `begin` (a phase that started and has not ended: the deploy was killed there). */
  outcome: 'ok' | 'fail' | 'begin';
  startedAt: Date;
  durationMs: number;
  detail?: Record<string, unknown>;
}

export interface DeployLock {
  env: string;
  deployId: number;
  owner: string;
  pid: number;
  host: string;
  acquiredAt: Date;
}

export interface DeployStore {
  /** Records a deploy and takes the environment's lock in one step; the holder when it is taken. */
  begin(
    deploy: NewDeploy,
    lock: { owner: string; pid: number; host: string },
  ): Promise<{ ok: true; deploy: StoredDeploy } | { ok: false; holder: DeployLock }>;
  /** Appends a phase to the journal (numbered in order). */
  phase(deployId: number, entry: PhaseEntry): Promise<void>;
  finish(deployId: number, outcome: DeployOutcome, detail?: Record<string, unknown>): Promise<void>;
  /** Releases the lock if `deployId` still holds it. */
  release(env: string, deployId: number): Promise<void>;
  /** Moves a lock to another deploy (recover takes over a dead deploy's lock). */
  takeOver(env: string, fromDeployId: number, lock: DeployLock): Promise<boolean>;
  lock(env: string): Promise<DeployLock | undefined>;
  get(id: number): Promise<StoredDeploy | undefined>;
  /** Newest first. */
  list(env: string, limit?: number): Promise<StoredDeploy[]>;
  phases(deployId: number): Promise<PhaseEntry[]>;
}

type Row = Record<string, unknown>;

/** What an engine provides: statements with `$n` placeholders, and its column conventions. */
export interface DeployExec {
  run(sql: string, params: unknown[]): Promise<number>;
  all(sql: string, params: unknown[]): Promise<Row[]>;
  /** Inserts and returns the new row's id. */
  insertId(sql: string, params: unknown[]): Promise<number>;
  time(d: Date): unknown;
  date(value: unknown): Date;
  json(value: unknown): unknown;
  toJson(value: unknown): unknown;
}

const DEPLOY_COLUMNS = `id, env, action, version, colour, previous_version, previous_colour, git_commit, actor,
  outcome, rollback_of, started_at, finished_at, detail`;

export function deployStore(x: DeployExec): DeployStore {
  const toDeploy = (r: Row): StoredDeploy => ({
    id: Number(r.id),
    env: String(r.env),
    action: String(r.action),
    version: String(r.version),
    colour: String(r.colour),
    ...(r.previous_version != null ? { previousVersion: String(r.previous_version) } : {}),
    ...(r.previous_colour != null ? { previousColour: String(r.previous_colour) } : {}),
    ...(r.git_commit != null ? { gitCommit: String(r.git_commit) } : {}),
    actor: String(r.actor),
    outcome: String(r.outcome) as DeployOutcome,
    ...(r.rollback_of != null ? { rollbackOf: Number(r.rollback_of) } : {}),
    startedAt: x.date(r.started_at),
    ...(r.finished_at != null ? { finishedAt: x.date(r.finished_at) } : {}),
    detail: x.json(r.detail) as Record<string, unknown>,
  });
  const toLock = (r: Row): DeployLock => ({
    env: String(r.env),
    deployId: Number(r.deploy_id),
    owner: String(r.owner),
    pid: Number(r.pid),
    host: String(r.host),
    acquiredAt: x.date(r.acquired_at),
  });
  const store: DeployStore = {
    async begin(d, lock) {
      const holder = await store.lock(d.env);
      if (holder) return { ok: false, holder };
      const id = await x.insertId(
        `INSERT INTO deploys (env, action, version, colour, previous_version, previous_colour, git_commit, actor,
           outcome, rollback_of, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'running', $9, $10)`,
        [
          d.env,
          d.action,
          d.version,
          d.colour,
          d.previousVersion ?? null,
          d.previousColour ?? null,
          d.gitCommit ?? null,
          d.actor,
          d.rollbackOf ?? null,
          x.time(d.startedAt),
        ],
      );
      const taken = await x.run(
        `INSERT INTO deploy_locks (env, deploy_id, owner, pid, host, acquired_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (env) DO NOTHING`,
        [d.env, id, lock.owner, lock.pid, lock.host, x.time(new Date())],
      );
      if (taken === 0) {
        // lost the race to a deploy that started between the check and the insert
        await store.finish(id, 'refused', { reason: 'locked' });
        const now = await store.lock(d.env);
        if (now) return { ok: false, holder: now };
      }
      return { ok: true, deploy: (await store.get(id)) as StoredDeploy };
    },
    async phase(deployId, e) {
      await x.run(
        `INSERT INTO deploy_phases (deploy_id, seq, phase, outcome, started_at, duration_ms, detail)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM deploy_phases WHERE deploy_id = $1), $2, $3, $4, $5, $6)`,
        [
          deployId,
          e.phase,
          e.outcome,
          x.time(e.startedAt),
          e.durationMs,
          x.toJson(redactDeep(e.detail ?? {})),
        ],
      );
    },
    async finish(deployId, outcome, detail = {}) {
      await x.run('UPDATE deploys SET outcome = $1, finished_at = $2, detail = $3 WHERE id = $4', [
        outcome,
        x.time(new Date()),
        x.toJson(redactDeep(detail)),
        deployId,
      ]);
    },
    async release(env, deployId) {
      await x.run('DELETE FROM deploy_locks WHERE env = $1 AND deploy_id = $2', [env, deployId]);
    },
    async takeOver(env, fromDeployId, lock) {
      const n = await x.run(
        `UPDATE deploy_locks SET deploy_id = $1, owner = $2, pid = $3, host = $4, acquired_at = $5
         WHERE env = $6 AND deploy_id = $7`,
        [lock.deployId, lock.owner, lock.pid, lock.host, x.time(lock.acquiredAt), env, fromDeployId],
      );
      return n > 0;
    },
    async lock(env) {
      const rows = await x.all(
        'SELECT env, deploy_id, owner, pid, host, acquired_at FROM deploy_locks WHERE env = $1',
        [env],
      );
      return rows[0] ? toLock(rows[0]) : undefined;
    },
    async get(id) {
      const rows = await x.all(`SELECT ${DEPLOY_COLUMNS} FROM deploys WHERE id = $1`, [id]);
      return rows[0] ? toDeploy(rows[0]) : undefined;
    },
    async list(env, limit = 20) {
      const rows = await x.all(
        `SELECT ${DEPLOY_COLUMNS} FROM deploys WHERE env = $1 ORDER BY id DESC LIMIT $2`,
        [env, limit],
      );
      return rows.map(toDeploy);
    },
    async phases(deployId) {
      const rows = await x.all(
        'SELECT phase, outcome, started_at, duration_ms, detail FROM deploy_phases WHERE deploy_id = $1 ORDER BY seq',
        [deployId],
      );
      return rows.map((r) => ({
        phase: String(r.phase),
        outcome: String(r.outcome) as PhaseEntry['outcome'],
        startedAt: x.date(r.started_at),
        durationMs: Number(r.duration_ms),
        detail: x.json(r.detail) as Record<string, unknown>,
      }));
    },
  };
  return store;
}
