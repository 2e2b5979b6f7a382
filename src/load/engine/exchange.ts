import type { Dispatcher } from 'undici';
import type { LoadDispatcher } from './http1-pool.ts';
import type { CompiledRequest } from './requests.ts';

/**
 * One in-flight request and, at the same time, the undici dispatch handler for it. Each virtual
 * user (closed model) or each concurrency slot (open model) owns one Exchange for the whole run and
 * reuses it for every request it sends: no promise, stream or closure is created per request, and
 * undici calls straight back into these methods. Times are `performance.now()` milliseconds
 * (fractional, sub-microsecond resolution), turned into integer microseconds only when recorded.
 */

export interface ExchangeOwner {
  /** Called exactly once per send: `err` is null when the response ended normally. */
  finish(exchange: Exchange, err: Error | null): void;
}

/** Bodies kept for checks are capped: a check never needs megabytes, and memory must stay flat. */
export const MAX_COLLECTED_BYTES = 1024 * 1024;

/** Bytes of a status line and the blank line ending the headers, which rawHeaders does not hold. */
const RESPONSE_FRAMING_BYTES = 'HTTP/1.1 200 OK\r\n\r\n'.length;

export class Exchange {
  readonly owner: ExchangeOwner;
  /** Owner-defined slot number (virtual-user index or concurrency slot). */
  readonly slot: number;

  req: CompiledRequest | null = null;
  active = false;
  /** When the engine handed the request to undici. */
  dispatchedAt = 0;
  /** Open model: when the schedule wanted it sent; -1 in the closed model. */
  intendedAt = -1;
  /** When undici started writing it on a connected socket (connect and queueing excluded). */
  sentAt = 0;
  firstByteAt = 0;
  status = 0;
  bytesIn = 0;
  /** Collect the body (JSON checks, login answers) instead of discarding it. */
  collect = false;
  /** Login exchanges always keep their body (the token is in it). */
  collectAlways = false;
  /** The collected body went past MAX_COLLECTED_BYTES and was cut off. */
  truncated = false;
  private chunks: Buffer[] = [];
  private collected = 0;
  private controller: Dispatcher.DispatchController | null = null;

  constructor(owner: ExchangeOwner, slot: number) {
    this.owner = owner;
    this.slot = slot;
  }

  send(pool: LoadDispatcher, req: CompiledRequest, now: number, intendedAt: number): void {
    this.req = req;
    this.active = true;
    this.dispatchedAt = now;
    this.intendedAt = intendedAt;
    this.sentAt = now;
    this.firstByteAt = 0;
    this.status = 0;
    this.bytesIn = 0;
    this.collect = req.expectJson !== null || this.collectAlways;
    this.truncated = false;
    this.collected = 0;
    if (this.chunks.length > 0) this.chunks = [];
    this.controller = null;
    pool.dispatch(req.options, this);
  }

  /** Cancels the request (deadline passed); undici then reports it through onResponseError. */
  abort(reason: Error): boolean {
    const c = this.controller;
    if (!this.active || !c || c.aborted) return false;
    c.abort(reason);
    return true;
  }

  bodyText(): string {
    if (this.chunks.length === 0) return '';
    const text =
      this.chunks.length === 1
        ? (this.chunks[0] as Buffer).toString('utf8')
        : Buffer.concat(this.chunks, this.collected).toString('utf8');
    return text;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.sentAt = performance.now();
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
    this.firstByteAt = performance.now();
    this.status = statusCode;
    // Http1Pool counts the head's bytes as it parses them; undici only gives the parsed headers.
    const counted = (controller as { headerBytes?: number }).headerBytes;
    const raw = controller.rawHeaders;
    let bytes = RESPONSE_FRAMING_BYTES;
    if (counted !== undefined) bytes = counted;
    else if (Array.isArray(raw)) {
      // Each name/value pair is framed by ": " and CRLF on the wire.
      for (let i = 0; i < raw.length; i++) bytes += (raw[i] as Buffer | string).length + 2;
    }
    this.bytesIn = bytes;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytesIn += chunk.length;
    if (!this.collect) return;
    if (this.collected + chunk.length > MAX_COLLECTED_BYTES) {
      this.truncated = true;
      this.collect = false;
      return;
    }
    // The chunk may be a view of the client's read buffer, reused by the next read.
    this.chunks.push(Buffer.from(chunk));
    this.collected += chunk.length;
  }

  onResponseEnd(): void {
    this.owner.finish(this, null);
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, err: Error): void {
    this.owner.finish(this, err);
  }
}
