// Blue-green deploys: time from "new colour healthy" to "traffic on the new colour" and warm
// rollback time per router, and the built-in router's throughput as a ratio to nginx's in front
// of the same upstream (measured with wrk from Debian when present, else shipgate's probe).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouterKind } from '../src/deploy/kinds.ts';
import { localEnvironment } from '../src/deploy/local.ts';
import { startProbe } from '../src/deploy/probe.ts';
import { runRollback } from '../src/deploy/rollback.ts';
import { findBinary } from '../src/deploy/routers/tools.ts';
import { runDeploy } from '../src/deploy/run.ts';
import { fmt, median } from './util.ts';

const ROUNDS = 3;
const THROUGHPUT_SECONDS = 5;
const workspace = mkdtempSync(join(tmpdir(), 'sg-bench-deploy-'));

async function switchAndRollback(kind: RouterKind): Promise<{ switchMs: number[]; rollbackMs: number[] }> {
  const local = await localEnvironment(join(workspace, kind), kind, {
    keepOld: '5m',
    watch: { duration: 0 },
  });
  const out = { switchMs: [] as number[], rollbackMs: [] as number[] };
  try {
    await runDeploy(local.env, '1.0.0');
    for (let i = 0; i < ROUNDS; i++) {
      const d = await runDeploy(local.env, `2.0.${i}`);
      if (d.outcome !== 'succeeded' || d.switchMs === undefined)
        throw new Error(`${kind}: deploy ${d.outcome}: ${d.reason}`);
      out.switchMs.push(d.switchMs);
      const t0 = performance.now();
      const r = await runRollback(local.env);
      if (r.outcome !== 'succeeded') throw new Error(`${kind}: rollback ${r.outcome}: ${r.reason}`);
      out.rollbackMs.push(performance.now() - t0);
    }
  } finally {
    await local.close();
  }
  return out;
}

/** Requests per second through the router to /health of the serving colour. */
async function throughput(url: string): Promise<number> {
  if (findBinary('wrk')) {
    const r = spawnSync('wrk', ['-t2', '-c32', `-d${THROUGHPUT_SECONDS}s`, url], { encoding: 'utf8' });
    const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
    if (m) return Number(m[1]);
  }
  const probe = startProbe(url, { concurrency: 32 });
  await new Promise((r) => setTimeout(r, THROUGHPUT_SECONDS * 1000));
  const t = await probe.stop();
  return t.ok / THROUGHPUT_SECONDS;
}

try {
  const kinds: RouterKind[] = [
    'builtin',
    ...(['nginx', 'haproxy'] as RouterKind[]).filter((k) => findBinary(k)),
  ];
  console.log(`switch (healthy → traffic) and warm rollback, ${ROUNDS} rounds, median:`);
  console.log('router     switch ms   rollback ms');
  for (const kind of kinds) {
    const r = await switchAndRollback(kind);
    console.log(
      `${kind.padEnd(9)}  ${fmt(median(r.switchMs), 1).padStart(9)}   ${fmt(median(r.rollbackMs), 1).padStart(11)}`,
    );
  }

  if (findBinary('nginx')) {
    // one upstream (the blue colour), the two routers in front of it, measured interleaved
    const builtin = await localEnvironment(join(workspace, 'tp-builtin'), 'builtin');
    await runDeploy(builtin.env, '1.0.0');
    const nginx = await localEnvironment(join(workspace, 'tp-nginx'), 'nginx', {
      ports: builtin.env.config.ports,
    });
    try {
      await nginx.env.router.ensure(nginx.env.routerContext, 'blue');
      const tool = findBinary('wrk') ? 'wrk -t2 -c32' : 'probe (32 keep-alive workers)';
      const b: number[] = [];
      const n: number[] = [];
      for (let i = 0; i < 2; i++) {
        b.push(await throughput(`${builtin.routerUrl}/health`));
        n.push(await throughput(`${nginx.routerUrl}/health`));
      }
      const [mb, mn] = [median(b), median(n)];
      console.log(
        `\nthroughput through the router, same upstream, ${tool}, ${THROUGHPUT_SECONDS}s x2 interleaved:`,
      );
      console.log(`builtin  ${fmt(mb, 0)} req/s`);
      console.log(`nginx    ${fmt(mn, 0)} req/s`);
      console.log(`ratio builtin/nginx: ${fmt(mb / mn, 2)}`);
    } finally {
      await nginx.env.router.stop(nginx.env.routerContext);
      await nginx.store.close();
      await builtin.close();
    }
  } else {
    console.log('\nnginx not installed: throughput ratio skipped');
  }
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
