/**
 * Builders that turn qk's own values (frames, packet types, transport parameters, error codes, drop reasons) into
 * their qlog representations, so the Connection logs with one call per value and every log agrees on the mapping.
 */
import { fromUtf8, toHex } from '@qk/octets';
import { TransportErrorCode, isCryptoError, transportErrorName } from '../errors.js';
import type { PacketNumberSpace } from '../recovery/types.js';
import type { Frame } from '../wire/frames/index.js';
import type { DropReason } from '../wire/header.js';
import type { PacketType } from '../wire/packet-type.js';
import type { PreferredAddress, TransportParameters } from '../wire/transport-parameters.js';
import type { QlogPacketDroppedTrigger, QlogParametersSet } from './events.js';
import type {
  QlogAckRange,
  QlogFrame,
  QlogHex,
  QlogKeyType,
  QlogOwner,
  QlogPacketHeader,
  QlogPacketNumberSpace,
  QlogPacketType,
  QlogPreferredAddress,
  QlogToken,
  QlogTransportError,
} from './schema.js';

/** Hex of a byte string, as qlog writes `hexstring` fields. */
export function qlogHex(bytes: Uint8Array): QlogHex {
  return toHex(bytes);
}

/** A QUIC version as qlog writes it: 8 lowercase hex digits (`00000001`, `6b3343cf`). */
export function qlogVersion(version: number): QlogHex {
  return (version >>> 0).toString(16).padStart(8, '0');
}

const PACKET_TYPES: Readonly<Record<PacketType | 'statelessReset' | 'unknown', QlogPacketType>> = {
  initial: 'initial',
  handshake: 'handshake',
  zeroRtt: '0RTT',
  oneRtt: '1RTT',
  retry: 'retry',
  versionNegotiation: 'version_negotiation',
  statelessReset: 'stateless_reset',
  unknown: 'unknown',
};

/** The qlog name of a qk packet type (`zeroRtt` → `0RTT`, `oneRtt` → `1RTT`, ...). */
export function qlogPacketType(type: PacketType | 'statelessReset' | 'unknown'): QlogPacketType {
  return PACKET_TYPES[type];
}

/** The qlog name of a packet number space (`application` → `application_data`). */
export function qlogPacketNumberSpace(space: PacketNumberSpace): QlogPacketNumberSpace {
  return space === 'application' ? 'application_data' : space;
}

/**
 * The qlog key type of a secret: `client_1rtt_secret` and so on.
 *
 * @param side whose secret it is (the writer of packets protected by it)
 * @param level the encryption level
 */
export function qlogKeyType(side: 'client' | 'server', level: 'initial' | 'handshake' | 'zeroRtt' | 'oneRtt'): QlogKeyType {
  const tag = level === 'zeroRtt' ? '0rtt' : level === 'oneRtt' ? '1rtt' : level;
  return `${side}_${tag}_secret` as QlogKeyType;
}

const TRANSPORT_ERROR_CODES: ReadonlySet<number> = new Set(Object.values(TransportErrorCode));

/**
 * A transport error code as qlog names it: the RFC 9000 §20.1 name lowercased (`flow_control_error`),
 * `crypto_error_0x1NN` in the CRYPTO_ERROR range, or the number itself when the code is not registered.
 */
export function qlogTransportError(code: number): QlogTransportError | number {
  if (isCryptoError(code)) return `crypto_error_0x${code.toString(16)}`;
  if (TRANSPORT_ERROR_CODES.has(code)) return transportErrorName(code).toLowerCase();
  return code;
}

/** Options of {@link qlogFrame}. */
export interface QlogFrameOptions {
  /**
   * The ack_delay_exponent of the ACK's sender, to log ACK Delay in milliseconds: ours for frames we send, the
   * peer's for frames we receive. Default 3 (RFC 9000 §18.2).
   */
  readonly ackDelayExponent?: number;
  /** Also log the bytes of STREAM, DATAGRAM and NEW_TOKEN frames (hex). Off by default: logs get large. */
  readonly includeData?: boolean;
}

/** A reason phrase as text: UTF-8 when it decodes, hex otherwise. */
function reasonText(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  try {
    return fromUtf8(bytes);
  } catch {
    return toHex(bytes);
  }
}

function ackRanges(ranges: readonly { readonly smallest: number; readonly largest: number }[]): QlogAckRange[] {
  const out: QlogAckRange[] = new Array<QlogAckRange>(ranges.length);
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i]!;
    out[i] = r.smallest === r.largest ? [r.smallest] : [r.smallest, r.largest];
  }
  return out;
}

function token(bytes: Uint8Array, includeData: boolean, type?: QlogToken['type']): QlogToken {
  return {
    ...(type === undefined ? {} : { type }),
    length: bytes.length,
    ...(includeData ? { data: toHex(bytes) } : {}),
  };
}

function assertNever(x: never): never {
  throw new TypeError(`unexpected frame ${JSON.stringify(x)}`);
}

/**
 * The qlog representation of a frame (quic-events Appendix A.10).
 *
 * @example
 * qlogFrame({ kind: 'maxData', maximumData: 1 << 20 }); // { frame_type: 'max_data', maximum: 1048576 }
 */
