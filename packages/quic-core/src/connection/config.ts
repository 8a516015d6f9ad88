/**
 * Connection configuration: one home for every option, its default and its validation (STYLE.md "Settings objects
 * have one home"). Names follow tokio-quiche's `QuicSettings` in camelCase where they fit, so configurations port.
 *
 * Misuse throws at once: `TypeError` for a wrong type, `RangeError` for a value out of range, with a one-line
 * message naming the option.
 *
 * @module
 */
import { MemoryTicketStore, StrikeRegister, TicketKeyManager } from '@qk/tls13';
import type { AntiReplay, TicketSealer, TicketStore, TlsClientConfig, TlsServerConfig } from '@qk/tls13';
import type { CongestionControllerName } from '../recovery/index.js';
import { isSupportedVersion, QuicVersion } from '../versions.js';
import { MAX_CONNECTION_ID_LENGTH } from '../wire/index.js';

/** The TLS options of a client connection: everything but what the connection fills in itself. */
export type ClientTlsConfig = Omit<TlsClientConfig, 'transportParameters' | 'mode'>;

/** The TLS options of a server connection: everything but what the connection fills in itself. */
export type ServerTlsConfig = Omit<TlsServerConfig, 'transportParameters' | 'mode'>;

/** Transport options both roles share. Every option is optional; the defaults are listed on each. */
export interface TransportConfig {
  /** QUIC version to speak (client; a server answers in the client's version). Default {@link QuicVersion.v1}. */
  readonly version?: number;
  /** max_idle_timeout in ms, 0 for none (RFC 9000 §10.1). Default 30000. */
  readonly maxIdleTimeout?: number;
  /** initial_max_data: bytes the peer may send on all streams before a MAX_DATA. Default 10000000. */
  readonly initialMaxData?: number;
  /** initial_max_stream_data_bidi_local: per-stream window on bidirectional streams we open. Default 1000000. */
  readonly initialMaxStreamDataBidiLocal?: number;
  /** initial_max_stream_data_bidi_remote: per-stream window on bidirectional streams the peer opens. Default 1000000. */
  readonly initialMaxStreamDataBidiRemote?: number;
  /** initial_max_stream_data_uni: per-stream window on unidirectional streams the peer opens. Default 1000000. */
  readonly initialMaxStreamDataUni?: number;
  /** initial_max_streams_bidi: bidirectional streams the peer may open. Default 100. */
  readonly initialMaxStreamsBidi?: number;
  /** initial_max_streams_uni: unidirectional streams the peer may open. Default 100. */
  readonly initialMaxStreamsUni?: number;
  /** Ceiling of the connection receive window under auto-tuning, in bytes. Default 25165824 (24 MiB). */
  readonly maxConnectionWindow?: number;
  /** Ceiling of a stream receive window under auto-tuning, in bytes. Default 16777216 (16 MiB). */
  readonly maxStreamWindow?: number;
  /** max_udp_payload_size we advertise: the largest datagram we accept (1200..65527). Default 65527. */
  readonly maxRecvUdpPayloadSize?: number;
  /** The largest datagram we send (1200..65527; the peer's max_udp_payload_size caps it). Default 1350. */
  readonly maxSendUdpPayloadSize?: number;
  /** ack_delay_exponent (0..20). Default 3. */
  readonly ackDelayExponent?: number;
  /** max_ack_delay in ms (0..16383). Default 25. */
  readonly maxAckDelay?: number;
  /** active_connection_id_limit: peer connection IDs we store (>= 2). Default 4. */
  readonly activeConnectionIdLimit?: number;
  /** disable_active_migration. Default false. */
  readonly disableActiveMigration?: boolean;
  /** Congestion controller: `'cubic'` (RFC 9438), `'new_reno'` (RFC 9002) or `'bbr'` (BBRv3). Default `'cubic'`. */
  readonly ccAlgorithm?: CongestionControllerName;
  /** Initial congestion window in packets (2..1000). Default 10. */
  readonly initialCongestionWindowPackets?: number;
  /** Stamp datagrams with pacing release times (RFC 9002 §7.7). Default true. */
  readonly enablePacing?: boolean;
  /** HyStart++ in CUBIC's slow start (RFC 9406). Default true. */
  readonly enableHystart?: boolean;
  /** Advertise and accept RFC 9221 DATAGRAM frames. Default false. */
  readonly enableDgram?: boolean;
  /** Received datagrams held until read (>= 1); more are dropped and counted. Default 128. */
  readonly dgramRecvMaxQueueLen?: number;
  /** Datagrams queued for sending (>= 1); `sendDatagram` returns false beyond. Default 128. */
  readonly dgramSendMaxQueueLen?: number;
  /** 0-RTT (not yet implemented by the connection; must stay false). Default false. */
  readonly enableEarlyData?: boolean;
  /** Length of the connection IDs we issue (0..20). Default 8. */
  readonly connectionIdLength?: number;
  /**
   * Key (>= 16 bytes) the stateless reset tokens of our connection IDs derive from (RFC 9000 §10.3.2): a server
   * that keeps it across restarts can still reset connections it forgot. Default: random per connection.
   */
  readonly statelessResetKey?: Uint8Array;
  /** RTT assumed before the first sample, in ms (RFC 9002 §6.2.2). Default 333. */
  readonly initialRtt?: number;
  /** Out-of-order CRYPTO data buffered per encryption level before CRYPTO_BUFFER_EXCEEDED. Default 65536. */
  readonly maxCryptoBuffer?: number;
}

