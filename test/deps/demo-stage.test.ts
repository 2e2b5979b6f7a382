import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.ts';
import { auditStage, demoOsvDatabase } from '../../src/demo/stages/audit.ts';
import { OSV_FIXTURES } from './helpers.ts';

describe('demo audit stage', () => {
  it("audits the sample service's lockfile offline against the OSV snapshot", async () => {
    const r = await auditStage.run({
      workspace: '.',
      service: { url: 'http://127.0.0.1:1', version: '1.0.0' },
      credentials: { username: 'a', password: 'b' },
      log: createLogger({ level: 'warn' }),
    });
    expect(r.verdict).toBe('pass');
    expect(r.figures).toEqual({ packages: 6, findings: 0, failing: 0, licences_denied: 0 });
    expect(r.summary).toMatch(/35 OSV records/);
  });

  it('prefers SHIPGATE_OSV_DB and ignores paths that do not exist', () => {
    expect(demoOsvDatabase({ SHIPGATE_OSV_DB: OSV_FIXTURES })).toBe(OSV_FIXTURES);
    expect(demoOsvDatabase({ SHIPGATE_OSV_DB: '/nonexistent/osv' })).toMatch(/shared\/fixtures\/osv$/);
  });
});
