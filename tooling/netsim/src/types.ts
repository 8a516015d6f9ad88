/**
 * The endpoint shape the simulator drives. It is exactly what a sans-io QUIC connection exposes (STYLE.md's "four
 * verb families": inputs `handleDatagram` / `handleTimeout`, outputs `pollTransmit` / `pollTimeout`), so
 * `@qk/quic-core` satisfies it structurally and netsim never imports it.
 */

/** A UDP socket address: an IPv4 or IPv6 literal (`'10.0.0.1'`, `'::1'`) and a port. */
export interface SocketAddress {
  /** The IP address as a string; the simulator treats it as an opaque name. */
  readonly address: string;
  /** The UDP port, 1 to 65535. */
  readonly port: number;
}

/** The four-tuple a datagram travels on, seen from one endpoint. */
export interface Path {
  /** This endpoint's own address (behind a NAT: its private address, never the mapped one). */
  readonly local: SocketAddress;
  /** The peer's address as this endpoint sees it (a NAT's external mapping when the peer sits behind one). */
  readonly remote: SocketAddress;
}

/** One datagram an endpoint wants sent. */
export interface Transmit {
  /** The UDP payload. The simulator copies it when it takes it, so the endpoint may reuse its buffer. */
  readonly data: Uint8Array;
  /** `local` must be an address the endpoint is bound to; `remote` is where the datagram goes. */
  readonly path: Path;
  /**
   * Pacing: the earliest time (absolute virtual ms) the datagram may leave. When later than `now`, the simulator
   * sends it then and does not poll this endpoint for another transmit before that time.
   */
  readonly releaseTime?: number;
}

/**
 * A sans-io endpoint the simulator can drive. Call order after every input (a datagram, a timer, a wake-up):
 * the input method, then `pollTransmit(now)` until it returns `undefined` (or a paced transmit makes the socket
 * busy), then `pollTimeout()`.
 */
export interface SimEndpoint {
  /** Input: a datagram arrived on `path` at `now`. */
  handleDatagram(data: Uint8Array, path: Path, now: number): void;
  /** Output: the next datagram to send, or `undefined` when there is nothing to send right now. */
  pollTransmit(now: number): Transmit | undefined;
  /** Output: the earliest deadline (absolute virtual ms) at which `handleTimeout` must run, or `undefined`. */
  pollTimeout(): number | undefined;
  /** Input: a deadline returned by `pollTimeout` has been reached. */
  handleTimeout(now: number): void;
}

/** `'10.0.0.1:4433'`, or `'[::1]:4433'` for IPv6 literals. Used for keys, traces and messages. */
export function formatAddress(a: SocketAddress): string {
  return a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/** True when both addresses name the same IP and port. */
export function sameAddress(a: SocketAddress, b: SocketAddress): boolean {
  return a.address === b.address && a.port === b.port;
}

/** Throws `RangeError`/`TypeError` naming `what` unless `a` is a usable socket address. */
export function checkSocketAddress(a: SocketAddress, what: string): void {
  if (typeof a !== 'object' || a === null) throw new TypeError(`${what} must be a SocketAddress`);
  if (typeof a.address !== 'string' || a.address.length === 0) {
    throw new TypeError(`${what}.address must be a non-empty string`);
  }
  if (!Number.isInteger(a.port) || a.port < 1 || a.port > 65535) {
    throw new RangeError(`${what}.port must be an integer in 1..65535, got ${String(a.port)}`);
  }
}
