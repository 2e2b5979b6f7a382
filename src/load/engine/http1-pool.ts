import { connect, type Socket } from 'node:net';
import type { Dispatcher } from 'undici';

/**
 * A minimal HTTP/1.1 keep-alive client for plain `http:` targets: the load engine's hot path.
 *
 * undici builds a request object, validates every header and parses every response's headers
 * into an object for each request; for a load generator that sends the same few requests millions
 * of times that is most of its CPU per request. This pool writes each request as one prebuilt
 * buffer (cached per request template), parses only what it needs from the answer (status,
 * content-length, chunked, connection: close) and calls the same dispatch-handler methods undici
 * does, so the engine's Exchange works with either. TLS, proxies and HTTP/2 stay with undici.
 *
 * One request per connection at a time (no pipelining); requests beyond the connection limit wait
 * in a queue, which is what the open model's corrected latency measures.
 */

/** What the engine needs of a dispatcher; undici's Pool fits too. */
export interface LoadDispatcher {
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean;
  destroy(): Promise<void>;
}

export interface Http1PoolOptions {
  connections: number;
  connectTimeout: number;
}

interface Pending {
  options: Dispatcher.DispatchOptions;
  handler: Dispatcher.DispatchHandler;
}

const CRLF2 = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 64 * 1024;

function socketError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** The per-connection controller handed to handlers; reused across the connection's requests. */
class Controller {
  readonly conn: Connection;
  aborted = false;
  paused = false;
  reason: Error | null = null;
  rawHeaders: Buffer[] = [];
  /** Bytes of the status line and headers on the wire, so the engine need not re-count them. */
  headerBytes = 0;

  constructor(conn: Connection) {
    this.conn = conn;
  }

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.conn.fail(reason);
  }

  pause(): void {}
  resume(): void {}
}

type BodyMode = 'none' | 'length' | 'chunked' | 'close';

class Connection {
  readonly pool: Http1Pool;
  readonly socket: Socket;
  readonly controller: Controller;
  connected = false;
  current: Pending | null = null;
  dead = false;
  private head: Buffer | null = null;
  private inHead = true;
  private status = 0;
  private mode: BodyMode = 'none';
  private remaining = 0;
  private keepAlive = true;
  /** Chunked decoding: bytes of the current chunk still to deliver, then its CRLF. */
  private chunkLeft = 0;
  private chunkState: 'size' | 'data' | 'crlf' | 'trailers' = 'size';
  private line: Buffer | null = null;

