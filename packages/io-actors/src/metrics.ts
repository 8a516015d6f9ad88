/**
 * Metrics with tokio-quiche's hook points (its `Metrics` trait: connections_in_memory, handshake_time_seconds,
 * accepted/rejected_initial_packet_count, write_errors, udp_drop_count, failed_handshakes, local/peer close codes),
 * as plain method calls: an exporter (Prometheus in the apps) implements {@link IoMetrics}; the default does nothing.
 * {@link CountingMetrics} keeps totals in memory for tests and status pages.
 */
import type { RejectedInitialReason } from './transport.js';
import { REJECTED_INITIAL_REASONS } from './transport.js';

/** Which handshake latency is measured (tokio-quiche's `QuicHandshakeStage`). */
export type HandshakeStage =
  /** Server: from reading the first Initial to the worker's first turn. */
  | 'queueWaiting'
  /** From the worker's first turn to handshake completion. */
  | 'handshakeProtocol'
  /** Server: from reading the first Initial to sending the first reply datagram. */
  | 'handshakeResponse';

/** Why the router or a worker dropped a received datagram (udp_drop_count, split by reason). */
export type DatagramDropReason =
  /** The connection's mailbox was full (QUIC recovers it as loss). */
  | 'mailboxFull'
  /** Unknown connection ID on a socket that does not accept, or the endpoint helper said drop. */
  | 'unroutable'
  /** Too short or malformed to read a connection ID from. */
  | 'unparseable'
  /** An unknown short-header datagram over the stateless reset rate limit (or too small to answer). */
  | 'statelessResetLimited'
  /** A reply (VN, Retry, reset) could not be queued on the socket. */
  | 'replyNotSent'
  /** Received after shutdown began. */
  | 'shuttingDown';

/** Every {@link DatagramDropReason}. */
export const DATAGRAM_DROP_REASONS: readonly DatagramDropReason[] = [
  'mailboxFull', 'unroutable', 'unparseable', 'statelessResetLimited', 'replyNotSent', 'shuttingDown',
];

/** The kind of UDP send error (tokio-quiche's `QuicWriteError`). */
export type WriteErrorKind =
  /** EAGAIN / EWOULDBLOCK: retried later. */
  | 'wouldBlock'
  /** ENOBUFS / ENOMEM: retried later. */
  | 'noBuffers'
  /** EMSGSIZE: the datagram is dropped (PMTU). */
  | 'messageTooBig'
  /** ENETUNREACH, EHOSTUNREACH, ECONNREFUSED, EADDRNOTAVAIL: dropped. */
  | 'unreachable'
  /** Anything else: dropped. */
  | 'other';

/** Every {@link WriteErrorKind}. */
export const WRITE_ERROR_KINDS: readonly WriteErrorKind[] = ['wouldBlock', 'noBuffers', 'messageTooBig', 'unreachable', 'other'];

/** Why a handshake failed (tokio-quiche's `HandshakeError`). */
export type HandshakeFailure = 'timeout' | 'connectionClosed' | 'aborted';

/** Replies the router sends without a connection. */
export type EndpointReplyKind = 'versionNegotiation' | 'retry' | 'statelessReset' | 'rejection';

/** A CONNECTION_CLOSE seen by a worker, for the local / peer close-code counters. */
export interface CloseCodeSample {
  readonly errorCode: number;
  readonly application: boolean;
  readonly fromPeer: boolean;
}

/** The hook points. Every method must be cheap and must not throw: they run on the hot path. */
export interface IoMetrics {
  /** Gauge: a connection (worker) was created (+1) or freed (-1). */
  connectionsInMemory(delta: 1 | -1): void;
  /** A handshake stage took `ms` milliseconds. */
  handshakeTime(stage: HandshakeStage, ms: number): void;
  /** A client Initial became a new connection. */
  acceptedInitialPacket(): void;
  /** A client Initial was discarded. */
  rejectedInitialPacket(reason: RejectedInitialReason): void;
  /** A datagram of `bytes` was read from a socket. */
  datagramReceived(bytes: number): void;
  /** A datagram of `bytes` was handed to the kernel. */
  datagramSent(bytes: number): void;
  /** A received datagram was dropped. */
  datagramDropped(reason: DatagramDropReason): void;
  /** A send failed (`retried` when it will be tried again). */
  writeError(kind: WriteErrorKind, retried: boolean): void;
  /** The router answered without a connection. */
  endpointReply(kind: EndpointReplyKind): void;
  /** A handshake did not complete. */
  failedHandshake(reason: HandshakeFailure): void;
  /** A connection closed with this code (local_/peer_quic_conn_close_error_count). */
  connectionClosed(sample: CloseCodeSample): void;
}

