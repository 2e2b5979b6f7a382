import { once } from 'node:events';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/load/engine/index.ts';
import { selfSignedCertificate } from '../../helpers/tls.ts';
import { scenarioFor } from './servers.ts';

/**
 * https targets go through undici (plain http through the engine's own client): a server with a
 * self-signed certificate is refused unless the scenario trusts its CA or turns verification off.
 */
describe('https targets', () => {
  const cert = selfSignedCertificate();
  let seen = 0;
  const server = createServer({ key: cert.key, cert: cert.cert }, (_req, res) => {
    seen++;
    res.end('ok');
  });
  let url = '';
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
    cert.cleanup();
  });

  const run = (tls?: { ca?: string; insecureSkipVerify?: boolean }) =>
    runLoad(
      { ...scenarioFor(url, { maxRequests: 40, durationMs: 5000 }), ...(tls ? { tls } : {}) },
      { workers: 0 },
    );

  it('refuses an untrusted certificate, counting every request as an error', async () => {
    seen = 0;
    const result = await run();
    expect(seen).toBe(0);
    expect(result.requests).toBe(40);
    expect(result.errors).toBe(40);
    expect(result.errorKinds).toEqual({ other: 40 });
    expect(result.errorExamples.other?.join(' ')).toMatch(/self[- ]signed/i);
  });

  it('measures the service when the scenario trusts its CA, or skips verification', async () => {
    for (const tls of [{ ca: cert.cert }, { insecureSkipVerify: true }]) {
      seen = 0;
      const result = await run(tls);
      expect(result.errors).toBe(0);
      expect(result.completed).toBe(40);
      expect(seen).toBe(40);
      expect(result.statusCodes).toEqual({ '200': 40 });
    }
  });
});
