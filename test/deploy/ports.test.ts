import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ephemeralPortRange, freeLoopbackPort } from '../../src/deploy/ports.ts';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((s) => s.end());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('freeLoopbackPort', () => {
  it('picks distinct ports below the ephemeral range that can be listened on', async () => {
    const [ephemeralLow] = ephemeralPortRange();
    const ports = await Promise.all(Array.from({ length: 20 }, () => freeLoopbackPort()));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) {
      if (ephemeralLow > 21_000) expect(port).toBeLessThan(ephemeralLow);
      const server = await listen(port);
      await new Promise((r) => server.close(r));
    }
  });
});
