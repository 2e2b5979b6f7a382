import { connect, type Socket } from 'node:net';

/**
 * Just enough of the Redis protocol (RESP2) to time PING and one configured command: commands go
 * out as arrays of bulk strings; replies are parsed whole, with a size bound so a hostile or
 * confused server cannot make the monitor buffer without end.
 */
export type RespValue = string | number | null | RespValue[] | RespError;

export class RespError extends Error {}

const MAX_REPLY_BYTES = 1024 * 1024;

export function encodeCommand(words: readonly string[]): Buffer {
  const parts = [`*${words.length}\r\n`];
  for (const w of words) parts.push(`$${Buffer.byteLength(w)}\r\n${w}\r\n`);
  return Buffer.from(parts.join(''));
}

/** Parses one reply from the start of `buf`; undefined when more bytes are needed. */
export function parseReply(buf: Buffer, start = 0): { value: RespValue; end: number } | undefined {
  const lineEnd = buf.indexOf('\r\n', start);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buf[start] ?? 0);
  const line = buf.toString('utf8', start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RespError(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const n = Number(line);
      if (n === -1) return { value: null, end: next };
      if (!Number.isInteger(n) || n < 0 || n > MAX_REPLY_BYTES) throw new Error(`bad bulk length ${line}`);
      if (buf.length < next + n + 2) return undefined;
      return { value: buf.toString('utf8', next, next + n), end: next + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n === -1) return { value: null, end: next };
      if (!Number.isInteger(n) || n < 0 || n > 100_000) throw new Error(`bad array length ${line}`);
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, at);
        if (!item) return undefined;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`not a Redis reply (starts with ${JSON.stringify(type)})`);
  }
}

/** A connection that sends one command at a time and waits for its reply. */
export class RespConnection {
  readonly #socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiting: { resolve: (v: RespValue) => void; reject: (e: Error) => void } | undefined;
  #failure: Error | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      if (this.#buffer.length > MAX_REPLY_BYTES + 1024) this.#fail(new Error('reply too large'));
      else this.#drain();
    });
    socket.on('error', (e) => this.#fail(e));
    socket.on('close', () => this.#fail(new Error('connection closed by the server')));
  }

  static open(host: string, port: number, timeoutMs: number): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, timeout: timeoutMs });
      socket.once('connect', () => {
        socket.setTimeout(0);
        resolve(new RespConnection(socket));
      });
      socket.once('timeout', () => {
        socket.destroy();
        reject(new Error(`no connection within ${timeoutMs} ms`));
      });
      socket.once('error', reject);
    });
  }

  command(words: readonly string[]): Promise<RespValue> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
      this.#socket.write(encodeCommand(words));
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #drain(): void {
    if (!this.#waiting) return;
    let parsed: ReturnType<typeof parseReply>;
    try {
      parsed = parseReply(this.#buffer);
    } catch (e) {
      this.#fail(e as Error);
      return;
    }
    if (!parsed) return;
    this.#buffer = this.#buffer.subarray(parsed.end);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting.resolve(parsed.value);
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(e);
    this.#socket.destroy();
  }
}
