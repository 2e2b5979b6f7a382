import { Worker } from 'node:worker_threads';
import type {
  MainToWorker,
  ShardFinal,
  ShardPlan,
  StopReason,
  WindowDelta,
  WorkerToMain,
} from './protocol.ts';
import { Shard } from './shard.ts';

/**
 * A shard as the coordinator sees it, whether it runs in a worker thread or in the calling thread:
 * ready → start(at a common instant) → windows stream in → done.
 */
export interface ShardHandle {
  readonly ready: Promise<void>;
  readonly done: Promise<ShardFinal>;
  /** Starts issuing at `startEpochMs` (performance.timeOrigin + performance.now() scale). */
  start(startEpochMs: number): void;
  stop(reason: StopReason): void;
  close(): Promise<void>;
}

export function inThreadShard(plan: ShardPlan, onWindow: (delta: WindowDelta) => void): ShardHandle {
  const shard = new Shard(plan, onWindow);
  let resolveDone: (final: ShardFinal) => void = () => undefined;
  let rejectDone: (err: unknown) => void = () => undefined;
  const done = new Promise<ShardFinal>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  return {
    ready: shard.prepare(),
    done,
    start(startEpochMs) {
      shard.run(startEpochMs - performance.timeOrigin).then(resolveDone, rejectDone);
    },
    stop(reason) {
      shard.stop(reason);
    },
    async close() {},
  };
}

/**
 * The worker script next to this module: worker.ts when running from the sources (Node strips the
 * types), worker.js after the build.
 */
function workerUrl(): URL {
  const ext = new URL(import.meta.url).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./worker${ext}`, import.meta.url);
}

export function workerShard(plan: ShardPlan, onWindow: (delta: WindowDelta) => void): ShardHandle {
  const worker = new Worker(workerUrl(), { workerData: plan });
  let settled = false;
  let resolveReady: () => void = () => undefined;
  let rejectReady: (err: unknown) => void = () => undefined;
  let resolveDone: (final: ShardFinal) => void = () => undefined;
  let rejectDone: (err: unknown) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  const done = new Promise<ShardFinal>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  // Either may be abandoned when the other fails; neither may surface as an unhandled rejection.
  ready.catch(() => undefined);
  done.catch(() => undefined);
  const failWith = (err: unknown) => {
    if (settled) return;
    settled = true;
    rejectReady(err);
    rejectDone(err);
  };
  worker.on('message', (message: WorkerToMain) => {
    switch (message.type) {
      case 'ready':
        resolveReady();
        break;
      case 'window':
        onWindow(message.delta);
        break;
      case 'done':
        settled = true;
        resolveDone(message.final);
        break;
      case 'failed': {
        const err = new Error(`load worker ${plan.shard} failed: ${message.message}`);
        if (message.stack) err.stack = message.stack;
        failWith(err);
        break;
      }
    }
  });
  worker.on('error', (err) => failWith(err));
  worker.on('exit', (code) =>
    failWith(new Error(`load worker ${plan.shard} exited (code ${code}) before finishing`)),
  );
  const send = (message: MainToWorker) => worker.postMessage(message);
  return {
    ready,
    done,
    start(startEpochMs) {
      send({ type: 'start', startEpochMs });
    },
    stop(reason) {
      if (!settled) send({ type: 'stop', reason });
    },
    async close() {
      await worker.terminate();
    },
  };
}