export function qlogFrame(frame: Frame, options: QlogFrameOptions = {}): QlogFrame {
  const includeData = options.includeData === true;
  switch (frame.kind) {
    case 'padding':
      return { frame_type: 'padding', length: frame.length, payload_length: frame.length };
    case 'ping':
      return { frame_type: 'ping' };
    case 'ack': {
      const exponent = options.ackDelayExponent ?? 3;
      const ackDelay = (frame.ackDelay * 2 ** exponent) / 1000;
      return {
        frame_type: 'ack',
        ack_delay: ackDelay,
        acked_ranges: ackRanges(frame.ranges),
        ...(frame.ecn === undefined ? {} : { ect1: frame.ecn.ect1, ect0: frame.ecn.ect0, ce: frame.ecn.ce }),
      };
    }
    case 'resetStream':
      return { frame_type: 'reset_stream', stream_id: frame.streamId, error_code: frame.errorCode, final_size: frame.finalSize };
    case 'stopSending':
      return { frame_type: 'stop_sending', stream_id: frame.streamId, error_code: frame.errorCode };
    case 'crypto':
      return { frame_type: 'crypto', offset: frame.offset, length: frame.data.length };
    case 'newToken':
      return { frame_type: 'new_token', token: token(frame.token, includeData, 'resumption') };
    case 'stream':
      return {
        frame_type: 'stream',
        stream_id: frame.streamId,
        offset: frame.offset,
        length: frame.data.length,
        ...(frame.fin ? { fin: true } : {}),
        ...(includeData ? { raw: toHex(frame.data) } : {}),
      };
    case 'maxData':
      return { frame_type: 'max_data', maximum: frame.maximumData };
    case 'maxStreamData':
      return { frame_type: 'max_stream_data', stream_id: frame.streamId, maximum: frame.maximumStreamData };
    case 'maxStreams':
      return {
        frame_type: 'max_streams',
        stream_type: frame.streamType === 'uni' ? 'unidirectional' : 'bidirectional',
        maximum: frame.maximumStreams,
      };
    case 'dataBlocked':
      return { frame_type: 'data_blocked', limit: frame.maximumData };
    case 'streamDataBlocked':
      return { frame_type: 'stream_data_blocked', stream_id: frame.streamId, limit: frame.maximumStreamData };
    case 'streamsBlocked':
      return {
        frame_type: 'streams_blocked',
        stream_type: frame.streamType === 'uni' ? 'unidirectional' : 'bidirectional',
        limit: frame.maximumStreams,
      };
    case 'newConnectionId':
      return {
        frame_type: 'new_connection_id',
        sequence_number: frame.sequenceNumber,
        retire_prior_to: frame.retirePriorTo,
        connection_id_length: frame.connectionId.length,
        connection_id: toHex(frame.connectionId),
        stateless_reset_token: toHex(frame.statelessResetToken),
      };
    case 'retireConnectionId':
      return { frame_type: 'retire_connection_id', sequence_number: frame.sequenceNumber };
    case 'pathChallenge':
      return { frame_type: 'path_challenge', data: toHex(frame.data) };
    case 'pathResponse':
      return { frame_type: 'path_response', data: toHex(frame.data) };
    case 'connectionClose':
      if (frame.errorSpace === 'transport') {
        return {
          frame_type: 'connection_close',
          error_space: 'transport',
          error_code: qlogTransportError(frame.errorCode),
          raw_error_code: frame.errorCode,
          reason: reasonText(frame.reasonPhrase),
          trigger_frame_type: frame.frameType,
        };
      }
      return {
        frame_type: 'connection_close',
        error_space: 'application',
        error_code: frame.errorCode,
        raw_error_code: frame.errorCode,
        reason: reasonText(frame.reasonPhrase),
      };
    case 'handshakeDone':
      return { frame_type: 'handshake_done' };
    case 'datagram':
      return { frame_type: 'datagram', length: frame.data.length, ...(includeData ? { raw: toHex(frame.data) } : {}) };
    default:
      return assertNever(frame);
  }
}

/** {@link qlogFrame} over a packet's frames. */
export function qlogFrames(frames: readonly Frame[], options: QlogFrameOptions = {}): QlogFrame[] {
  const out = new Array<QlogFrame>(frames.length);
  for (let i = 0; i < frames.length; i++) out[i] = qlogFrame(frames[i]!, options);
  return out;
}

/** What {@link qlogPacketHeader} needs to describe a packet. */
export interface QlogPacketHeaderFields {
  readonly packetType: PacketType | 'statelessReset' | 'unknown';
  /** The full packet number, for packets that have one. */
  readonly packetNumber?: number;
  /** The version of a long-header packet. */
  readonly version?: number;
  readonly scid?: Uint8Array;
  readonly dcid?: Uint8Array;
  /** The Initial's token. */
  readonly token?: Uint8Array;
  /** The long header's Length field. */
  readonly length?: number;
  /** The unprotected first-byte flag bits. */
  readonly flags?: number;
  /** Log the token bytes too (default false: only its length). */
  readonly includeTokenData?: boolean;
}