  constructor(pool: Http1Pool, host: string, port: number, connectTimeout: number) {
    this.pool = pool;
    this.controller = new Controller(this);
    this.socket = connect({ host, port, noDelay: true });
    this.socket.setTimeout(connectTimeout);
    this.socket.on('connect', () => {
      this.connected = true;
      this.socket.setTimeout(0);
      if (this.current) this.write();
    });
    this.socket.on('timeout', () => {
      if (!this.connected)
        this.fail(socketError(`connect timed out after ${connectTimeout} ms`, 'ETIMEDOUT'));
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => {
      if (this.mode === 'close' && this.current && !this.inHead) {
        this.complete();
        return;
      }
      this.fail(socketError('the server closed the connection', 'ECONNRESET'));
    });
  }

  assign(p: Pending): void {
    this.current = p;
    this.inHead = true;
    this.head = null;
    this.controller.aborted = false;
    this.controller.reason = null;
    if (this.connected) this.write();
  }

  private write(): void {
    const p = this.current as Pending;
    this.socket.write(this.pool.requestBytes(p.options));
    p.handler.onRequestStart?.(this.controller as unknown as Dispatcher.DispatchController, {});
  }

  /** Ends this connection; the request on it, if any, fails with `err`. */
  fail(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    const p = this.current;
    this.current = null;
    this.pool.removed(this);
    if (p) p.handler.onResponseError?.(this.controller as unknown as Dispatcher.DispatchController, err);
  }

  private onData(chunk: Buffer): void {
    if (!this.current) {
      // Bytes nobody asked for: the connection is out of step with the protocol.
      this.fail(socketError('unexpected data from the server', 'UND_ERR_SOCKET'));
      return;
    }
    let data = chunk;
    if (this.inHead) {
      const buf = this.head ? Buffer.concat([this.head, chunk]) : chunk;
      const end = buf.indexOf(CRLF2);
      if (end < 0) {
        if (buf.length > MAX_HEADER_BYTES)
          this.fail(socketError('response headers too large', 'UND_ERR_HEADERS_OVERFLOW'));
        else this.head = buf;
        return;
      }
      this.head = null;
      if (!this.parseHead(buf, end)) return;
      data = buf.subarray(end + 4);
      if (this.status < 200) {
        // 100 Continue and other interim answers: the real response follows.
        this.inHead = true;
        if (data.length) this.onData(data);
        return;
      }
      const handler = (this.current as Pending).handler;
      handler.onResponseStart?.(
        this.controller as unknown as Dispatcher.DispatchController,
        this.status,
        {},
        '',
      );
      if (this.dead || !this.current) return;
      if (this.mode === 'none' || (this.mode === 'length' && this.remaining === 0)) {
        if (data.length) this.fail(socketError('unexpected data after the response', 'UND_ERR_SOCKET'));
        else this.complete();
        return;
      }
    }
    this.onBody(data);
  }

  /** Reads the status line and the headers this client acts on. False when it failed the request. */
  private parseHead(buf: Buffer, end: number): boolean {
    const text = buf.toString('latin1', 0, end);
    const lines = text.split('\r\n');
    const statusLine = lines[0] ?? '';
    const status = Number(statusLine.slice(9, 12));
    if (!statusLine.startsWith('HTTP/1.') || !(status >= 100 && status < 1000)) {
      this.fail(
        socketError(`not an HTTP/1.x response: ${JSON.stringify(statusLine.slice(0, 40))}`, 'UND_ERR_SOCKET'),
      );
      return false;
    }
    this.status = status;
    this.inHead = false;
    let length = -1;
    let chunked = false;
    this.keepAlive = statusLine.startsWith('HTTP/1.1');
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      if (name === 'content-length') length = Number(line.slice(colon + 1).trim());
      else if (name === 'transfer-encoding') chunked = /chunked\s*$/i.test(line.slice(colon + 1));
      else if (name === 'connection') {
        const v = line
          .slice(colon + 1)
          .trim()
          .toLowerCase();
        if (v === 'close') this.keepAlive = false;
        else if (v === 'keep-alive') this.keepAlive = true;
      }
    }
    this.controller.headerBytes = end + 4;
    const method = (this.current as Pending).options.method;
    if (status < 200 || status === 204 || status === 304 || method === 'HEAD') this.mode = 'none';
    else if (chunked) {
      this.mode = 'chunked';
      this.chunkState = 'size';
      this.line = null;
    } else if (length >= 0 && Number.isFinite(length)) {
      this.mode = 'length';
      this.remaining = length;
    } else {
      this.mode = 'close';
      this.keepAlive = false;
    }
    return true;
  }

  private onBody(data: Buffer): void {
    const p = this.current as Pending;
    const controller = this.controller as unknown as Dispatcher.DispatchController;
    if (this.mode === 'length') {
      if (data.length > this.remaining) {
        this.fail(socketError('more body than content-length said', 'UND_ERR_SOCKET'));
        return;
      }
      if (data.length) p.handler.onResponseData?.(controller, data);
      this.remaining -= data.length;
      if (this.remaining === 0 && this.current === p && !this.dead) this.complete();
      return;
    }
    if (this.mode === 'close') {
      if (data.length) p.handler.onResponseData?.(controller, data);
      return;
    }
    this.onChunked(data, p, controller);
  }

  private onChunked(input: Buffer, p: Pending, controller: Dispatcher.DispatchController): void {
    let data = input;
    while (data.length > 0 && this.current === p && !this.dead) {
      if (this.chunkState === 'data') {
        const n = Math.min(this.chunkLeft, data.length);
        p.handler.onResponseData?.(controller, data.subarray(0, n));
        this.chunkLeft -= n;
        data = data.subarray(n);
        if (this.chunkLeft === 0) this.chunkState = 'crlf';
        continue;
      }
      // size, crlf and trailers are line-based.
      const nl = data.indexOf(10);
      if (nl < 0) {
        this.line = this.line ? Buffer.concat([this.line, data]) : data;
        if (this.line.length > 4096) this.fail(socketError('malformed chunked body', 'UND_ERR_SOCKET'));
        return;
      }
      const part = data.subarray(0, nl + 1);
      const lineBuf = this.line ? Buffer.concat([this.line, part]) : part;
      this.line = null;
      data = data.subarray(nl + 1);
      const line = lineBuf.toString('latin1').trim();
      if (this.chunkState === 'crlf') {
        if (line !== '') return this.fail(socketError('malformed chunked body', 'UND_ERR_SOCKET'));
        this.chunkState = 'size';
      } else if (this.chunkState === 'size') {
        const size = Number.parseInt(line.split(';')[0] as string, 16);
        if (!Number.isFinite(size) || size < 0)
          return this.fail(socketError('malformed chunk size', 'UND_ERR_SOCKET'));
        if (size === 0) this.chunkState = 'trailers';
        else {
          this.chunkLeft = size;
          this.chunkState = 'data';
        }
      } else if (line === '') {
        // The blank line after the (usually absent) trailers ends the message.
        if (data.length)
          return this.fail(socketError('unexpected data after the response', 'UND_ERR_SOCKET'));
        this.complete();
        return;
      }
    }
  }

