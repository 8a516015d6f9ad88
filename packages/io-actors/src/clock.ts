/**
 * The clock of the I/O layer. Everything below io-actors is sans-io and takes `now` as an argument; this is where
 * `now` comes from: monotonic milliseconds (fractional), never wall-clock time.
 */

/** A source of monotonic milliseconds. Workers and routers take one so tests can observe the times they used. */
export type Clock = () => number;

/** `performance.now()`: monotonic ms since the process started. */
export const monotonicNow: Clock = () => performance.now();
