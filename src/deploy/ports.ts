import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/*
 * A port picked now and listened on later (a colour starts seconds after its environment is made)
 * must not be one the kernel hands out by itself. The kernel gives outgoing connections and
 * listen(0) ports from its ephemeral range, and a client port there blocks a later listen while
 * the connection lives and for the minute its TIME_WAIT lasts — on a machine running a load test,
 * thousands of them. So ports are picked below that range, where only explicit binds land.
 */
const LOWEST = 20_000;
/** Enough room that random picks by parallel processes rarely meet. */
const MIN_ROOM = 1000;
const ATTEMPTS = 50;

/** Never hand the same port out twice in one process: a pick is a reservation until it is bound. */
const handedOut = new Set<number>();

/** The kernel's ephemeral port range: Linux says; elsewhere the IANA dynamic range (macOS, Windows). */
export function ephemeralPortRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (low && high && low <= high) return [low, high];
  } catch {
    // not Linux
  }
  return [49152, 65535];
}

/**
 * A loopback port nothing listens on right now, outside the kernel's ephemeral range when there is
 * room below it: for demo, test and benchmark environments, and as a port whose connections are
 * refused.
 */
export async function freeLoopbackPort(): Promise<number> {
  const highest = ephemeralPortRange()[0] - 1;
  if (highest - LOWEST + 1 >= MIN_ROOM) {
    for (let i = 0; i < ATTEMPTS; i++) {
      const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
      if (handedOut.has(port)) continue;
      if ((await listenOnce(port)) !== undefined) {
        handedOut.add(port);
        return port;
      }
    }
  }
  // The ephemeral range covers (nearly) everything, or the room below it is full: let the kernel pick.
  const port = await listenOnce(0);
  if (port === undefined) throw new Error('no free loopback port');
  return port;
}

/** Binds 127.0.0.1:port and releases it: the port bound, or undefined when it is taken. */
function listenOnce(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/**
 * Whether something accepts TCP connections on host:port: true when a connection opens, false
 * when it is refused, undefined when neither happens within `timeoutMs` (a firewall, a slow host).
 */
export function acceptsConnections(
  host: string,
  port: number,
  timeoutMs = 1000,
): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? false : undefined));
  });
}
