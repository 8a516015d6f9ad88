/**
 * @qk/quic-core: a sans-io QUIC transport (RFC 9000, 9001, 9002, 9221, 9369). Datagrams and time go in,
 * datagrams and deadlines come out; no sockets, timers or clock.
 *
 * The public surface is curated: versions and errors; the wire pieces the I/O layer needs to route datagrams
 * (peek, Version Negotiation, Retry) and transport parameters; Initial secrets, Retry integrity and address
 * tokens; congestion-controller names; and the stream types. The Connection joins them as it lands.
 *
 * @packageDocumentation
 */
export { QuicVersion, isReservedVersion, isSupportedVersion, longPacketTypeFromBits, versionParameters } from './versions.js';
export type { LongPacketType, SupportedVersion, VersionParameters } from './versions.js';
export { TransportError, TransportErrorCode, cryptoErrorCode, isCryptoError, transportErrorName } from './errors.js';
export type { TransportErrorName, TransportErrorOptions } from './errors.js';

export {
  FrameType, decodeFrame, decodeRetry, decodeTransportParameters, decodeVersionNegotiation, encodeFrame, encodeRetry,
  encodeTransportParameters, encodeVersionNegotiation, parsePacket, peekDatagram, sizeOfFrame,
  DEFAULT_TRANSPORT_PARAMETERS, TransportParameterId,
} from './wire/index.js';
export type { AckRange, DatagramPeek, Frame, FrameKind, PreferredAddress, TransportParameters } from './wire/index.js';

export {
  addressTokenKey, initialSecrets, retryIntegrityTag, sealNewToken, sealRetryToken, statelessResetToken,
  validateToken, verifyRetryIntegrity, aeadLimits,
} from './crypto/index.js';
export type { AddressTokenKey, TokenAddress, TokenValidation } from './crypto/index.js';

export { CongestionControllerName, createCongestionController } from './recovery/index.js';
export type { CongestionController, CongestionControllerOptions } from './recovery/index.js';

export type { StreamEvent } from './streams/events.js';
export type { StreamDirection, StreamInitiator } from './streams/stream-id.js';

export { Connection, TIMER_ORDER, resolveTransportConfig, sameAddress } from './connection/index.js';
export type {
  AcceptOptions, ClientConfig, ClientTlsConfig, CloseCause, CloseOptions, ConnectionClosedEvent, ConnectionEvent,
  ConnectionEventKind, ConnectionState, ConnectionStats, NegotiatedConnection, Path, ResolvedTransportConfig,
  ServerConfig, ServerTlsConfig, SocketAddress, TimerName, Transmit, TransportConfig,
} from './connection/index.js';

export {
  QuicLbConnectionIdGenerator, RandomConnectionIdGenerator, RetryPolicy, StatelessResetLimiter, buildStatelessReset,
  buildVersionNegotiation, classifyDatagram, isStatelessReset, quicLbServerId,
} from './endpoint/index.js';
export type {
  ClassifyOptions, ConnectionIdGenerator, DatagramClassification, InitialSummary, QuicLbConfig, RetryDecision,
  RouteDropReason, StatelessResetLimiterOptions,
} from './endpoint/index.js';

export { NOOP_QLOG_SINK, QLOG_VERSION, QlogRecorder, QlogWriter } from './qlog/index.js';
export type { QlogEventName, QlogSink } from './qlog/index.js';
export { BASE_PLPMTU, Pmtud, PmtudState } from './path/pmtud.js';
