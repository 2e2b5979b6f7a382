import { parentPort, workerData } from 'node:worker_threads';
import type { MainToWorker, ShardPlan, WorkerToMain } from './protocol.ts';
import { Shard } from './shard.ts';

/**
 * Worker-thread entry: runs one shard and streams its windows to the coordinator. Loaded as
 * worker.ts from the sources and as worker.js from the build (see threads.ts).
 */

const port = parentPort;
if (!port) throw new Error('the load engine worker must run in a worker thread');
const plan = workerData as ShardPlan;

function post(message: WorkerToMain): void {
  port?.postMessage(message);
}

function fail(err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ type: 'failed', shard: plan.shard, message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
}

try {
  const shard = new Shard(plan, (delta) => post({ type: 'window', delta }));
  port.on('message', (message: MainToWorker) => {
    if (message.type === 'start') {
      shard
        .run(message.startEpochMs - performance.timeOrigin)
        .then((final) => {
          post({ type: 'done', final });
          port.close();
        })
        .catch(fail);
    } else if (message.type === 'stop') {
      shard.stop(message.reason);
    }
  });
  shard.prepare().then(() => post({ type: 'ready', shard: plan.shard }), fail);
} catch (err) {
  fail(err);
}