/**
 * A qlog packet header (quic-events Appendix A.7). Connection IDs are logged with their lengths. Pass no IDs for
 * 1-RTT packets when `connectivity:connection_id_updated` events are logged: qlog allows it and it saves space.
 */
export function qlogPacketHeader(fields: QlogPacketHeaderFields): QlogPacketHeader {
  return {
    packet_type: PACKET_TYPES[fields.packetType],
    ...(fields.packetNumber === undefined ? {} : { packet_number: fields.packetNumber }),
    ...(fields.flags === undefined ? {} : { flags: fields.flags }),
    ...(fields.token === undefined || fields.token.length === 0
      ? {}
      : { token: token(fields.token, fields.includeTokenData === true) }),
    ...(fields.length === undefined ? {} : { length: fields.length }),
    ...(fields.version === undefined ? {} : { version: qlogVersion(fields.version) }),
    ...(fields.scid === undefined ? {} : { scil: fields.scid.length, scid: toHex(fields.scid) }),
    ...(fields.dcid === undefined ? {} : { dcil: fields.dcid.length, dcid: toHex(fields.dcid) }),
  };
}

const DROP_TRIGGERS: Readonly<Record<DropReason, QlogPacketDroppedTrigger>> = {
  truncated: 'header_parse_error',
  notLongHeader: 'header_parse_error',
  notShortHeader: 'header_parse_error',
  connectionIdTooLong: 'header_parse_error',
  lengthBeyondDatagram: 'header_parse_error',
  tooShortToUnprotect: 'header_parse_error',
  malformedVersionNegotiation: 'header_parse_error',
  malformedRetry: 'header_parse_error',
  emptyRetryToken: 'header_parse_error',
  unexpectedPacketType: 'unexpected_packet',
};

/** The `transport:packet_dropped` trigger for a header-parsing drop reason. */
export function qlogDropTrigger(reason: DropReason): QlogPacketDroppedTrigger {
  return DROP_TRIGGERS[reason];
}

/** Dotted-quad text of 4 address bytes. */
function ipv4Text(b: Uint8Array): string {
  return `${b[0] ?? 0}.${b[1] ?? 0}.${b[2] ?? 0}.${b[3] ?? 0}`;
}

/** Full (uncompressed) text of 16 address bytes: eight groups of four hex digits. */
function ipv6Text(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)).toString(16).padStart(4, '0'));
  return groups.join(':');
}

function preferredAddress(p: PreferredAddress): QlogPreferredAddress {
  return {
    ip_v4: ipv4Text(p.ipv4Address),
    ip_v6: ipv6Text(p.ipv6Address),
    port_v4: p.ipv4Port,
    port_v6: p.ipv6Port,
    connection_id: toHex(p.connectionId),
    stateless_reset_token: toHex(p.statelessResetToken),
  };
}

/**
 * The `transport:parameters_set` data for one side's transport parameters. Every parameter is logged (defaults
 * included, so the log shows what the connection runs with); TLS fields can be added by the caller.
 *
 * @param owner `local` for the parameters we sent, `remote` for the peer's
 * @param extra TLS settings to log in the same event (e.g. `tls_cipher`, `resumption_allowed`)
 */
export function qlogParametersSet(tp: TransportParameters, owner: QlogOwner, extra: QlogParametersSet = {}): QlogParametersSet {
  return {
    owner,
    ...extra,
    ...(tp.originalDestinationConnectionId === undefined
      ? {}
      : { original_destination_connection_id: toHex(tp.originalDestinationConnectionId) }),
    ...(tp.initialSourceConnectionId === undefined ? {} : { initial_source_connection_id: toHex(tp.initialSourceConnectionId) }),
    ...(tp.retrySourceConnectionId === undefined ? {} : { retry_source_connection_id: toHex(tp.retrySourceConnectionId) }),
    ...(tp.statelessResetToken === undefined ? {} : { stateless_reset_token: toHex(tp.statelessResetToken) }),
    disable_active_migration: tp.disableActiveMigration,
    max_idle_timeout: tp.maxIdleTimeout,
    max_udp_payload_size: tp.maxUdpPayloadSize,
    ack_delay_exponent: tp.ackDelayExponent,
    max_ack_delay: tp.maxAckDelay,
    active_connection_id_limit: tp.activeConnectionIdLimit,
    initial_max_data: tp.initialMaxData,
    initial_max_stream_data_bidi_local: tp.initialMaxStreamDataBidiLocal,
    initial_max_stream_data_bidi_remote: tp.initialMaxStreamDataBidiRemote,
    initial_max_stream_data_uni: tp.initialMaxStreamDataUni,
    initial_max_streams_bidi: tp.initialMaxStreamsBidi,
    initial_max_streams_uni: tp.initialMaxStreamsUni,
    ...(tp.preferredAddress === undefined ? {} : { preferred_address: preferredAddress(tp.preferredAddress) }),
    max_datagram_frame_size: tp.maxDatagramFrameSize,
    grease_quic_bit: tp.greaseQuicBit,
  };
}
