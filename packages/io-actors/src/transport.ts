/**
 * The seam between the I/O actors and the sans-io transport: the least this package needs from a QUIC connection
 * (`QuicConnectionLike`) and from quic-core's endpoint helpers (`EndpointLike`). Both are structural, named after
 * STYLE.md's four verb families, so `@qk/quic-core`'s `Connection` fits `QuicConnectionLike` as it is and the
 * endpoint helpers need a few lines of adapter. Nothing here runs code except the small event guards.
 */

/** A UDP socket address: an IPv4 or IPv6 literal and a port (node's `rinfo` satisfies it). */
export interface SocketAddress {
  /** The IP address as a literal: `'127.0.0.1'`, `'::1'`, `'::ffff:127.0.0.1'` on a dual-stack socket. */
  readonly address: string;
  /** The UDP port, 0 to 65535. */
  readonly port: number;
}

/** The four-tuple a datagram travels on, seen from this endpoint. */
export interface Path {
  /** This endpoint's address: the socket's bound address (node:dgram cannot tell the destination of a wildcard bind). */
  readonly local: SocketAddress;
  /** The peer's address. */
  readonly remote: SocketAddress;
}

/** One datagram a connection wants sent (quic-core's `pollTransmit` result). */
export interface Transmit {
  /** The UDP payload. The socket may keep it until it is flushed: the connection must not reuse the buffer. */
  readonly data: Uint8Array;
  /** `local` picks the socket (when a connection has several); `remote` is the destination. */
  readonly path: Path;
  /** Pacing: the earliest monotonic time (ms) the datagram may leave; absent means now. */
  readonly releaseTime?: number;
}

/** A datagram on its way from the router to a worker's mailbox (tokio-quiche's `Incoming`). */
export interface Incoming {
  /** The sender. */
  readonly from: SocketAddress;
  /** The socket it arrived on. */
  readonly to: SocketAddress;
  /** The UDP payload: the receive buffer itself, never copied. */
  readonly data: Uint8Array;
  /** Monotonic ms at which the router read it. */
  readonly receivedAt: number;
}

/** The event shape the worker understands; every other `kind` is passed to the application untouched. */
export interface ConnectionEventLike {
  readonly kind: string;
}

/** quic-core's `connectionIdIssued`: a new local connection ID the router must route to this connection. */
export interface ConnectionIdIssuedEvent {
  readonly kind: 'connectionIdIssued';
  /** The connection ID bytes (the router copies them). */
  readonly connectionId: Uint8Array;
}

/** quic-core's `connectionIdRetired`: a local connection ID the router must forget. */
export interface ConnectionIdRetiredEvent {
  readonly kind: 'connectionIdRetired';
  readonly connectionId: Uint8Array;
}

/** quic-core's `connectionClosed`: the connection entered the closing or draining state. */
export interface ConnectionClosedEvent {
  readonly kind: 'connectionClosed';
  /** The transport or application error code carried by CONNECTION_CLOSE (0 for an idle timeout). */
  readonly errorCode: number;
  readonly reason: string;
  /** True for an application close (frame type 0x1d). */
  readonly application?: boolean;
  /** True when the peer closed; false when this endpoint did (or timed out). */
  readonly fromPeer?: boolean;
}

/** True for a `connectionIdIssued` event carrying its bytes. */
export function isConnectionIdIssued(e: ConnectionEventLike): e is ConnectionIdIssuedEvent {
  return e.kind === 'connectionIdIssued' && (e as Partial<ConnectionIdIssuedEvent>).connectionId instanceof Uint8Array;
}

/** True for a `connectionIdRetired` event carrying its bytes. */
export function isConnectionIdRetired(e: ConnectionEventLike): e is ConnectionIdRetiredEvent {
  return e.kind === 'connectionIdRetired' && (e as Partial<ConnectionIdRetiredEvent>).connectionId instanceof Uint8Array;
}

/** True for a `connectionClosed` event. */
export function isConnectionClosed(e: ConnectionEventLike): e is ConnectionClosedEvent {
  return e.kind === 'connectionClosed';
}

/** Options of a close command (quic-core: `close(code, reason, { application: true })`). */
export interface CloseOptions {
  /** Send an application CONNECTION_CLOSE (0x1d) instead of a transport one (0x1c). */
  readonly application?: boolean;
}

/**
 * What an {@link IoWorker} needs from a sans-io QUIC connection. The documented call order is quic-core's: an input
 * (`handleDatagram` or `handleTimeout`), then `pollEvent` until empty, then `pollTransmit` until `undefined`, then
 * `pollTimeout`. "Nothing to do" is `undefined`, never an exception.
 *
 * @typeParam E the connection's event union; the worker reads the four kinds above and hands every event to the app
 */
