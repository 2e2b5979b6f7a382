/**
 * A loopback port nothing listens on right now, from outside the kernel's ephemeral range. Used
 * both as a port to start a server on and as a port whose connections are refused.
 */
export { freeLoopbackPort as freePort } from '../../src/deploy/ports.ts';