function noop(): void {}

/** Metrics that record nothing: the default. */
export const noopMetrics: IoMetrics = Object.freeze({
  connectionsInMemory: noop,
  handshakeTime: noop,
  acceptedInitialPacket: noop,
  rejectedInitialPacket: noop,
  datagramReceived: noop,
  datagramSent: noop,
  datagramDropped: noop,
  writeError: noop,
  endpointReply: noop,
  failedHandshake: noop,
  connectionClosed: noop,
});

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of keys) out[k] = 0;
  return out;
}

/**
 * In-memory totals of every hook point. Close codes are keyed `"local:0x0"`, `"peer:app:0x10c"`.
 *
 * @example
 * const metrics = new CountingMetrics();
 * const router = new InboundPacketRouter({ socket, localCidLength: 8, metrics });
 * // ... later
 * metrics.datagramsDropped.mailboxFull;
 */
export class CountingMetrics implements IoMetrics {
  /** Current connections in memory. */
  connections = 0;
  /** Highest value `connections` reached. */
  peakConnections = 0;
  acceptedInitials = 0;
  readonly rejectedInitials: Record<RejectedInitialReason, number> = zeroes(REJECTED_INITIAL_REASONS);
  datagramsIn = 0;
  bytesIn = 0;
  datagramsOut = 0;
  bytesOut = 0;
  readonly datagramsDropped: Record<DatagramDropReason, number> = zeroes(DATAGRAM_DROP_REASONS);
  readonly writeErrors: Record<WriteErrorKind, number> = zeroes(WRITE_ERROR_KINDS);
  /** Write errors that were retried. */
  writeRetries = 0;
  readonly replies: Record<EndpointReplyKind, number> = zeroes(['versionNegotiation', 'retry', 'statelessReset', 'rejection'] as const);
  readonly failedHandshakes: Record<HandshakeFailure, number> = zeroes(['timeout', 'connectionClosed', 'aborted'] as const);
  /** Samples of each handshake stage, in ms. */
  readonly handshakeTimes: Record<HandshakeStage, number[]> = { queueWaiting: [], handshakeProtocol: [], handshakeResponse: [] };
  /** Close code counts, keyed by side, kind and code in hex. */
  readonly closeCodes = new Map<string, number>();

  connectionsInMemory(delta: 1 | -1): void {
    this.connections += delta;
    if (this.connections > this.peakConnections) this.peakConnections = this.connections;
  }
  handshakeTime(stage: HandshakeStage, ms: number): void {
    const list = this.handshakeTimes[stage];
    if (list.length < 10_000) list.push(ms);
  }
  acceptedInitialPacket(): void {
    this.acceptedInitials++;
  }
  rejectedInitialPacket(reason: RejectedInitialReason): void {
    this.rejectedInitials[reason]++;
  }
  datagramReceived(bytes: number): void {
    this.datagramsIn++;
    this.bytesIn += bytes;
  }
  datagramSent(bytes: number): void {
    this.datagramsOut++;
    this.bytesOut += bytes;
  }
  datagramDropped(reason: DatagramDropReason): void {
    this.datagramsDropped[reason]++;
  }
  writeError(kind: WriteErrorKind, retried: boolean): void {
    this.writeErrors[kind]++;
    if (retried) this.writeRetries++;
  }
  endpointReply(kind: EndpointReplyKind): void {
    this.replies[kind]++;
  }
  failedHandshake(reason: HandshakeFailure): void {
    this.failedHandshakes[reason]++;
  }
  connectionClosed(sample: CloseCodeSample): void {
    const key = `${sample.fromPeer ? 'peer' : 'local'}:${sample.application ? 'app:' : ''}0x${sample.errorCode.toString(16)}`;
    this.closeCodes.set(key, (this.closeCodes.get(key) ?? 0) + 1);
  }
}
