/**
 * A loopback port nothing listens on right now: bound to an ephemeral port, then released. Used
 * both as a port to start a server on and as a port whose connections are refused.
 */
export { freeLoopbackPort as freePort } from '../../src/deploy/ports.ts';
