/**
 * The shapes a connection shares with the I/O layer: socket addresses, paths and transmits. They are plain data,
 * structurally the same as the network simulator's (`@qk/netsim`) and the I/O actors', so neither side imports the
 * other.
 *
 * @module
 */

/** A UDP socket address: an IP literal (`'192.0.2.1'`, `'::1'`) and a port. The connection never parses it. */
export interface SocketAddress {
  /** The IP address as a string (treated as an opaque name). */
  readonly address: string;
  /** The UDP port. */
  readonly port: number;
}

/** The four-tuple a datagram travels on, seen from this endpoint. */
export interface Path {
  /** This endpoint's own address. */
  readonly local: SocketAddress;
  /** The peer's address. */
  readonly remote: SocketAddress;
}

/** One datagram to send, from {@link Connection.pollTransmit}. */
export interface Transmit {
  /** The UDP payload: one or more coalesced QUIC packets. Owned by the caller once returned. */
  readonly data: Uint8Array;
  /** Where to send it from and to. */
  readonly path: Path;
  /**
   * Pacing (RFC 9002 §7.7): the earliest time (ms, the connection's clock) the datagram may leave. Absent when it
   * may leave at once. The I/O layer holds the datagram until then.
   */
  readonly releaseTime?: number;
}

/** True when both addresses name the same IP and port. */
export function sameAddress(a: SocketAddress, b: SocketAddress): boolean {
  return a.address === b.address && a.port === b.port;
}