  /** The response ended: free the connection first, so the handler's next request can reuse it. */
  private complete(): void {
    const p = this.current as Pending;
    this.current = null;
    this.inHead = true;
    if (this.keepAlive) this.pool.idle(this);
    else {
      this.dead = true;
      this.socket.destroy();
      this.pool.removed(this);
    }
    p.handler.onResponseEnd?.(this.controller as unknown as Dispatcher.DispatchController, {});
  }
}

export class Http1Pool implements LoadDispatcher {
  private readonly host: string;
  private readonly port: number;
  private readonly options: Http1PoolOptions;
  private readonly idleConns: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly queue: Pending[] = [];
  private readonly bytes = new WeakMap<object, Buffer>();
  private readonly hostHeader: string;
  private destroyed = false;

  constructor(origin: string, options: Http1PoolOptions) {
    const url = new URL(origin);
    if (url.protocol !== 'http:') throw new Error(`Http1Pool serves http: only, not ${url.protocol}`);
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port || 80);
    this.hostHeader = url.host;
    this.options = options;
  }

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const p: Pending = { options, handler };
    if (this.destroyed) {
      handler.onResponseError?.(
        null as unknown as Dispatcher.DispatchController,
        socketError('the pool is closed', 'UND_ERR_DESTROYED'),
      );
      return false;
    }
    const conn = this.idleConns.pop();
    if (conn) conn.assign(p);
    else if (this.all.size < this.options.connections) this.open().assign(p);
    else this.queue.push(p);
    return true;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    const queued = this.queue.splice(0);
    for (const c of [...this.all]) c.fail(socketError('the pool was closed', 'UND_ERR_DESTROYED'));
    for (const p of queued) {
      p.handler.onResponseError?.(
        null as unknown as Dispatcher.DispatchController,
        socketError('the pool was closed', 'UND_ERR_DESTROYED'),
      );
    }
  }

  /** The request as it goes on the wire, built once per request template. */
  requestBytes(options: Dispatcher.DispatchOptions): Buffer {
    const cached = this.bytes.get(options);
    if (cached) return cached;
    const headers = (options.headers ?? []) as string[];
    let head = `${options.method} ${options.path} HTTP/1.1\r\n`;
    let hasHost = false;
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = String(headers[i]);
      if (name.toLowerCase() === 'host') hasHost = true;
      if (name.toLowerCase() === 'content-length') continue;
      head += `${name}: ${headers[i + 1]}\r\n`;
    }
    if (!hasHost) head += `host: ${this.hostHeader}\r\n`;
    const body =
      options.body === undefined || options.body === null
        ? null
        : Buffer.from(options.body as string | Buffer);
    if (body) head += `content-length: ${body.length}\r\n`;
    else if (options.method === 'POST' || options.method === 'PUT' || options.method === 'PATCH')
      head += 'content-length: 0\r\n';
    head += '\r\n';
    const bytes = body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
    this.bytes.set(options, bytes);
    return bytes;
  }

  /** A connection finished its request: give it the next queued one, or keep it for later. */
  idle(conn: Connection): void {
    const next = this.queue.shift();
    if (next) conn.assign(next);
    else this.idleConns.push(conn);
  }

  removed(conn: Connection): void {
    this.all.delete(conn);
    const i = this.idleConns.indexOf(conn);
    if (i >= 0) this.idleConns.splice(i, 1);
    // A dead connection's place goes to the next waiting request, on a fresh connection.
    if (!this.destroyed && this.queue.length > 0 && this.all.size < this.options.connections) {
      this.open().assign(this.queue.shift() as Pending);
    }
  }

  private open(): Connection {
    const conn = new Connection(this, this.host, this.port, this.options.connectTimeout);
    this.all.add(conn);
    return conn;
  }
}
