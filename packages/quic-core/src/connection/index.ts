/**
 * The QUIC connection: a sans-io state machine joining the wire formats, packet protection, recovery, streams and
 * the TLS engine (RFC 9000, 9001, 9002, 9221).
 *
 * | file                  | role                                                            | RFC                    |
 * | --------------------- | --------------------------------------------------------------- | ---------------------- |
 * | `connection.ts`       | `Connection`: the public API and the one catch site             | 9000 §5, §10           |
 * | `config.ts`           | options, defaults and validation                                | 9000 §18.2             |
 * | `events.ts`           | `ConnectionEvent`                                               |                        |
 * | `timers.ts`           | the named timer table                                           | 9000 §10, 9002 §6      |
 * | `core.ts`             | connection state and shared transitions                         | 9001 §4.9, 9000 §10.2  |
 * | `space.ts`            | packet number spaces and what sent packets carried              | 9000 §12.3, §13.3      |
 * | `send.ts`             | packet assembly, coalescing, padding, limits, pacing            | 9000 §12.2, §14, §8.1  |
 * | `receive.ts`          | datagram and packet processing, frame dispatch                  | 9000 §12, §17          |
 * | `params.ts`           | our transport parameters, checks on the peer's                  | 9000 §7.3, §18         |
 * | `cids.ts`             | connection IDs and stateless reset tokens                       | 9000 §5.1, §10.3       |
 * | `handlers/*.ts`       | frame handling by family                                        | 9000 §19, 9221         |
 *
 * @module
 */
export { Connection } from './connection.js';
export type { AcceptOptions, CloseOptions, ConnectionStats, NegotiatedConnection } from './connection.js';
export { resolveTransportConfig } from './config.js';
export type {
  ClientConfig,
  ClientTlsConfig,
  ResolvedTransportConfig,
  ServerConfig,
  ServerTlsConfig,
  TransportConfig,
} from './config.js';
export type { ConnectionState } from './core.js';
export type { CloseCause, ConnectionClosedEvent, ConnectionEvent, ConnectionEventKind } from './events.js';
export { TIMER_ORDER } from './timers.js';
export type { TimerName } from './timers.js';
export { sameAddress } from './types.js';
export type { Path, SocketAddress, Transmit } from './types.js';