/** A client connection's configuration. */
export interface ClientConfig extends TransportConfig {
  /** The TLS client options (provider, clock, ALPN, server name, trust store...). */
  readonly tls: ClientTlsConfig;
}

/** A server connection's configuration. */
export interface ServerConfig extends TransportConfig {
  /** The TLS server options (provider, clock, ALPN, certificate chain and key...). */
  readonly tls: ServerTlsConfig;
}

/** {@link TransportConfig} with every default filled in. */
export interface ResolvedTransportConfig {
  readonly version: number;
  readonly maxIdleTimeout: number;
  readonly initialMaxData: number;
  readonly initialMaxStreamDataBidiLocal: number;
  readonly initialMaxStreamDataBidiRemote: number;
  readonly initialMaxStreamDataUni: number;
  readonly initialMaxStreamsBidi: number;
  readonly initialMaxStreamsUni: number;
  readonly maxConnectionWindow: number;
  readonly maxStreamWindow: number;
  readonly maxRecvUdpPayloadSize: number;
  readonly maxSendUdpPayloadSize: number;
  readonly ackDelayExponent: number;
  readonly maxAckDelay: number;
  readonly activeConnectionIdLimit: number;
  readonly disableActiveMigration: boolean;
  readonly ccAlgorithm: CongestionControllerName;
  readonly initialCongestionWindowPackets: number;
  readonly enablePacing: boolean;
  readonly enableHystart: boolean;
  readonly enableDgram: boolean;
  readonly dgramRecvMaxQueueLen: number;
  readonly dgramSendMaxQueueLen: number;
  readonly enableEarlyData: boolean;
  readonly connectionIdLength: number;
  readonly statelessResetKey: Uint8Array | undefined;
  readonly initialRtt: number;
  readonly maxCryptoBuffer: number;
  /** max_datagram_frame_size we advertise when datagrams are enabled (RFC 9221 §3). */
  readonly maxDatagramFrameSize: number;
}

/** The largest DATAGRAM frame we accept when datagrams are on: any that fits a datagram. */
const MAX_DATAGRAM_FRAME_SIZE = 65535;
const MAX_UDP_PAYLOAD = 65527;
const MAX_VARINT_NUMBER = Number.MAX_SAFE_INTEGER;
const CC_NAMES: readonly CongestionControllerName[] = ['cubic', 'new_reno', 'bbr'];

function integer(c: TransportConfig, name: keyof TransportConfig, fallback: number, min: number, max: number): number {
  const v = c[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${typeof v}`);
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${v}`);
  return v;
}

