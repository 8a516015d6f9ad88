import { copyStats, createTrafficStats, type EndpointStats } from './stats.js';
import type { SimEndpoint, SocketAddress } from './types.js';

/** The simulator's bookkeeping for one endpoint. Internal. */
export interface EndpointState {
  readonly name: string;
  readonly endpoint: SimEndpoint;
  /** Addresses bound to this endpoint (one per simulated socket). */
  readonly locals: SocketAddress[];
  readonly stats: EndpointStats;
  /** Pacing: no `pollTransmit` before this time (a paced transmit is waiting to be released). */
  busyUntil: number;
  /** The deadline the pending timer event stands for, or `undefined` when none is pending. */
  timerDeadline: number | undefined;
  /** Bumped whenever the deadline changes; a timer event with an older generation is stale and skipped. */
  timerGeneration: number;
  /** For livelock detection: the time of the last timer firing and how many firings happened at that time. */
  lastFireTime: number;
  firesAtInstant: number;
}

/** Creates the bookkeeping for a freshly added endpoint. */
export function createEndpointState(name: string, endpoint: SimEndpoint): EndpointState {
  return {
    name,
    endpoint,
    locals: [],
    stats: { ...createTrafficStats(), receivedDatagrams: 0, receivedBytes: 0, timeoutsFired: 0, paced: 0 },
    busyUntil: -Infinity,
    timerDeadline: undefined,
    timerGeneration: 0,
    lastFireTime: NaN,
    firesAtInstant: 0,
  };
}

/** What a handle needs from the simulator. */
export interface EndpointControl {
  bind(state: EndpointState, local: SocketAddress): void;
  wake(state: EndpointState): void;
}

/**
 * An endpoint placed in a simulation: its name, the object itself, its addresses and counters.
 * Returned by `Simulator.addEndpoint`.
 */
export class EndpointHandle<E extends SimEndpoint = SimEndpoint> {
  readonly #state: EndpointState;
  readonly #control: EndpointControl;
  /** The endpoint under test. */
  readonly endpoint: E;

  /** @internal Use `Simulator.addEndpoint`. */
  constructor(state: EndpointState, endpoint: E, control: EndpointControl) {
    this.#state = state;
    this.endpoint = endpoint;
    this.#control = control;
  }

  /** The name used in traces and error messages. */
  get name(): string {
    return this.#state.name;
  }

  /** The addresses bound to this endpoint, in binding order (the first is its primary address). */
  get addresses(): readonly SocketAddress[] {
    return [...this.#state.locals];
  }

  /** The primary (first bound) address. */
  get address(): SocketAddress {
    return this.#state.locals[0] as SocketAddress;
  }

  /** The deadline of the pending timer event, or `undefined`. */
  get timerDeadline(): number | undefined {
    return this.#state.timerDeadline;
  }

  /** Pacing: the endpoint is not polled for transmits before this time (`-Infinity` when never paced). */
  get busyUntil(): number {
    return this.#state.busyUntil;
  }

  /**
   * Binds one more local address (another simulated socket), e.g. a new port for client-initiated migration.
   * Throws `RangeError` if the host does not exist or the address is taken.
   */
  bind(local: SocketAddress): void {
    this.#control.bind(this.#state, local);
  }

  /**
   * Asks the simulator to poll this endpoint at the current virtual time, after a command given outside the
   * event loop (opening a stream, writing data, closing). Call it after such commands, or nothing is sent.
   */
  wake(): void {
    this.#control.wake(this.#state);
  }

  /** A snapshot of this endpoint's counters. */
  stats(): EndpointStats {
    return copyStats(this.#state.stats);
  }
}
