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
  /** Already sent once on a connection the server had closed while idle. */
  retried?: boolean;
}

/** A connection idle this long may have been closed by the server just as we reuse it. */
const STALE_IDLE_MS = 1000;
/** Stop reusing a connection this long before the server's announced keep-alive timeout. */
const KEEP_ALIVE_MARGIN_MS = 1000;
/** Methods safe to send again when the first attempt met a closed idle connection (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

const CRLF2 = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 64 * 1024;

const CONTENT_LENGTH = 0;
const TRANSFER_ENCODING = 1;
const CONNECTION = 2;
const KEEP_ALIVE = 3;
const HEADER_NAMES = ['content-length', 'transfer-encoding', 'connection', 'keep-alive'].map((n) =>
  Buffer.from(n, 'latin1'),
);

/** Which of HEADER_NAMES the name at buf[start, colon) is, ignoring case; -1 for any other. */
function headerAt(buf: Buffer, start: number, colon: number): number {
  const length = colon - start;
  for (let h = CONTENT_LENGTH; h <= KEEP_ALIVE; h++) {
    const name = HEADER_NAMES[h] as Buffer;
    if (name.length !== length) continue;
    let i = 0;
    // | 0x20 lowercases letters and leaves '-' (0x2d) as it is.
    while (i < length && ((buf[start + i] as number) | 0x20) === name[i]) i++;
    if (i === length) return h;
  }
  return -1;
}

const HTTP1_PREFIX = Buffer.from('HTTP/1.', 'latin1');
const CLOSE = Buffer.from('close', 'latin1');
const KEEP_ALIVE_VALUE = Buffer.from('keep-alive', 'latin1');

const isSpace = (byte: number | undefined) => byte === 32 || byte === 9 || byte === 13;

/** The header value in buf[from, to) equals `lower` (lower-case), ignoring case and surrounding blanks. */
function valueIs(buf: Buffer, from: number, to: number, lower: Buffer): boolean {
  let a = from;
  let b = to;
  while (a < b && isSpace(buf[a])) a++;
  while (b > a && isSpace(buf[b - 1])) b--;
  if (b - a !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) if (((buf[a + i] as number) | 0x20) !== lower[i]) return false;
  return true;
}

/** A header value of 1 to 15 decimal digits between blanks, or -1. */
function decimalValue(buf: Buffer, from: number, to: number): number {
  let a = from;
  let b = to;
  while (a < b && isSpace(buf[a])) a++;
  while (b > a && isSpace(buf[b - 1])) b--;
  if (b === a || b - a > 15) return -1;
  let n = 0;
  for (let i = a; i < b; i++) {
    const d = digit(buf[i]);
    if (Number.isNaN(d)) return -1;
    n = n * 10 + d;
  }
  return n;
}

