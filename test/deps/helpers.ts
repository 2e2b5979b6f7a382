import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.ts';

/** The shared offline OSV fixtures: real GitHub advisories, beside the checkout (never copied in). */
export const OSV_FIXTURES = join(ROOT, '..', 'shared', 'fixtures', 'osv');
export const DEPS_FIXTURES = join(ROOT, 'test', 'fixtures', 'deps');

/**
 * The advisories whose ranges include each installed version, checked by hand against every
 * record in the fixtures (see the README there). Records naming other packages (lodash-es,
 * lodash.pick, …) or other release lines (urllib3 2.x, node-fetch 3.x) are not expected.
 */
export const EXPECTED: Record<string, string[]> = {
  // lodash 4.17.4: fixed in 4.17.5 (fvqr), 4.17.11 (4xc9, x5rq), 4.17.12 (jf85), 4.17.19 (p6mc, from 3.7.0), 4.17.21 (35jh, 29mw).
  'lodash@4.17.4': [
    'GHSA-29mw-wpgm-hmr9',
    'GHSA-35jh-r3h4-6jhm',
    'GHSA-4xc9-xhrj-v574',
    'GHSA-fvqr-27wr-82fm',
    'GHSA-jf85-cpcp-j695',
    'GHSA-p6mc-m468-83gw',
    'GHSA-x5rq-j2xg-h7qm',
  ],
  // minimist 0.0.8: < 0.2.1 (vh95) and < 0.2.4 (xvch), both 0.x lines.
  'minimist@0.0.8': ['GHSA-vh95-rmgr-6w4m', 'GHSA-xvch-5gv4-984h'],
  // node-fetch 2.6.0: 2.0.0–2.6.1 (w7rc), < 2.6.7 (r683); vp56 is 3.x only.
  'node-fetch@2.6.0': ['GHSA-r683-j2x4-v87g', 'GHSA-w7rc-rwvf-8q5r'],
};

export const EXPECTED_PYPI: Record<string, string[]> = {
  // urllib3 1.24.1: < 1.26.19, < 1.26.18, < 1.24.2 (gwvm, mh33), < 1.24.3, < 1.26.17, < 1.25.9.
  // Not: 5phf (1.26.0–1.26.4), hmv2 (1.25.2–1.25.8), q2q7 (1.25.4–1.26.5), v4w5 (1.17–1.18.1), www2 (< 1.23).
  'urllib3@1.24.1': [
    'GHSA-34jh-p97f-mpxf',
    'GHSA-g4mx-q9vg-27p4',
    'GHSA-gwvm-45gx-3cf8',
    'GHSA-mh33-7rrq-662w',
    'GHSA-r64q-w8jr-g9qp',
    'GHSA-v845-jxx5-vc9f',
    'GHSA-wqvq-5m8c-6g24',
  ],
  // jinja2 2.10: < 2.10.1, < 2.11.3, < 3.1.3, < 3.1.4. Not: 8r7q, fqh9 (< 2.7.2), hj2j (< 2.8.1).
  'jinja2@2.10': ['GHSA-462w-v97r-4m45', 'GHSA-g3rq-g295-4j3m', 'GHSA-h5c8-rqwp-cp95', 'GHSA-h75v-3vvj-5mfj'],
  // PyYAML 5.3: < 5.3.1, < 5.4. Not: 3pqx (5.1–5.2), rprw (< 4.1).
  'pyyaml@5.3': ['GHSA-6757-jp84-gxfx', 'GHSA-8q59-q68h-6hv4'],
};

/** `{"name@version": [ids…]}` of a findings list, ids sorted. */
export function idsByPackage(
  findings: Array<{ package: string; version: string; id: string }>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of findings) {
    const key = `${f.package.toLowerCase()}@${f.version}`;
    out[key] = [...(out[key] ?? []), f.id];
  }
  for (const k of Object.keys(out)) out[k]?.sort();
  return out;
}

export type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

/** A loopback HTTP server standing in for an advisory service or registry; closed by `closeServers`. */
const servers: Server[] = [];

export async function serve(
  handler: Handler,
): Promise<{ url: string; requests: Array<{ method: string; url: string }> }> {
  const requests: Array<{ method: string; url: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '' });
      handler(req, Buffer.concat(chunks), res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

export async function closeServers(): Promise<void> {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((r) => s.close(r));
    }),
  );
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
