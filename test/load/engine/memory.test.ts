import { afterEach, describe, expect, it } from 'vitest';
import { Aggregator } from '../../../src/load/engine/aggregate.ts';
import { Exchange } from '../../../src/load/engine/exchange.ts';
import { runLoad } from '../../../src/load/engine/index.ts';
import type { WindowDelta } from '../../../src/load/engine/protocol.ts';
import { Recorder } from '../../../src/load/engine/recorder.ts';
import { compileRequest, parseTarget } from '../../../src/load/engine/requests.ts';
import { helloServer, scenarioFor, type TestServer } from './servers.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('bounded memory', () => {
  it('a run has exactly ceil(duration / window) series points', async () => {
    const server = await helloServer();
    servers.push(server);
    const result = await runLoad(scenarioFor(server.url, { durationMs: 1100 }), {
      workers: 0,
      windowMs: 200,
    });
    expect(result.series).toHaveLength(Math.ceil(1100 / 200));
    expect(result.series.map((p) => p.tMs)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(result.series.reduce((n, p) => n + p.requests, 0)).toBe(result.requests);
    expect(result.requests).toBe(server.seen);
  });

  it('a shard and the coordinator hold the same state after 600 windows as after 10', () => {
    // Drive the real recorder → aggregator path for a simulated 600-window run (10 minutes of 1 s
    // windows) with two request kinds and two statuses; no sockets, the clock is simulated. Every
    // histogram either side holds is allocated by window 10 and only reset and reused after that.
    const target = parseTarget('http://127.0.0.1:1');
    const reqs = [0, 1].map((i) =>
      compileRequest({ name: `r${i}`, method: 'GET', path: `/${i}`, headers: {}, weight: 1 }, i, target),
    );
    const windows = 600;
    const aggregator = new Aggregator({ shards: 1, windowMs: 1000, open: true });
    let delivered = 0;
    const recorder = new Recorder({
      shard: 0,
      windowMs: 1000,
      windowCount: windows,
      loginIndex: 2,
      open: true,
      sink: (delta: WindowDelta) => {
        delivered++;
        aggregator.add(delta);
      },
      gauges: { inFlight: () => 0, users: () => 1 },
    });
    const owner = { finish: () => undefined };
    const ex = new Exchange(owner, 0);
    recorder.begin(0);
    let snapshot: ReturnType<Aggregator['retained']> | null = null;
    let histograms = 0;
    for (let w = 0; w < windows; w++) {
      for (let i = 0; i < 4; i++) {
        const now = w * 1000 + 100 + i * 200;
        ex.req = reqs[i % 2] ?? null;
        ex.status = i === 3 ? 503 : 200;
        ex.sentAt = now - 3 - (w % 7);
        ex.firstByteAt = now - 1;
        ex.intendedAt = ex.sentAt - 0.5;
        recorder.arrivalSent(ex.sentAt, 0.5);
        recorder.response(ex, now);
      }
      if (w === 10) {
        snapshot = aggregator.retained();
        histograms = recorder.histogramCount();
      }
    }
    recorder.finish();
    aggregator.shardDone(0);
    expect(delivered).toBe(windows);
    const end = aggregator.retained();
    expect(end.pendingWindows).toBe(0);
    expect(end.combinations).toBe(snapshot?.combinations);
    expect(end.spareHistograms).toBe(snapshot?.spareHistograms);
    expect(end.spareHistograms).toBeLessThanOrEqual(2);
    expect(recorder.histogramCount()).toBe(histograms);
    // The only thing that grows is the series: a few numbers per window.
    expect(end.seriesPoints).toBe(windows);
    expect(aggregator.requests).toBe(windows * 4);
    expect(aggregator.metrics.histogram('latency')?.count).toBe(windows * 4);
    expect(aggregator.metrics.count({ status: '503' })).toBe(windows);
  });
});