function digit(byte: number | undefined): number {
  return byte !== undefined && byte >= 48 && byte <= 57 ? byte - 48 : Number.NaN;
}

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
  /** The server's `Keep-Alive: timeout=…` in ms, when it announced one. */
  private keepAliveHintMs = -1;
  /** When the last response ended (the connection has been idle since); -1 while fresh. */
  private idleSince = -1;
  /** How long the connection had been idle when the current request was given to it. */
  private idleBefore = 0;
  /** Bytes of the current request's answer have arrived. */
  private answered = false;
  /** After this (performance.now() ms) the server may close the idle connection at any moment. */
  expiresAt = Number.POSITIVE_INFINITY;
  /** Chunked decoding: bytes of the current chunk still to deliver, then its CRLF. */
  private chunkLeft = 0;
  private chunkState: 'size' | 'data' | 'crlf' | 'trailers' = 'size';
  private line: Buffer | null = null;

  constructor(pool: Http1Pool, host: string, port: number, connectTimeout: number) {
    this.pool = pool;
    this.controller = new Controller(this);
    // Reads land in the pool's one buffer and come straight to onData, without a stream or a
    // fresh Buffer per read: so any bytes kept past onData are copied (the partial-head and
    // chunk-size line below, and bodies the engine collects).
    const buffer = pool.readBuffer;
    this.socket = connect({
      host,
      port,
      onread: {
        buffer,
        callback: (n: number) => {
          this.onData(buffer.subarray(0, n));
          return true;
        },
      },
    });
    // Small requests must leave at once, not wait for Nagle's algorithm to batch them.
    this.socket.setNoDelay(true);
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
    this.idleBefore = this.idleSince < 0 ? 0 : performance.now() - this.idleSince;
    this.answered = false;
    this.inHead = true;
    this.head = null;
    this.controller.aborted = false;
    this.controller.reason = null;
    if (this.connected) this.write();
  }

  private write(): void {
    const p = this.current as Pending;
    // As undici does: the handler hears of the request (and gets its controller) before the bytes
    // leave, so the write is part of the time measured and an abort from the handler is honoured.
    p.handler.onRequestStart?.(this.controller as unknown as Dispatcher.DispatchController, {});
    if (this.current === p && !this.dead) this.socket.write(this.pool.requestBytes(p.options));
  }

  /** Ends this connection; the request on it, if any, fails with `err`. */
  fail(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    const p = this.current;
    this.current = null;
    this.pool.removed(this);
    if (!p) return;
    // The keep-alive race: the server closed the connection after a long idle just as the request
    // went out, so it never saw it. Like browsers and Go, send a safe request once more, fresh.
    const stale = !this.answered && this.idleBefore >= STALE_IDLE_MS && !this.controller.aborted;
    if (stale && !p.retried && IDEMPOTENT.has(p.options.method)) {
      p.retried = true;
      this.pool.retry(p);
      return;
    }
    p.handler.onResponseError?.(this.controller as unknown as Dispatcher.DispatchController, err);
  }

  private onData(chunk: Buffer): void {
    if (!this.current) {
      // Bytes nobody asked for: the connection is out of step with the protocol.
      this.fail(socketError('unexpected data from the server', 'UND_ERR_SOCKET'));
      return;
    }
    this.answered = true;
    let data = chunk;
    if (this.inHead) {
      const buf = this.head ? Buffer.concat([this.head, chunk]) : chunk;
      const end = buf.indexOf(CRLF2);
      if (end < 0) {
        if (buf.length > MAX_HEADER_BYTES)
          this.fail(socketError('response headers too large', 'UND_ERR_HEADERS_OVERFLOW'));
        else this.head = buf === chunk ? Buffer.from(chunk) : buf;
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
    const status = digit(buf[9]) * 100 + digit(buf[10]) * 10 + digit(buf[11]);
    if (HTTP1_PREFIX.compare(buf, 0, 7) !== 0 || buf[8] !== 32 || !(status >= 100 && status < 1000)) {
      const statusLine = buf.toString('latin1', 0, Math.min(end, 40)).split('\r\n')[0];
      this.fail(socketError(`not an HTTP/1.x response: ${JSON.stringify(statusLine)}`, 'UND_ERR_SOCKET'));
      return false;
    }
    this.status = status;
    this.inHead = false;
    let length = -1;
    let chunked = false;
    this.keepAlive = buf[7] === 49; // HTTP/1.1 keeps the connection unless told otherwise
    // Only four headers matter here: names are matched as bytes and only their values decoded.
    for (let pos = buf.indexOf(10) + 1; pos > 0 && pos < end; ) {
      let eol = buf.indexOf(10, pos);
      if (eol < 0 || eol > end) eol = end;
      const colon = buf.indexOf(58, pos);
      const header = colon > pos && colon < eol ? headerAt(buf, pos, colon) : -1;
      if (header === CONTENT_LENGTH) {
        // Digits only, and a repeat must agree: anything else is how response smuggling starts.
        const value = decimalValue(buf, colon + 1, eol);
        if (value < 0 || (length >= 0 && value !== length)) {
          const text = buf.toString('latin1', colon + 1, eol).trim();
          this.fail(
            socketError(`invalid content-length: ${JSON.stringify(text.slice(0, 40))}`, 'UND_ERR_SOCKET'),
          );
          return false;
        }
        length = value;
      } else if (header === TRANSFER_ENCODING) {
        chunked = /chunked$/i.test(buf.toString('latin1', colon + 1, eol).trim());
      } else if (header === CONNECTION) {
        if (valueIs(buf, colon + 1, eol, CLOSE)) this.keepAlive = false;
        else if (valueIs(buf, colon + 1, eol, KEEP_ALIVE_VALUE)) this.keepAlive = true;
      } else if (header === KEEP_ALIVE) {
        const timeout = /timeout\s*=\s*(\d+)/i.exec(buf.toString('latin1', colon + 1, eol));
        if (timeout) this.keepAliveHintMs = Number(timeout[1]) * 1000;
      }
      pos = eol + 1;
    }
    this.controller.headerBytes = end + 4;
    const method = (this.current as Pending).options.method;
    if (status < 200 || status === 204 || status === 304 || method === 'HEAD') this.mode = 'none';
    else if (chunked) {
      this.mode = 'chunked';
      this.chunkState = 'size';
      this.line = null;
    } else if (length >= 0) {
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
        this.line = this.line ? Buffer.concat([this.line, data]) : Buffer.from(data);
        if (this.line.length > 4096) this.fail(socketError('malformed chunked body', 'UND_ERR_SOCKET'));
        return;
      }
      const part = data.subarray(0, nl + 1);
      const lineBuf = this.line ? Buffer.concat([this.line, part]) : part;
      this.line = null;
      data = data.subarray(nl + 1);
      const line = lineBuf.toString('latin1').trim();
      if (this.chunkState === 'crlf') {
        if (line !== '') {
          this.fail(socketError('malformed chunked body', 'UND_ERR_SOCKET'));
          return;
        }
        this.chunkState = 'size';
      } else if (this.chunkState === 'size') {
        const size = Number.parseInt(line.split(';')[0] as string, 16);
        if (!Number.isFinite(size) || size < 0) {
          this.fail(socketError('malformed chunk size', 'UND_ERR_SOCKET'));
          return;
        }
        if (size === 0) this.chunkState = 'trailers';
        else {
          this.chunkLeft = size;
          this.chunkState = 'data';
        }
      } else if (line === '') {
        // The blank line after the (usually absent) trailers ends the message.
        if (data.length) {
          this.fail(socketError('unexpected data after the response', 'UND_ERR_SOCKET'));
          return;
        }
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
    if (this.keepAlive) {
      this.idleSince = performance.now();
      if (this.keepAliveHintMs >= 0)
        this.expiresAt = this.idleSince + this.keepAliveHintMs - KEEP_ALIVE_MARGIN_MS;
      this.pool.idle(this);
    } else {
      this.dead = true;
      this.socket.destroy();
      this.pool.removed(this);
    }
    p.handler.onResponseEnd?.(this.controller as unknown as Dispatcher.DispatchController, {});
  }
}

/**
 * An HTTP/1.1 request exactly as this client writes it: request line, the template's headers
 * (`content-length` recomputed), `host` and `connection: keep-alive` unless given, then the body.
 * The engine counts `bytesOut` from the same bytes.
 */
export function wireRequest(options: Dispatcher.DispatchOptions, hostHeader: string): Buffer {
  const headers = (options.headers ?? []) as string[];
  let head = `${options.method} ${options.path} HTTP/1.1\r\n`;
  let hasHost = false;
  let hasConnection = false;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = String(headers[i]).toLowerCase();
    if (name === 'host') hasHost = true;
    if (name === 'connection') hasConnection = true;
    if (name === 'content-length') continue;
    head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  }
  if (!hasHost) head += `host: ${hostHeader}\r\n`;
  // Keep-alive is HTTP/1.1's default; it is said anyway, as undici says it.
  if (!hasConnection) head += 'connection: keep-alive\r\n';
  const body =
    options.body === undefined || options.body === null ? null : Buffer.from(options.body as string | Buffer);
  if (body) head += `content-length: ${body.length}\r\n`;
  else if (options.method === 'POST' || options.method === 'PUT' || options.method === 'PATCH')
    head += 'content-length: 0\r\n';
  head += '\r\n';
  return body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
}

export class Http1Pool implements LoadDispatcher {
  private readonly host: string;
  private readonly port: number;
  private readonly options: Http1PoolOptions;
  private readonly idleConns: Connection[] = [];
  private readonly all = new Set<Connection>();
  /** Requests waiting for a connection, oldest at `queueHead` (Array#shift is O(n) on long queues). */
  private queue: Pending[] = [];
  private queueHead = 0;
  private readonly bytes = new WeakMap<object, Buffer>();
  private readonly hostHeader: string;
  private destroyed = false;
  /** Where every connection's reads land; onData consumes them before the next read. */
  readonly readBuffer = Buffer.allocUnsafe(64 * 1024);

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
    if (!this.start(p)) this.queue.push(p);
    return true;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    const queued = this.queue.slice(this.queueHead);
    this.queue = [];
    this.queueHead = 0;
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
    const bytes = wireRequest(options, this.hostHeader);
    this.bytes.set(options, bytes);
    return bytes;
  }

  /** Sends a request again, ahead of anything queued: it has waited longest. */
  retry(p: Pending): void {
    if (this.destroyed) {
      p.handler.onResponseError?.(
        null as unknown as Dispatcher.DispatchController,
        socketError('the pool was closed', 'UND_ERR_DESTROYED'),
      );
      return;
    }
    if (this.start(p)) return;
    if (this.queueHead > 0) this.queue[--this.queueHead] = p;
    else this.queue.unshift(p);
  }

  /** Puts a request on an idle connection or a new one; false when all connections are busy. */
  private start(p: Pending): boolean {
    let conn = this.idleConns.pop();
    // A connection past the server's keep-alive timeout is closed rather than raced.
    while (conn && conn.expiresAt !== Number.POSITIVE_INFINITY && conn.expiresAt <= performance.now()) {
      conn.fail(socketError('idle past the server keep-alive timeout', 'ECONNRESET'));
      conn = this.idleConns.pop();
    }
    if (conn) conn.assign(p);
    else if (this.all.size < this.options.connections) this.open().assign(p);
    else return false;
    return true;
  }

  /** A connection finished its request: give it the next queued one, or keep it for later. */
  idle(conn: Connection): void {
    const next = this.dequeue();
    if (next) conn.assign(next);
    else this.idleConns.push(conn);
  }

  private dequeue(): Pending | undefined {
    if (this.queueHead >= this.queue.length) return undefined;
    const next = this.queue[this.queueHead++];
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    } else if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    return next;
  }

  removed(conn: Connection): void {
    this.all.delete(conn);
    const i = this.idleConns.indexOf(conn);
    if (i >= 0) this.idleConns.splice(i, 1);
    // A dead connection's place goes to the next waiting request, on a fresh connection.
    if (!this.destroyed && this.all.size < this.options.connections) {
      const next = this.dequeue();
      if (next) this.open().assign(next);
    }
  }

  private open(): Connection {
    const conn = new Connection(this, this.host, this.port, this.options.connectTimeout);
    this.all.add(conn);
    return conn;
  }
}
