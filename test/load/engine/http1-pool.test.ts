import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1Pool } from '../../../src/load/engine/http1-pool.ts';
import { compileRequest, parseTarget } from '../../../src/load/engine/requests.ts';
import type { RequestSpec } from '../../../src/load/types.ts';

/**
 * The engine's own HTTP/1.1 client against raw TCP servers that answer with exactly the bytes a
 * test gives — the framings real servers use (content-length, chunked, read-until-close, interim
 * 100, no body) and the broken ones a load test meets (resets, garbage, lies about length).
 */

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) s.close();
});

/** A server that calls `respond` for each request it reads (one per `\r\n\r\n`-terminated head). */
async function rawServer(respond: (socket: Socket, n: number, head: string) => void): Promise<string> {
  let n = 0;
  const server = createServer((socket) => {
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        buf = buf.slice(end + 4 + length);
        respond(socket, ++n, head);
      }
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Seen {
  status: number;
  body: string;
  error: (Error & { code?: string }) | null;
  started: boolean;
  headerBytes: number;
}

function send(pool: Http1Pool, options: Partial<Dispatcher.DispatchOptions> = {}): Promise<Seen> {
  return new Promise((resolve) => {
    const seen: Seen = { status: 0, body: '', error: null, started: false, headerBytes: 0 };
    pool.dispatch({ path: '/', method: 'GET', headers: [], ...options } as Dispatcher.DispatchOptions, {
      onRequestStart: () => {
        seen.started = true;
      },
      onResponseStart: (controller, status) => {
        seen.status = status;
        seen.headerBytes = (controller as unknown as { headerBytes: number }).headerBytes;
      },
      onResponseData: (_c, chunk) => {
        seen.body += chunk.toString();
      },
      onResponseEnd: () => resolve(seen),
      onResponseError: (_c, err) => {
        seen.error = err;
        resolve(seen);
      },
    });
  });
}

const pool = (url: string, connections = 2) => new Http1Pool(url, { connections, connectTimeout: 2000 });

describe('Http1Pool', () => {
  it('reads content-length bodies, reuses the connection, and counts header bytes', async () => {
    const heads: string[] = [];
    let sockets = 0;
    const url = await rawServer((socket, n, head) => {
      heads.push(head);
      if (n === 1) sockets++;
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-N: ${n}\r\n\r\nhello`);
    });
    const p = pool(url, 1);
    const a = await send(p);
    const b = await send(p, { method: 'POST', body: 'abc', headers: ['content-type', 'text/plain'] });
    await p.destroy();
    expect([a.status, a.body, b.status, b.body]).toEqual([200, 'hello', 200, 'hello']);
    expect(a.headerBytes).toBe('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-N: 1\r\n\r\n'.length);
    expect(sockets).toBe(1);
    expect(heads[0]).toMatch(/^GET \/ HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\nconnection: keep-alive$/);
    expect(heads[1]).toContain('POST / HTTP/1.1\r\ncontent-type: text/plain\r\nhost: ');
    expect(heads[1]).toContain('content-length: 3');
  });

  it('decodes chunked bodies split anywhere, with extensions and trailers', async () => {
    const url = await rawServer((socket) => {
      const wire =
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n';
      // One byte at a time: every state of the parser meets a split.
      let i = 0;
      const tick = () => {
        if (i < wire.length) {
          socket.write(wire[i++] as string);
          setImmediate(tick);
        }
      };
      tick();
    });
    const p = pool(url);
    const r = await send(p);
    await p.destroy();
    expect(r).toMatchObject({ status: 200, body: 'hello world', error: null });
  });

  it('skips an interim 100 Continue, and reads no body for HEAD, 204 and 304', async () => {
    const url = await rawServer((socket, n) => {
      if (n === 1)
        socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok');
      else if (n === 2) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n');
      else if (n === 3) socket.write('HTTP/1.1 204 No Content\r\n\r\n');
      else socket.write('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n');
    });
    const p = pool(url, 1);
    expect(await send(p)).toMatchObject({ status: 201, body: 'ok' });
    expect(await send(p, { method: 'HEAD' })).toMatchObject({ status: 200, body: '', error: null });
    expect(await send(p)).toMatchObject({ status: 204, error: null });
    expect(await send(p)).toMatchObject({ status: 304, error: null });
    await p.destroy();
  });

  it('reads a body without length until the server closes, and honours Connection: close', async () => {
    let connections = 0;
    const url = await rawServer((socket, n) => {
      connections = Math.max(connections, n);
      if (n === 1) socket.end('HTTP/1.0 200 OK\r\n\r\nuntil close');
      else socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye');
    });
    const p = pool(url, 1);
    expect(await send(p)).toMatchObject({ status: 200, body: 'until close', error: null });
    expect(await send(p)).toMatchObject({ status: 200, body: 'bye', error: null });
    await p.destroy();
  });

  it('reports refused, reset and protocol errors with codes the engine classifies', async () => {
    const refused = pool('http://127.0.0.1:1');
    expect((await send(refused)).error?.code).toBe('ECONNREFUSED');
    await refused.destroy();

    const url = await rawServer((socket, n) => {
      if (n === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhal');
      if (n === 1) setTimeout(() => socket.destroy(), 20);
      if (n === 2) socket.write('SSH-2.0-OpenSSH\r\n\r\n');
      if (n === 3) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\ntoo long');
    });
    const p = pool(url, 1);
    const reset = await send(p);
    expect([reset.status, reset.error?.code]).toEqual([200, 'ECONNRESET']);
    const garbage = await send(p);
    expect(garbage.error?.message).toMatch(/not an HTTP\/1\.x response/);
    const liar = await send(p);
    expect(liar.error?.code).toBe('UND_ERR_SOCKET');
    await p.destroy();
  });

  it('queues requests beyond its connections and serves them first come, first served', async () => {
    let open = 0;
    let peak = 0;
    const order: string[] = [];
    const url = await rawServer((socket, n, head) => {
      open++;
      peak = Math.max(peak, open);
      order.push(head.split(' ')[1] as string);
      const answer = () => {
        open--;
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx');
      };
      // The first answers are slow, so both connections are busy at once; the rest are quick.
      if (n <= 10) setTimeout(answer, 10);
      else setImmediate(answer);
    });
    const p = pool(url, 2);
    // More than the queue's compaction point, so the queue is trimmed while in use.
    const paths = Array.from({ length: 3000 }, (_, i) => `/${i}`);
    const results = await Promise.all(paths.map((path) => send(p, { path })));
    await p.destroy();
    expect(results.every((r) => r.status === 200 && r.error === null)).toBe(true);
    expect(peak).toBe(2);
    expect(order).toEqual(paths);
  });

  it('refuses a content-length that is not a number or contradicts itself', async () => {
    const url = await rawServer((socket, n) => {
      if (n === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok');
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok');
    });
    const p = pool(url, 1);
    const notNumber = await send(p);
    const twice = await send(p);
    await p.destroy();
    expect([notNumber.error?.code, notNumber.error?.message]).toEqual([
      'UND_ERR_SOCKET',
      'invalid content-length: "2x"',
    ]);
    expect(twice.error?.message).toBe('invalid content-length: "3"');
  });

  it('puts on the wire exactly the bytes the engine counts as sent', async () => {
    let received = 0;
    const server = createServer((socket) => {
      socket.on('data', (d) => {
        received += d.length;
        socket.write('HTTP/1.1 204 No Content\r\n\r\n');
      });
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const target = parseTarget(`${url}/api`);
    const p = pool(url, 1);
    for (const spec of [
      { name: 'get', method: 'GET', path: '/items?q=1', headers: { Accept: 'application/json' }, weight: 1 },
      { name: 'post', method: 'POST', path: 'items', headers: {}, body: '{"name":"é"}', weight: 1 },
      { name: 'empty', method: 'PUT', path: '/x', headers: {}, weight: 1 },
    ] as RequestSpec[]) {
      const req = compileRequest(spec, 0, target);
      received = 0;
      expect(await send(p, req.options)).toMatchObject({ status: 204, error: null });
      expect(received).toBe(req.bytesOut);
    }
    await p.destroy();
  });

  it('drops an idle connection the server closed, and sends the next request on a fresh one', async () => {
    let connections = 0;
    const server = createHttpServer((_req, res) => res.end('ok'));
    server.keepAliveTimeout = 30;
    // Node 24 waits this much longer than it announces, so clients are not caught mid-request.
    Object.assign(server, { keepAliveTimeoutBuffer: 0 });
    server.on('connection', () => connections++);
    servers.push(server as unknown as Server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const p = pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 1);
    expect(await send(p)).toMatchObject({ status: 200, body: 'ok', error: null });
    await new Promise((r) => setTimeout(r, 150));
    expect(await send(p)).toMatchObject({ status: 200, body: 'ok', error: null });
    await p.destroy();
    expect(connections).toBe(2);
  });

  it('reads header names in any case and values with blanks, as servers write them', async () => {
    let sockets = 0;
    const answers = [
      'HTTP/1.1 200 OK\r\nCONTENT-LENGTH:\t2 \r\n\r\nok',
      'HTTP/1.0 200 OK\r\nconnection:  Keep-Alive\r\ncontent-length: 3\r\n\r\nyes',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nCONNECTION: CLOSE\r\n\r\nbye',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nagain',
    ];
    const server = createServer((socket) => {
      sockets++;
      socket.on('data', () => socket.write(answers.shift() as string));
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const p = pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 1);
    const bodies: string[] = [];
    for (let i = 0; i < 5; i++) bodies.push((await send(p)).body);
    await p.destroy();
    expect(bodies).toEqual(['ok', 'yes', 'hi', 'bye', 'again']);
    // One connection for the first four; `CONNECTION: CLOSE` sends the fifth on a new one.
    expect(sockets).toBe(2);
  });

  it('closes a connection past the keep-alive timeout the server announced instead of racing it', async () => {
    let sockets = 0;
    const server = createServer((socket) => {
      // timeout=1 on the first connection: minus the safety margin, it may not be reused at all.
      const timeout = ++sockets === 1 ? 1 : 5;
      socket.on('data', () =>
        socket.write(`HTTP/1.1 200 OK\r\nKeep-Alive: timeout=${timeout}\r\nContent-Length: 2\r\n\r\nok`),
      );
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const p = pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 1);
    for (let i = 0; i < 3; i++) expect(await send(p)).toMatchObject({ status: 200, error: null });
    await p.destroy();
    // The first connection was given up after one answer; the second (timeout=5) was reused.
    expect(sockets).toBe(2);
  });

  it('sends a safe request once more when the server closed the idle connection as it went out', async () => {
    const perSocket: number[] = [];
    const server = createServer((socket) => {
      const id = perSocket.push(0) - 1;
      socket.on('data', () => {
        perSocket[id] = (perSocket[id] ?? 0) + 1;
        // The second request on a connection meets the server's idle close.
        if (perSocket[id] === 2) socket.destroy();
        else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      });
      socket.on('error', () => undefined);
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const p = pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 1);
    expect(await send(p)).toMatchObject({ status: 200, error: null });
    await new Promise((r) => setTimeout(r, 1100));
    // GET after a long idle: retried on a fresh connection, the caller sees only the answer.
    expect(await send(p)).toMatchObject({ status: 200, body: 'ok', error: null });
    expect(perSocket).toEqual([2, 1]);
    await new Promise((r) => setTimeout(r, 1100));
    // POST is not repeated: the server might have acted on it.
    const post = await send(p, { method: 'POST', body: 'x' });
    expect(post.error?.code).toBe('ECONNRESET');
    // A connection reset while busy (no long idle) is the server's failure, reported as is.
    expect(await send(p)).toMatchObject({ status: 200, error: null });
    expect(await send(p)).toMatchObject({ error: { code: 'ECONNRESET' } });
    await p.destroy();
    expect(perSocket).toEqual([2, 2, 2]);
  });

  it('aborts an in-flight request through its controller and fails queued ones on destroy', async () => {
    const url = await rawServer(() => undefined); // never answers
    const p = pool(url, 1);
    let controller: { abort(e: Error): void } | null = null;
    const first = new Promise<Error>((resolve) =>
      p.dispatch({ path: '/', method: 'GET', headers: [] } as Dispatcher.DispatchOptions, {
        onRequestStart: (c) => {
          controller = c as unknown as { abort(e: Error): void };
          setTimeout(
            () =>
              controller?.abort(Object.assign(new Error('deadline'), { code: 'SHIPGATE_REQUEST_TIMEOUT' })),
            20,
          );
        },
        onResponseError: (_c, err) => resolve(err),
      }),
    );
    expect((await first).message).toBe('deadline');
    const stuck = send(p);
    const queued = send(p);
    await new Promise((r) => setTimeout(r, 20));
    await p.destroy();
    expect((await stuck).error?.code).toBe('UND_ERR_DESTROYED');
    expect((await queued).error?.code).toBe('UND_ERR_DESTROYED');
  });
});