function boolean(c: TransportConfig, name: keyof TransportConfig, fallback: boolean): boolean {
  const v = c[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${typeof v}`);
  return v;
}

/**
 * Validates the transport options and fills in defaults.
 *
 * @throws TypeError / RangeError naming the offending option
 * @example
 * const resolved = resolveTransportConfig({ maxIdleTimeout: 10_000, ccAlgorithm: 'bbr' });
 */
export function resolveTransportConfig(c: TransportConfig): ResolvedTransportConfig {
  if (typeof c !== 'object' || c === null) throw new TypeError('config must be an object');
  const version = c.version ?? QuicVersion.v1;
  if (typeof version !== 'number' || !isSupportedVersion(version)) {
    throw new RangeError(`version must be a supported QUIC version (v1 or v2), got ${String(version)}`);
  }
  const ccAlgorithm = c.ccAlgorithm ?? 'cubic';
  if (!CC_NAMES.includes(ccAlgorithm)) {
    throw new RangeError(`ccAlgorithm must be one of ${CC_NAMES.join(', ')}, got ${String(ccAlgorithm)}`);
  }
  const statelessResetKey = c.statelessResetKey;
  if (statelessResetKey !== undefined) {
    if (!(statelessResetKey instanceof Uint8Array)) throw new TypeError('statelessResetKey must be a Uint8Array');
    if (statelessResetKey.length < 16) throw new RangeError(`statelessResetKey must be at least 16 bytes, got ${statelessResetKey.length}`);
  }
  const initialRtt = c.initialRtt ?? 333;
  if (typeof initialRtt !== 'number') throw new TypeError('initialRtt must be a number');
  if (!(initialRtt > 0) || !Number.isFinite(initialRtt)) throw new RangeError(`initialRtt must be a positive number of ms, got ${initialRtt}`);
  const enableEarlyData = boolean(c, 'enableEarlyData', false);
  if (enableEarlyData) throw new RangeError('enableEarlyData: 0-RTT is not implemented yet');
  const initialMaxData = integer(c, 'initialMaxData', 10_000_000, 0, MAX_VARINT_NUMBER);
  const initialMaxStreamDataBidiLocal = integer(c, 'initialMaxStreamDataBidiLocal', 1_000_000, 0, MAX_VARINT_NUMBER);
  const initialMaxStreamDataBidiRemote = integer(c, 'initialMaxStreamDataBidiRemote', 1_000_000, 0, MAX_VARINT_NUMBER);
  const initialMaxStreamDataUni = integer(c, 'initialMaxStreamDataUni', 1_000_000, 0, MAX_VARINT_NUMBER);
  return {
    version,
    maxIdleTimeout: integer(c, 'maxIdleTimeout', 30_000, 0, MAX_VARINT_NUMBER),
    initialMaxData,
    initialMaxStreamDataBidiLocal,
    initialMaxStreamDataBidiRemote,
    initialMaxStreamDataUni,
    initialMaxStreamsBidi: integer(c, 'initialMaxStreamsBidi', 100, 0, 2 ** 50),
    initialMaxStreamsUni: integer(c, 'initialMaxStreamsUni', 100, 0, 2 ** 50),
    maxConnectionWindow: integer(c, 'maxConnectionWindow', 25_165_824, 0, MAX_VARINT_NUMBER),
    maxStreamWindow: integer(c, 'maxStreamWindow', 16_777_216, 0, MAX_VARINT_NUMBER),
    maxRecvUdpPayloadSize: integer(c, 'maxRecvUdpPayloadSize', MAX_UDP_PAYLOAD, 1200, MAX_UDP_PAYLOAD),
    maxSendUdpPayloadSize: integer(c, 'maxSendUdpPayloadSize', 1350, 1200, MAX_UDP_PAYLOAD),
    ackDelayExponent: integer(c, 'ackDelayExponent', 3, 0, 20),
    maxAckDelay: integer(c, 'maxAckDelay', 25, 0, 2 ** 14 - 1),
    activeConnectionIdLimit: integer(c, 'activeConnectionIdLimit', 4, 2, 64),
    disableActiveMigration: boolean(c, 'disableActiveMigration', false),
    ccAlgorithm,
    initialCongestionWindowPackets: integer(c, 'initialCongestionWindowPackets', 10, 2, 1000),
    enablePacing: boolean(c, 'enablePacing', true),
    enableHystart: boolean(c, 'enableHystart', true),
    enableDgram: boolean(c, 'enableDgram', false),
    dgramRecvMaxQueueLen: integer(c, 'dgramRecvMaxQueueLen', 128, 1, 1_000_000),
    dgramSendMaxQueueLen: integer(c, 'dgramSendMaxQueueLen', 128, 1, 1_000_000),
    enableEarlyData,
    connectionIdLength: integer(c, 'connectionIdLength', 8, 0, MAX_CONNECTION_ID_LENGTH),
    statelessResetKey,
    initialRtt,
    maxCryptoBuffer: integer(c, 'maxCryptoBuffer', 65_536, 4096, 16_777_216),
    maxDatagramFrameSize: MAX_DATAGRAM_FRAME_SIZE,
  };
}

interface SessionDefaults {
  ticketStore?: TicketStore;
  ticketKeys?: TicketSealer;
  antiReplay?: AntiReplay;
}

/**
 * Resumption state shared by every connection made from one TLS options object (as `@qk/tls13` shares it per TLS
 * config): the connection builds a fresh TLS config per connection, so it keeps the defaults here, keyed by the
 * caller's object.
 */
const sessionDefaults = new WeakMap<object, SessionDefaults>();

function defaultsFor(tls: object): SessionDefaults {
  let d = sessionDefaults.get(tls);
  if (d === undefined) {
    d = {};
    sessionDefaults.set(tls, d);
  }
  return d;
}

/** The TLS client config of one connection: the caller's options plus QUIC mode and our transport parameters. */
export function clientTlsConfig(tls: ClientTlsConfig, transportParameters: Uint8Array): TlsClientConfig {
  if (typeof tls !== 'object' || tls === null) throw new TypeError('tls must be an object with the TLS client options');
  const d = defaultsFor(tls);
  const ticketStore = tls.ticketStore ?? (d.ticketStore ??= new MemoryTicketStore());
  return { ...tls, mode: 'quic', transportParameters, ticketStore };
}

/** The TLS server config of one connection: the caller's options plus QUIC mode and our transport parameters. */
export function serverTlsConfig(tls: ServerTlsConfig, transportParameters: Uint8Array): TlsServerConfig {
  if (typeof tls !== 'object' || tls === null) throw new TypeError('tls must be an object with the TLS server options');
  if (typeof tls.provider !== 'object' || tls.provider === null) throw new TypeError('tls.provider: a CryptoProvider is required');
  if (typeof tls.now !== 'function') throw new TypeError('tls.now must be a function');
  const d = defaultsFor(tls);
  const ticketKeys = tls.ticketKeys ?? (d.ticketKeys ??= new TicketKeyManager({ provider: tls.provider, now: tls.now }));
  const antiReplay = tls.antiReplay ?? (d.antiReplay ??= new StrikeRegister());
  return { ...tls, mode: 'quic', transportParameters, ticketKeys, antiReplay };
}
