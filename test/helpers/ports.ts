import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on right now: bound to an ephemeral port, then released. Used
 * both as a port to start a server on and as a port whose connections are refused.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