export interface QuicConnectionLike<E extends ConnectionEventLike = ConnectionEventLike> {
  /** Getter: the handshake completed (1-RTT keys both ways). */
  isEstablished(): boolean;
  /** Getter: closed for good (after closing/draining); the worker ends and forgets the connection. */
  isClosed(): boolean;
  /** Getter: the local connection IDs the router must route here now (mapped when the worker starts). */
  sourceConnectionIds(): readonly Uint8Array[];
  /** Input: a datagram arrived on `path` at `now`. Never throws on peer input. */
  handleDatagram(data: Uint8Array, path: Path, now: number): void;
  /** Input: the deadline from `pollTimeout` passed. */
  handleTimeout(now: number): void;
  /** Output: the next datagram, or `undefined` when there is nothing to send now. */
  pollTransmit(now: number): Transmit | undefined;
  /** Output: the earliest absolute deadline (monotonic ms), or `undefined`. */
  pollTimeout(): number | undefined;
  /** Output: the next event, or `undefined`. */
  pollEvent(): E | undefined;
  /** Command: start closing with CONNECTION_CLOSE. */
  close(errorCode: number, reason: string, options?: CloseOptions): void;
  /**
   * Command (optional): the worker moved the connection to a new local socket (client migration). The
   * connection should validate the new path and send on it from now on.
   */
  migrateTo?(local: SocketAddress, now: number): void;
  /**
   * Command (optional): issue fresh connection IDs if the peer has room for them (tokio-quiche tops them up in the
   * worker loop; quic-core's Connection may do it by itself, then it leaves this out).
   */
  topUpConnectionIds?(now: number): void;
}

/**
 * What the endpoint helpers decide for a datagram whose destination connection ID the router does not know
 * (quic-core's `classifyDatagram(datagram, { localCidLength, knownCid: () => false })`).
 */
export type UnknownDatagramDecision =
  | { readonly kind: 'accept' }
  | { readonly kind: 'versionNegotiation' }
  | { readonly kind: 'statelessReset' }
  | { readonly kind: 'drop'; readonly reason: string };

/** Why the router discarded a client Initial (tokio-quiche's `QuicInvalidInitialPacketError`, plus qk's own). */
export type RejectedInitialReason =
  /** A Retry or NEW_TOKEN token failed validation. */
  | 'tokenValidationFailed'
  /** The Initial could not be parsed. */
  | 'failedToParse'
  /** The accept backlog (handshakes in progress) is full. */
  | 'acceptQueueOverflow'
  /** The listener stopped accepting (shutdown). */
  | 'notAccepting'
  /** The application factory declined the connection. */
  | 'refused'
  /** The endpoint helper failed unexpectedly. */
  | 'unexpected';

/** Every {@link RejectedInitialReason}, for metrics labels. */
export const REJECTED_INITIAL_REASONS: readonly RejectedInitialReason[] = [
  'tokenValidationFailed', 'failedToParse', 'acceptQueueOverflow', 'notAccepting', 'refused', 'unexpected',
];

/** What accepting a client Initial produced. */
export type AcceptOutcome<C> =
  /** A new server connection; it has already consumed the datagram. */
  | { readonly kind: 'accepted'; readonly connection: C }
  /** Address validation first: send this Retry packet to the client. */
  | { readonly kind: 'retry'; readonly reply: Uint8Array }
  /** Not accepted; `reply` (e.g. a CONNECTION_CLOSE with INVALID_TOKEN) is sent when present. */
  | { readonly kind: 'rejected'; readonly reason: RejectedInitialReason; readonly reply?: Uint8Array };

/**
 * What the router needs from quic-core's endpoint helpers (`src/endpoint/`), for datagrams of unknown connection
 * IDs only: routing known ones is the router's own job. All sans-io; the router passes time in.
 */
export interface EndpointLike<C> {
  /** Classifies a datagram whose destination connection ID is not routed. Never throws. */
  classifyUnknown(datagram: Uint8Array): UnknownDatagramDecision;
  /** Accepts a client Initial classified `accept`: a new connection, a Retry, or a rejection. */
  accept(datagram: Uint8Array, path: Path, now: number): AcceptOutcome<C>;
  /** The Version Negotiation reply to a datagram classified `versionNegotiation`, if any. */
  versionNegotiation(datagram: Uint8Array): Uint8Array | undefined;
  /**
   * The stateless reset for a datagram classified `statelessReset`, or `undefined` (too small, or over a limiter of
   * the helper's own, e.g. quic-core's per-address `StatelessResetLimiter`). The router's global token bucket has
   * already allowed it.
   */
  statelessReset(datagram: Uint8Array, from: SocketAddress, now: number): Uint8Array | undefined;
}
