/**
 * Whether latency-accuracy bounds apply in this run. `npm run test:coverage` instruments every
 * function, which slows the load generator itself; there the tests still run and check counts and
 * shapes, while the millisecond bounds are asserted by the plain `npm test` run that CI runs first.
 */
export const ACCURATE_TIMING = !process.env.SHIPGATE_UNDER_COVERAGE;
