import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/load/engine/index.ts';
import { Histogram } from '../../../src/load/histogram.ts';
import { delayServer, scenarioFor, trackServers } from './servers.ts';

const track = trackServers();

describe('worker threads', () => {
  it('closed model over 2 workers: exact totals, exactly merged histograms', async () => {
    const server = await track(delayServer(20));
    const result = await runLoad(
      scenarioFor(server.url, {
        model: { kind: 'closed', users: 5, rampUpMs: 0, thinkTimeMs: 0 },
        durationMs: 2000,
      }),
      { workers: 2 },
    );
    expect(result.generator.workers).toBe(2);
    expect(result.requests).toBe(server.seen);
    expect(result.completed).toBe(server.seen);
    const latency = Histogram.fromJSON(result.histograms.latency);
    expect(latency.count).toBe(result.completed);
    expect(Histogram.fromJSON(result.histograms.waiting).count).toBe(result.completed);
    // The series windows add up to the totals: nothing lost or counted twice in the merge.
    expect(result.series.reduce((n, p) => n + p.requests, 0)).toBe(result.requests);
    expect(result.series).toHaveLength(2);
    expect(result.series[0]?.users).toBe(5);
    // A sanity bound only (the precise latency check is the single-thread test): here the server
    // shares the test process with two generator threads on whatever cores the runner has.
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(20);
    expect(result.latencyMs.p50).toBeLessThan(25);
    expect(result.endpoints.root?.requests).toBe(server.seen);
  });

  it('open model over 2 workers: the interleaved schedules add up to the whole', async () => {
    const server = await track(delayServer(2));
    const result = await runLoad(
      scenarioFor(server.url, {
        model: { kind: 'open', startRate: 200, stages: [], maxInFlight: 50 },
        durationMs: 1500,
      }),
      { workers: 2 },
    );
    expect(result.schedule?.intended).toBe(300);
    expect(result.schedule?.sent).toBe(300);
    expect(result.requests).toBe(300);
    expect(server.seen).toBe(300);
    expect(Histogram.fromJSON(result.histograms.corrected as never).count).toBe(300);
    // Each corrected latency includes its service time, so the corrected distribution dominates.
    expect(result.correctedLatencyMs?.p50).toBeGreaterThanOrEqual(result.latencyMs.p50);
  });
});
