/**
 * @qk/io-actors: the I/O layer of qk, after tokio-quiche. It puts a sans-io QUIC connection on node:dgram: one
 * {@link InboundPacketRouter} per UDP socket routes datagrams by connection ID to one {@link IoWorker} per
 * connection, which runs the connection, its timer and its application. This is the layer that owns sockets,
 * timers and the clock; everything below it is sans-io.
 *
 * @packageDocumentation
 */
export { UdpSocket, classifyWriteError } from './udp-socket.js';
export type { RawUdpSocket, UdpSendOptions, UdpSocketOptions, UdpSocketStats } from './udp-socket.js';
export { InboundPacketRouter } from './router.js';
export type {
  AcceptInfo, InboundPacketRouterOptions, RouterShutdownOptions, RouterShutdownSummary, RouterStats, WorkerSettings,
} from './router.js';
export { IoWorker, peerKey } from './worker.js';
export type { AnyIoWorker, IoWorkerOptions, IoWorkerStats, WorkerHost, WorkerShutdownOptions, WorkerState } from './worker.js';
export type { ApplicationHooks, CloseInfo, ConnectionResult, HandshakeInfo } from './application.js';
export {
  REJECTED_INITIAL_REASONS, isConnectionClosed, isConnectionIdIssued, isConnectionIdRetired,
} from './transport.js';
export type {
  AcceptOutcome, CloseOptions, ConnectionClosedEvent, ConnectionEventLike, ConnectionIdIssuedEvent,
  ConnectionIdRetiredEvent, EndpointLike, Incoming, Path, QuicConnectionLike, RejectedInitialReason, SocketAddress,
  Transmit, UnknownDatagramDecision,
} from './transport.js';
export { CountingMetrics, DATAGRAM_DROP_REASONS, WRITE_ERROR_KINDS, noopMetrics } from './metrics.js';
export type {
  CloseCodeSample, DatagramDropReason, EndpointReplyKind, HandshakeFailure, HandshakeStage, IoMetrics, WriteErrorKind,
} from './metrics.js';
export { ConnectionIdMap } from './cid-map.js';
export { BoundedQueue } from './queue.js';
export { TokenBucket } from './rate-limiter.js';
export { monotonicNow } from './clock.js';
export type { Clock } from './clock.js';
