/**
 * What a connection tells its application: a readonly discriminated union on `kind`, in the past tense, drained
 * with `Connection.pollEvent()`. Events are hints: stream and datagram data move only when the application pulls
 * them (`readStream`, `readDatagram`), so flow control follows consumption.
 *
 * @module
 */
import type { StreamEvent } from '../streams/events.js';

/** Why a connection closed. */
export type CloseCause =
  /** This side called `close()`. */
  | 'application'
  /** This side detected a transport error (the peer or its input broke a rule of RFC 9000). */
  | 'transportError'
  /** The TLS handshake failed on this side (CRYPTO_ERROR, 0x100 + alert). */
  | 'tlsAlert'
  /** A bug or an unexpected failure inside the connection: closed with INTERNAL_ERROR. */
  | 'internalError'
  /** The peer sent CONNECTION_CLOSE. */
  | 'peerClosed'
  /** Nothing was received for the idle timeout (RFC 9000 §10.1): closed silently. */
  | 'idleTimeout'
  /** The peer sent a stateless reset (RFC 9000 §10.3). */
  | 'statelessReset';

/** The connection closed, or began closing: it will not carry application data any more. */
export interface ConnectionClosedEvent {
  readonly kind: 'connectionClosed';
  /** Why. */
  readonly cause: CloseCause;
  /** The error code: a transport error code, or the application's when `application` is true. */
  readonly errorCode: number;
  /** The frame type that triggered a transport error, when known. */
  readonly frameType: number | undefined;
  /** The reason phrase (sent or received), or a description for idle timeouts and internal errors. */
  readonly reason: string;
  /** True for an application close (CONNECTION_CLOSE of type 0x1d). */
  readonly application: boolean;
  /** True when the peer closed (CONNECTION_CLOSE received or stateless reset). */
  readonly fromPeer: boolean;
}

/** Every event a connection reports. */
export type ConnectionEvent =
  | StreamEvent
  /** The TLS handshake completed (RFC 9001 §4.1.1): 1-RTT data can flow. */
  | { readonly kind: 'handshakeCompleted' }
  /** The handshake is confirmed (RFC 9001 §4.1.2): Handshake keys are gone, the peer knows it is done. */
  | { readonly kind: 'handshakeConfirmed' }
  /**
   * Datagrams can be read with `readDatagram()`: reported when the receive queue goes from empty to non-empty
   * (edge-triggered, like the stream events).
   */
  | { readonly kind: 'datagramReceived' }
  /** A connection ID of ours is now in use: a router should send datagrams carrying it to this connection. */
  | {
      readonly kind: 'connectionIdIssued';
      readonly sequenceNumber: number;
      readonly connectionId: Uint8Array;
      /** Its stateless reset token (RFC 9000 §10.3). */
      readonly statelessResetToken: Uint8Array;
    }
  /** A connection ID of ours was retired: a router should forget it. */
  | { readonly kind: 'connectionIdRetired'; readonly sequenceNumber: number; readonly connectionId: Uint8Array }
  | ConnectionClosedEvent;

/** The `kind` of a {@link ConnectionEvent}. */
export type ConnectionEventKind = ConnectionEvent['kind'];

/** For exhaustive switches: a compile error when a case is missing, a `TypeError` if reached anyway. */
export function assertNever(x: never, what = 'value'): never {
  throw new TypeError(`unexpected ${what}: ${JSON.stringify(x)}`);
}
