/**
 * A simulated endpoint broke the driving contract (sent from an address it is not bound to, returned a non-number
 * deadline, produced endless transmits at one instant). These are bugs in the code under test, not protocol
 * errors, so they do not extend `ProtocolError`. Misuse of the simulator's own API throws `TypeError` or
 * `RangeError` instead.
 */
export class SimulationError extends Error {
  override readonly name: string = 'SimulationError';
  constructor(message: string) {
    super(message);
  }
}

/**
 * Virtual time stopped advancing: an endpoint kept returning a deadline at or before `now` without its timer
 * moving forward, or too many events ran at one instant.
 */
export class LivelockError extends SimulationError {
  override readonly name: string = 'LivelockError';
  /** The virtual time (ms) at which the simulation got stuck. */
  readonly time: number;
  /** The endpoint whose timer kept firing, when one is to blame. */
  readonly endpoint: string | undefined;
  constructor(message: string, time: number, endpoint?: string) {
    super(message);
    this.time = time;
    this.endpoint = endpoint;
  }
}
