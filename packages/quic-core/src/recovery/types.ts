/**
 * Shared vocabulary of the recovery module: packet number spaces, the record kept for each sent packet, and the
 * constants RFC 9002 Appendix A names.
 *
 * Times are milliseconds on the caller's monotonic clock (fractional values are fine); sizes are bytes.
 *
 * @module
 */

/** The three packet number spaces (RFC 9000 §12.3); 0-RTT and 1-RTT share `'application'`. */
export type PacketNumberSpace = 'initial' | 'handshake' | 'application';

/** The packet number spaces in the order RFC 9002 Appendix A iterates them (kPacketNumberSpace). */
export const PACKET_NUMBER_SPACES: readonly PacketNumberSpace[] = ['initial', 'handshake', 'application'] as const;

/** Maximum reordering in packets before packet-threshold loss detection declares a packet lost (RFC 9002 §6.1.1). */
export const kPacketThreshold = 3;

/** Maximum reordering in time, as an RTT multiplier, before time-threshold loss detection (RFC 9002 §6.1.2). */
export const kTimeThreshold = 9 / 8;

/** Timer granularity in milliseconds (RFC 9002 §6.1.2). */
export const kGranularity = 1;

/** The RTT assumed before any sample, in milliseconds (RFC 9002 §6.2.2). */
export const kInitialRtt = 333;

/** Persistent congestion duration as a multiple of the PTO period (RFC 9002 §7.6.1). */
export const kPersistentCongestionThreshold = 3;

/** The default max_ack_delay transport parameter in milliseconds (RFC 9000 §18.2). */
export const kDefaultMaxAckDelay = 25;

/**
 * The QUIC transport error code PROTOCOL_VIOLATION (RFC 9000 §20.1). Recovery reports it as a value, not a thrown
 * error, so the connection (the one catch site) turns it into CONNECTION_CLOSE.
 */
export const PROTOCOL_VIOLATION = 0x0a;

/**
 * What the connection tells recovery about a packet it has just sent (RFC 9002 Appendix A.1.1).
 *
 * @typeParam T - the connection's opaque per-packet payload (for example the frames to retransmit), handed back
 *   unchanged when the packet is acknowledged or declared lost.
 */
export interface SentPacketInit<T> {
  /** The full (untruncated) packet number; strictly increasing within a space. */
  readonly packetNumber: number;
  /** When the packet was sent (ms). */
  readonly timeSent: number;
  /** Bytes sent in the packet: the QUIC header, payload and AEAD tag, without UDP or IP overhead (sent_bytes). */
  readonly size: number;
  /** Whether the packet contains ack-eliciting frames (anything but ACK, PADDING and CONNECTION_CLOSE). */
  readonly ackEliciting: boolean;
  /** Whether the packet counts toward bytes in flight: ack-eliciting or carrying PADDING (in_flight). */
  readonly inFlight: boolean;
  /** The connection's own record of what the packet carried. */
  readonly payload: T;
}

/**
 * Per-packet delivery-rate state snapshotted at send time (draft-cheng-iccrg-delivery-rate-estimation §3.2, and
 * draft-ietf-ccwg-bbr §4.1.2.1.2). Filled in by recovery, not by the connection.
 */
export interface DeliveryRateFields {
  /** C.delivered when the packet was sent: bytes delivered before it (P.delivered). */
  readonly delivered: number;
  /** C.delivered_time when the packet was sent (P.delivered_time). */
  readonly deliveredTime: number;
  /** C.first_send_time when the packet was sent (P.first_send_time). */
  readonly firstSentTime: number;
  /** Whether the connection was application-limited when the packet was sent (P.is_app_limited). */
  readonly isAppLimited: boolean;
  /** Bytes in flight just after this packet was sent, including it (P.tx_in_flight). */
  readonly txInFlight: number;
  /** C.lost when the packet was sent: bytes declared lost before it (P.lost, used by BBR). */
  readonly lost: number;
}

/** A packet recovery tracks: what the connection sent plus the delivery-rate snapshot. */
export interface SentPacket<T> extends SentPacketInit<T>, DeliveryRateFields {}

/**
 * The outcome of an ACK frame that breaks the rules: it acknowledges a packet number that was never sent or that
 * the sender skipped on purpose (the optimistic-ACK defence of RFC 9000 §21.4). The connection closes with
 * {@link PROTOCOL_VIOLATION}.
 */
export interface AckProtocolViolation {
  readonly kind: 'protocolViolation';
  /** Always {@link PROTOCOL_VIOLATION} (0x0a). */
  readonly errorCode: typeof PROTOCOL_VIOLATION;
  /** Human-readable reason for the CONNECTION_CLOSE frame. */
  readonly reason: string;
}
