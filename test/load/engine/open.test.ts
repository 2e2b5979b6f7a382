import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/load/engine/index.ts';
import { ACCURATE_TIMING } from '../../helpers/timing.ts';
import { delayServer, scenarioFor, stallOnceServer, trackServers } from './servers.ts';

const track = trackServers();

describe('open model', () => {
  it('keeps the schedule and shows a server stall in the corrected latency, not the service time', async () => {
    // 200 arrivals/s for 3 s = 600 arrivals on 2 connections; the server answers in 5 ms, except
    // that 500 ms in it stalls once for 1 s, holding whatever reaches it meanwhile.
    //
    // Service time (send → end): only the requests on the wire when the stall starts — at most one
    // per connection, 2 of 600 = 0.33 % — wait out the stall. Every other request is written to a
    // connection only once one is free, after the stall, and takes ~5 ms. Fewer than 1 % of samples
    // are slow, so the uncorrected p99 stays at the normal service time.
    //
    // Corrected latency (intended send → end): the ~200 arrivals due during the stall (33 %) queue
    // for a connection and finish no earlier than the stall's end, so an arrival due s ms into the
    // stall shows at least 1000 − s ms. Those due in its first half (~100, 16.7 % of all) show
    // ≥ 500 ms — far more than the 1 % above p99, so the corrected p99 is ≥ 500 ms. Two connections
    // serve ~350/s at 5 ms, so the backlog clears before the requests can time out.
    const server = await track(stallOnceServer({ normalMs: 5, stallAtMs: 500, stallMs: 1000 }));
    const result = await runLoad(
      scenarioFor(server.url, {
        model: { kind: 'open', startRate: 200, stages: [], maxInFlight: 1000 },
        durationMs: 3000,
        timeoutMs: 5000,
      }),
      { workers: 0, connections: 2 },
    );
    expect(server.stalledAt()).toBeGreaterThan(0);
    expect(result.schedule?.intended).toBe(600);
    expect(result.schedule?.sent).toBe(600);
    expect(result.schedule?.dropped).toBe(0);
    expect(result.requests).toBe(600);
    expect(server.seen).toBe(600);
    expect(result.errors).toBe(0);
    expect(result.correctedLatencyMs?.p99).toBeGreaterThanOrEqual(500);
    if (ACCURATE_TIMING) expect(result.latencyMs.p99).toBeLessThan(50);
    expect(result.latencyMs.max).toBeGreaterThan(500);
    // The generator itself kept time: arrivals went to undici when due, give or take timer and GC
    // jitter an order of magnitude below the effect measured, so the tail belongs to the server.
    if (ACCURATE_TIMING) expect(result.schedule?.slipMsP99).toBeLessThan(50);
    expect(result.histograms.corrected?.count).toBe(600);
    expect(result.series.some((p) => (p.correctedP99Ms ?? 0) >= 500)).toBe(true);
  });

  it('with connections to spare, the service time carries the stall too (no omission to correct)', async () => {
    const server = await track(stallOnceServer({ normalMs: 5, stallAtMs: 300, stallMs: 600 }));
    const result = await runLoad(
      scenarioFor(server.url, {
        model: { kind: 'open', startRate: 100, stages: [], maxInFlight: 200 },
        durationMs: 1500,
        timeoutMs: 3000,
      }),
      { workers: 0 },
    );
    // Every arrival is sent on time on a connection of its own, so the ~60 requests that reach the
    // server during the stall (40 % of 150) are slow in both measures, and the two stay within a
    // few ms of each other.
    expect(result.requests).toBe(150);
    expect(result.latencyMs.p99).toBeGreaterThan(300);
    if (ACCURATE_TIMING) {
      expect(Math.abs((result.correctedLatencyMs?.p99 ?? 0) - result.latencyMs.p99)).toBeLessThan(20);
    }
  });

  it('drops arrivals that find maxInFlight requests outstanding and flags the run', async () => {
    // 100/s against a 200 ms service with 4 slots: at most 4 / 0.2 s = 20/s can be in service,
    // so about 80 % of the 150 arrivals find every slot busy.
    const server = await track(delayServer(200));
    const result = await runLoad(
      scenarioFor(server.url, {
        model: { kind: 'open', startRate: 100, stages: [], maxInFlight: 4 },
        durationMs: 1500,
      }),
      { workers: 0 },
    );
    const schedule = result.schedule;
    expect(schedule?.intended).toBe(150);
    expect((schedule?.sent ?? 0) + (schedule?.dropped ?? 0)).toBe(150);
    expect(schedule?.dropped).toBeGreaterThan(90);
    expect(schedule?.sent).toBe(server.seen);
    expect(result.requests).toBe(server.seen);
    expect(result.view.counter('dropped_iterations', {})?.count).toBe(schedule?.dropped);
    expect(result.series.reduce((n, p) => n + (p.dropped ?? 0), 0)).toBe(schedule?.dropped);
    expect(result.generator.saturated).toBe(true);
    expect(result.generator.reasons.join('\n')).toMatch(/dropped because 4 were already in flight/);
    expect(Math.max(...result.series.map((p) => p.users))).toBe(4);
  });

  it('follows a ramp: the achieved rate tracks the offered rate stage by stage', async () => {
    const server = await track(delayServer(2));
    const result = await runLoad(
      scenarioFor(server.url, {
        // 0 → 400/s in 1 s, then 400/s for 1 s: 200 + 400 = 600 arrivals. Per 500 ms window that
        // is the area under the rate: 50 (0 → 200/s), 150 (200 → 400/s), then 200 and 200.
        model: {
          kind: 'open',
          startRate: 0,
          stages: [
            { durationMs: 1000, targetRate: 400 },
            { durationMs: 1000, targetRate: 400 },
          ],
          maxInFlight: 100,
        },
        durationMs: 2000,
      }),
      { workers: 0, windowMs: 500 },
    );
    expect(result.schedule?.intended).toBe(600);
    expect(result.requests).toBe(600);
    expect(server.seen).toBe(600);
    // Requests count in the window they finish in, a few ms after they are due: allow some spill
    // (more on a busy 2-core runner); the shape — a quarter, three quarters, full, full — remains.
    const counts = result.series.map((p) => p.requests);
    expect(counts).toHaveLength(4);
    expect(counts[0]).toBeGreaterThanOrEqual(35);
    expect(counts[0]).toBeLessThanOrEqual(65);
    expect(counts[1]).toBeGreaterThanOrEqual(125);
    expect(counts[1]).toBeLessThanOrEqual(175);
    expect(counts[2]).toBeGreaterThanOrEqual(175);
    expect(counts[3]).toBeGreaterThanOrEqual(175);
  });
});
