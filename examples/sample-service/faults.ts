import { performance } from 'node:perf_hooks';
import type { LatencyRange } from './options.ts';
import { type Random, seededRandom } from './prng.ts';

export interface FaultOptions {
  latency: LatencyRange;
  errorRate: number;
  seed: number;
  leakKb: number;
}

/**
 * The knobs that make the sample service misbehave on purpose: added latency, injected 500s and a
 * memory leak. Delays and failures draw from separate seeded streams, so turning on jitter does not
 * change which requests fail.
 */
export class FaultInjector {
  readonly #latency: LatencyRange;
  readonly #errorRate: number;
  readonly #leakBytes: number;
  readonly #delayRandom: Random;
  readonly #failRandom: Random;
  #leaked: Buffer[] = [];
  #leakedBytes = 0;
  #injectedErrors = 0;

  constructor(options: FaultOptions) {
    this.#latency = options.latency;
    this.#errorRate = options.errorRate;
    this.#leakBytes = options.leakKb * 1024;
    this.#failRandom = seededRandom(options.seed);
    this.#delayRandom = seededRandom(options.seed ^ 0x9e37_79b9);
  }

  /** Milliseconds to hold the next /api/* request; 0 when no latency is configured. */
  nextDelayMs(): number {
    const { minMs, maxMs } = this.#latency;
    if (maxMs <= 0) return 0;
    return minMs === maxMs ? minMs : minMs + this.#delayRandom() * (maxMs - minMs);
  }

  /** Whether the next /api/* request is answered 500. */
  nextFails(): boolean {
    if (this.#errorRate <= 0) return false;
    const fails = this.#failRandom() < this.#errorRate;
    if (fails) this.#injectedErrors++;
    return fails;
  }

  /** Retains leak-kb of memory for good. The bytes are written so the pages really count in RSS. */
  leak(): void {
    if (this.#leakBytes === 0) return;
    this.#leaked.push(Buffer.alloc(this.#leakBytes, 0x5a));
    this.#leakedBytes += this.#leakBytes;
  }

  get leakedBytes(): number {
    return this.#leakedBytes;
  }

  get injectedErrors(): number {
    return this.#injectedErrors;
  }

  /** Lets go of the leaked memory when the service stops, so in-process tests do not carry it. */
  release(): void {
    this.#leaked = [];
  }
}

/**
 * Resolves no earlier than `ms` after `startedAt` (a performance.now() reading). A bare setTimeout
 * can fire a little early against the wall clock because libuv measures from its cached loop time,
 * and a latency knob must never deliver less than it promises.
 */
export function delayUntil(startedAt: number, ms: number): Promise<void> {
  const deadline = startedAt + ms;
  return new Promise((resolve) => {
    const tick = () => {
      const left = deadline - performance.now();
      if (left <= 0) resolve();
      else setTimeout(tick, Math.ceil(left));
    };
    tick();
  });
}
