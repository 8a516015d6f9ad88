/**
 * QUIC transport parameters (RFC 9000 §7.4, §18), with max_datagram_frame_size (RFC 9221 §3), version_information
 * (RFC 9368 §3) and grease_quic_bit (RFC 9287 §3).
 *
 * The encoding is the body of TLS's quic_transport_parameters extension: a sequence of (id varint, length varint,
 * value). Decoding validates everything RFC 9000 §7.4 and §18.2 make a TRANSPORT_PARAMETER_ERROR; checks that need
 * connection state (connection IDs matching the packets, RFC 9000 §7.3; the Chosen Version matching the version in
 * use, RFC 9368 §4) belong to the connection.
 */
import { DecodeError, Reader, varintSize } from '@qk/octets';
import type { Writer } from '@qk/octets';
import { TransportError } from '../errors.js';
import { MAX_CONNECTION_ID_LENGTH, STATELESS_RESET_TOKEN_LENGTH } from './frames/new-connection-id.js';

/** Transport parameter ids by their RFC names (IANA "QUIC Transport Parameters"). */
export const TransportParameterId = {
  original_destination_connection_id: 0x00,
  max_idle_timeout: 0x01,
  stateless_reset_token: 0x02,
  max_udp_payload_size: 0x03,
  initial_max_data: 0x04,
  initial_max_stream_data_bidi_local: 0x05,
  initial_max_stream_data_bidi_remote: 0x06,
  initial_max_stream_data_uni: 0x07,
  initial_max_streams_bidi: 0x08,
  initial_max_streams_uni: 0x09,
  ack_delay_exponent: 0x0a,
  max_ack_delay: 0x0b,
  disable_active_migration: 0x0c,
  preferred_address: 0x0d,
  active_connection_id_limit: 0x0e,
  initial_source_connection_id: 0x0f,
  retry_source_connection_id: 0x10,
  version_information: 0x11,
  max_datagram_frame_size: 0x20,
  grease_quic_bit: 0x2ab2,
} as const;

/** The RFC name of a transport parameter. */
export type TransportParameterName = keyof typeof TransportParameterId;

/** What each transport parameter is, and where it is defined. */
export const TransportParameterDescription: Readonly<Record<TransportParameterName, string>> = {
  original_destination_connection_id: 'DCID of the first Initial the client sent (server only; RFC 9000 §18.2)',
  max_idle_timeout: 'Idle timeout in milliseconds, 0 for none (RFC 9000 §18.2)',
  stateless_reset_token: 'Stateless reset token for the handshake connection ID (server only; RFC 9000 §18.2)',
  max_udp_payload_size: 'Largest UDP payload the endpoint will receive, at least 1200 (RFC 9000 §18.2)',
  initial_max_data: 'Initial connection flow control limit (RFC 9000 §18.2)',
  initial_max_stream_data_bidi_local: 'Initial limit for bidirectional streams this endpoint opens (RFC 9000 §18.2)',
  initial_max_stream_data_bidi_remote: 'Initial limit for bidirectional streams the peer opens (RFC 9000 §18.2)',
  initial_max_stream_data_uni: 'Initial limit for unidirectional streams the peer opens (RFC 9000 §18.2)',
  initial_max_streams_bidi: 'Bidirectional streams the peer may open, at most 2^60 (RFC 9000 §18.2)',
  initial_max_streams_uni: 'Unidirectional streams the peer may open, at most 2^60 (RFC 9000 §18.2)',
  ack_delay_exponent: 'Exponent of the ACK Delay field, at most 20 (RFC 9000 §18.2)',
  max_ack_delay: 'Largest delay before sending an ACK in milliseconds, below 2^14 (RFC 9000 §18.2)',
  disable_active_migration: 'The endpoint does not support active migration (RFC 9000 §18.2)',
  preferred_address: 'Address the server prefers clients to migrate to (server only; RFC 9000 §18.2)',
  active_connection_id_limit: 'Connection IDs the endpoint is willing to store, at least 2 (RFC 9000 §18.2)',
  initial_source_connection_id: 'SCID of the first Initial this endpoint sent (RFC 9000 §18.2)',
  retry_source_connection_id: 'SCID of the Retry the server sent (server only; RFC 9000 §18.2)',
  version_information: 'Chosen and available versions for compatible version negotiation (RFC 9368 §3)',
  max_datagram_frame_size: 'Largest DATAGRAM frame the endpoint accepts, 0 for none (RFC 9221 §3)',
  grease_quic_bit: 'The endpoint accepts packets with the QUIC bit cleared (RFC 9287 §3)',
};

/** The preferred_address transport parameter (RFC 9000 §18.2). */
export interface PreferredAddress {
  /** IPv4 address, 4 bytes (all zero when the server has none). */
  readonly ipv4Address: Uint8Array;
  readonly ipv4Port: number;
  /** IPv6 address, 16 bytes (all zero when the server has none). */
  readonly ipv6Address: Uint8Array;
  readonly ipv6Port: number;
  /** Connection ID to use on the preferred address, 1 to 20 bytes. */
  readonly connectionId: Uint8Array;
  /** Stateless reset token for that connection ID, 16 bytes. */
  readonly statelessResetToken: Uint8Array;
}

/** The version_information transport parameter (RFC 9368 §3). */
export interface VersionInformation {
  /** The version the sender chose for this connection (never 0). */
  readonly chosenVersion: number;
  /** Available Versions (never 0); a client's list includes its Chosen Version. */
  readonly availableVersions: readonly number[];
}

/**
 * An endpoint's transport parameters, with RFC 9000 §18.2 defaults for every absent value. Byte fields of decoded
 * parameters are views into the input. Integer values of 2^53 and above saturate to 2^53 - 1 ("unlimited").
 */
export interface TransportParameters {
  /** original_destination_connection_id (server only, required from servers). */
  readonly originalDestinationConnectionId?: Uint8Array;
  /** max_idle_timeout in milliseconds (default 0: no timeout). */
  readonly maxIdleTimeout: number;
  /** stateless_reset_token, 16 bytes (server only). */
  readonly statelessResetToken?: Uint8Array;
  /** max_udp_payload_size (default 65527, at least 1200). */
  readonly maxUdpPayloadSize: number;
  /** initial_max_data (default 0). */
  readonly initialMaxData: number;
  /** initial_max_stream_data_bidi_local (default 0). */
  readonly initialMaxStreamDataBidiLocal: number;
  /** initial_max_stream_data_bidi_remote (default 0). */
  readonly initialMaxStreamDataBidiRemote: number;
  /** initial_max_stream_data_uni (default 0). */
  readonly initialMaxStreamDataUni: number;
  /** initial_max_streams_bidi (default 0, at most 2^60). */
  readonly initialMaxStreamsBidi: number;
  /** initial_max_streams_uni (default 0, at most 2^60). */
  readonly initialMaxStreamsUni: number;
  /** ack_delay_exponent (default 3, at most 20). */
  readonly ackDelayExponent: number;
  /** max_ack_delay in milliseconds (default 25, below 2^14). */
  readonly maxAckDelay: number;
  /** disable_active_migration (default false). */
  readonly disableActiveMigration: boolean;
  /** preferred_address (server only). */
  readonly preferredAddress?: PreferredAddress;
  /** active_connection_id_limit (default 2, at least 2). */
  readonly activeConnectionIdLimit: number;
  /** initial_source_connection_id (required from both endpoints; may be empty). */
  readonly initialSourceConnectionId?: Uint8Array;
  /** retry_source_connection_id (server only, after a Retry). */
  readonly retrySourceConnectionId?: Uint8Array;
  /** version_information (RFC 9368). */
  readonly versionInformation?: VersionInformation;
  /** max_datagram_frame_size (RFC 9221; default 0: DATAGRAM frames not supported). */
  readonly maxDatagramFrameSize: number;
  /** grease_quic_bit (RFC 9287; default false). */
  readonly greaseQuicBit: boolean;
}

/** The value of every parameter when it is absent (RFC 9000 §18.2, RFC 9221 §3, RFC 9287 §3). */
export const DEFAULT_TRANSPORT_PARAMETERS: TransportParameters = Object.freeze({
  maxIdleTimeout: 0,
  maxUdpPayloadSize: 65527,
  initialMaxData: 0,
  initialMaxStreamDataBidiLocal: 0,
  initialMaxStreamDataBidiRemote: 0,
  initialMaxStreamDataUni: 0,
  initialMaxStreamsBidi: 0,
  initialMaxStreamsUni: 0,
  ackDelayExponent: 3,
  maxAckDelay: 25,
  disableActiveMigration: false,
  activeConnectionIdLimit: 2,
  maxDatagramFrameSize: 0,
  greaseQuicBit: false,
});

/** The endpoint that sent a set of transport parameters. */
export type TransportParameterSender = 'client' | 'server';

/** A parameter to send that qk does not model, e.g. a GREASE parameter (RFC 9000 §18.1). */
export interface ExtraTransportParameter {
  readonly id: number;
  readonly value: Uint8Array;
}

/** Options of {@link encodeTransportParameters}. */
export interface EncodeTransportParametersOptions {
  /**
   * Reserved parameters to send after the known ones: ids of the form 31 * N + 27 (see
   * {@link greaseTransportParameterId}), with values the caller picks (from its injected randomness).
   */
  readonly grease?: readonly ExtraTransportParameter[];
}

/** The reserved ("GREASE") transport parameter id 31 * n + 27 (RFC 9000 §18.1). */
export function greaseTransportParameterId(n: number): number {
  const id = 31 * n + 27;
  if (!Number.isSafeInteger(n) || n < 0 || !Number.isSafeInteger(id)) throw new RangeError(`bad GREASE index ${n}`);
  return id;
}

/** True for a reserved id of the form 31 * N + 27 (RFC 9000 §18.1). */
export function isGreaseTransportParameterId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 27 && (id - 27) % 31 === 0;
}

const MAX_STREAMS_BIG = 1n << 60n;
const SERVER_ONLY = new Set<number>([
  TransportParameterId.original_destination_connection_id,
  TransportParameterId.stateless_reset_token,
  TransportParameterId.preferred_address,
  TransportParameterId.retry_source_connection_id,
]);
const PREFERRED_ADDRESS_FIXED_LENGTH = 4 + 2 + 16 + 2 + 1 + STATELESS_RESET_TOKEN_LENGTH;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function tpError(reason: string, cause?: unknown): TransportError {
  return new TransportError('TRANSPORT_PARAMETER_ERROR', reason, cause === undefined ? {} : { cause });
}

/** Reads an integer parameter that must fill its value exactly; returns the number and whether it exceeds `limit`. */
function readInteger(v: Reader, name: string, limit?: bigint): number {
  const start = v.offset;
  const n = v.readVarint();
  v.expectEnd(name);
  if (limit !== undefined && n === Number.MAX_SAFE_INTEGER && new Reader(v.buffer, start, v.offset).readVarintBig() > limit) {
    throw tpError(`${name} exceeds ${limit}`);
  }
  return n;
}

function readConnectionId(v: Reader, name: string): Uint8Array {
  if (v.remaining > MAX_CONNECTION_ID_LENGTH) throw tpError(`${name} is longer than ${MAX_CONNECTION_ID_LENGTH} bytes`);
  return v.rest();
}

function readPreferredAddress(v: Reader): PreferredAddress {
  const ipv4Address = v.readBytes(4);
  const ipv4Port = v.readU16();
  const ipv6Address = v.readBytes(16);
  const ipv6Port = v.readU16();
  const cidLength = v.readU8();
  if (cidLength === 0 || cidLength > MAX_CONNECTION_ID_LENGTH) {
    throw tpError(`preferred_address connection ID length ${cidLength} is not 1 to ${MAX_CONNECTION_ID_LENGTH}`);
  }
  const connectionId = v.readBytes(cidLength);
  const statelessResetToken = v.readBytes(STATELESS_RESET_TOKEN_LENGTH);
  v.expectEnd('preferred_address');
  return { ipv4Address, ipv4Port, ipv6Address, ipv6Port, connectionId, statelessResetToken };
}

function readVersionInformation(v: Reader, sender: TransportParameterSender): VersionInformation {
  const length = v.remaining;
  if (length < 4 || length % 4 !== 0) throw tpError(`version_information length ${length} is not a positive multiple of 4`);
  const chosenVersion = v.readU32();
  const availableVersions: number[] = [];
  while (!v.isEmpty()) availableVersions.push(v.readU32());
  // RFC 9368 §4: zero versions, and a client's Chosen Version missing from its Available Versions, are parse failures.
  if (chosenVersion === 0 || availableVersions.includes(0)) throw tpError('version_information holds version 0');
  if (sender === 'client' && !availableVersions.includes(chosenVersion)) {
    throw tpError('client version_information does not list its Chosen Version');
  }
  return { chosenVersion, availableVersions };
}

/**
 * Decodes the transport parameters `sender` sent.
 *
 * Unknown parameters (including GREASE ones) are ignored. Everything else RFC 9000 §7.4 and §18.2 (and RFC 9221,
 * 9287, 9368) forbid is a TRANSPORT_PARAMETER_ERROR: a duplicate id, a value out of range, a server-only parameter
 * from a client, a malformed preferred_address or version_information, a value that does not fill its length, a
 * missing initial_source_connection_id, or (from a server) a missing original_destination_connection_id.
 *
 * @throws TransportError TRANSPORT_PARAMETER_ERROR, and nothing else, for any input
 * @example
 * const peer = decodeTransportParameters(extensionBody, 'server');
 * if (peer.maxDatagramFrameSize > 0) enableDatagrams();
 */
export function decodeTransportParameters(bytes: Uint8Array, sender: TransportParameterSender): TransportParameters {
  const p: Mutable<TransportParameters> = { ...DEFAULT_TRANSPORT_PARAMETERS };
  const seen = new Set<number | bigint>();
  const r = new Reader(bytes);
  let id = -1;
  try {
    while (!r.isEmpty()) {
      const idStart = r.offset;
      id = r.readVarint();
      const key = id === Number.MAX_SAFE_INTEGER ? new Reader(bytes, idStart, r.offset).readVarintBig() : id;
      if (seen.has(key)) throw tpError(`duplicate transport parameter 0x${key.toString(16)}`);
      seen.add(key);
      const v = r.sub(r.readVarint());
      if (sender === 'client' && SERVER_ONLY.has(id)) throw tpError(`client sent server-only parameter 0x${id.toString(16)}`);
      decodeOne(p, id, v, sender);
    }
  } catch (e) {
    if (e instanceof DecodeError) throw tpError(`malformed transport parameter 0x${id.toString(16)}: ${e.message}`, e);
    throw e;
  }
  if (p.initialSourceConnectionId === undefined) throw tpError('initial_source_connection_id is missing');
  if (sender === 'server' && p.originalDestinationConnectionId === undefined) {
    throw tpError('original_destination_connection_id is missing');
  }
  return p;
}

function decodeOne(p: Mutable<TransportParameters>, id: number, v: Reader, sender: TransportParameterSender): void {
  const T = TransportParameterId;
  switch (id) {
    case T.original_destination_connection_id:
      p.originalDestinationConnectionId = readConnectionId(v, 'original_destination_connection_id');
      return;
    case T.max_idle_timeout:
      p.maxIdleTimeout = readInteger(v, 'max_idle_timeout');
      return;
    case T.stateless_reset_token:
      if (v.remaining !== STATELESS_RESET_TOKEN_LENGTH) throw tpError(`stateless_reset_token is ${v.remaining} bytes, not 16`);
      p.statelessResetToken = v.rest();
      return;
    case T.max_udp_payload_size:
      p.maxUdpPayloadSize = readInteger(v, 'max_udp_payload_size');
      if (p.maxUdpPayloadSize < 1200) throw tpError(`max_udp_payload_size ${p.maxUdpPayloadSize} is below 1200`);
      return;
    case T.initial_max_data:
      p.initialMaxData = readInteger(v, 'initial_max_data');
      return;
    case T.initial_max_stream_data_bidi_local:
      p.initialMaxStreamDataBidiLocal = readInteger(v, 'initial_max_stream_data_bidi_local');
      return;
    case T.initial_max_stream_data_bidi_remote:
      p.initialMaxStreamDataBidiRemote = readInteger(v, 'initial_max_stream_data_bidi_remote');
      return;
    case T.initial_max_stream_data_uni:
      p.initialMaxStreamDataUni = readInteger(v, 'initial_max_stream_data_uni');
      return;
    case T.initial_max_streams_bidi:
      p.initialMaxStreamsBidi = readInteger(v, 'initial_max_streams_bidi', MAX_STREAMS_BIG);
      return;
    case T.initial_max_streams_uni:
      p.initialMaxStreamsUni = readInteger(v, 'initial_max_streams_uni', MAX_STREAMS_BIG);
      return;
    case T.ack_delay_exponent:
      p.ackDelayExponent = readInteger(v, 'ack_delay_exponent');
      if (p.ackDelayExponent > 20) throw tpError(`ack_delay_exponent ${p.ackDelayExponent} exceeds 20`);
      return;
    case T.max_ack_delay:
      p.maxAckDelay = readInteger(v, 'max_ack_delay');
      if (p.maxAckDelay >= 2 ** 14) throw tpError(`max_ack_delay ${p.maxAckDelay} is not below 2^14`);
      return;
    case T.disable_active_migration:
      v.expectEnd('disable_active_migration');
      p.disableActiveMigration = true;
      return;
    case T.preferred_address:
      p.preferredAddress = readPreferredAddress(v);
      return;
    case T.active_connection_id_limit:
      p.activeConnectionIdLimit = readInteger(v, 'active_connection_id_limit');
      if (p.activeConnectionIdLimit < 2) throw tpError(`active_connection_id_limit ${p.activeConnectionIdLimit} is below 2`);
      return;
    case T.initial_source_connection_id:
      p.initialSourceConnectionId = readConnectionId(v, 'initial_source_connection_id');
      return;
    case T.retry_source_connection_id:
      p.retrySourceConnectionId = readConnectionId(v, 'retry_source_connection_id');
      return;
    case T.version_information:
      p.versionInformation = readVersionInformation(v, sender);
      return;
    case T.max_datagram_frame_size:
      p.maxDatagramFrameSize = readInteger(v, 'max_datagram_frame_size');
      return;
    case T.grease_quic_bit:
      v.expectEnd('grease_quic_bit');
      p.greaseQuicBit = true;
      return;
    default:
      return; // unknown and reserved parameters are ignored (RFC 9000 §7.4.2)
  }
}

/** The (id, value) pairs to send for `p`, in id order: values equal to their default are left out. */
function entries(p: TransportParameters, options: EncodeTransportParametersOptions): Array<readonly [number, Uint8Array | number | true]> {
  const T = TransportParameterId;
  const d = DEFAULT_TRANSPORT_PARAMETERS;
  const out: Array<readonly [number, Uint8Array | number | true]> = [];
  const cid = (id: number, value: Uint8Array | undefined, name: string): void => {
    if (value === undefined) return;
    if (value.length > MAX_CONNECTION_ID_LENGTH) throw new RangeError(`${name} is longer than ${MAX_CONNECTION_ID_LENGTH} bytes`);
    out.push([id, value]);
  };
  const int = (id: number, value: number, fallback: number): void => {
    if (value !== fallback) out.push([id, value]);
  };
  const check = (ok: boolean, what: string): void => {
    if (!ok) throw new RangeError(what);
  };
  check(p.maxUdpPayloadSize >= 1200, 'maxUdpPayloadSize must be at least 1200');
  check(p.ackDelayExponent <= 20, 'ackDelayExponent must be at most 20');
  check(p.maxAckDelay < 2 ** 14, 'maxAckDelay must be below 2^14');
  check(p.activeConnectionIdLimit >= 2, 'activeConnectionIdLimit must be at least 2');
  check(p.initialMaxStreamsBidi <= 2 ** 60 && p.initialMaxStreamsUni <= 2 ** 60, 'initial stream limits must be at most 2^60');

  cid(T.original_destination_connection_id, p.originalDestinationConnectionId, 'originalDestinationConnectionId');
  int(T.max_idle_timeout, p.maxIdleTimeout, d.maxIdleTimeout);
  if (p.statelessResetToken !== undefined) {
    check(p.statelessResetToken.length === STATELESS_RESET_TOKEN_LENGTH, 'statelessResetToken must be 16 bytes');
    out.push([T.stateless_reset_token, p.statelessResetToken]);
  }
  int(T.max_udp_payload_size, p.maxUdpPayloadSize, d.maxUdpPayloadSize);
  int(T.initial_max_data, p.initialMaxData, d.initialMaxData);
  int(T.initial_max_stream_data_bidi_local, p.initialMaxStreamDataBidiLocal, d.initialMaxStreamDataBidiLocal);
  int(T.initial_max_stream_data_bidi_remote, p.initialMaxStreamDataBidiRemote, d.initialMaxStreamDataBidiRemote);
  int(T.initial_max_stream_data_uni, p.initialMaxStreamDataUni, d.initialMaxStreamDataUni);
  int(T.initial_max_streams_bidi, p.initialMaxStreamsBidi, d.initialMaxStreamsBidi);
  int(T.initial_max_streams_uni, p.initialMaxStreamsUni, d.initialMaxStreamsUni);
  int(T.ack_delay_exponent, p.ackDelayExponent, d.ackDelayExponent);
  int(T.max_ack_delay, p.maxAckDelay, d.maxAckDelay);
  if (p.disableActiveMigration) out.push([T.disable_active_migration, true]);
  if (p.preferredAddress !== undefined) out.push([T.preferred_address, encodePreferredAddress(p.preferredAddress)]);
  int(T.active_connection_id_limit, p.activeConnectionIdLimit, d.activeConnectionIdLimit);
  cid(T.initial_source_connection_id, p.initialSourceConnectionId, 'initialSourceConnectionId');
  cid(T.retry_source_connection_id, p.retrySourceConnectionId, 'retrySourceConnectionId');
  if (p.versionInformation !== undefined) out.push([T.version_information, encodeVersionInformation(p.versionInformation)]);
  int(T.max_datagram_frame_size, p.maxDatagramFrameSize, d.maxDatagramFrameSize);
  if (p.greaseQuicBit) out.push([T.grease_quic_bit, true]);
  for (const g of options.grease ?? []) {
    if (!isGreaseTransportParameterId(g.id)) throw new RangeError(`${g.id} is not a reserved transport parameter id (31 * N + 27)`);
    out.push([g.id, g.value]);
  }
  return out;
}

function encodePreferredAddress(a: PreferredAddress): Uint8Array {
  const cidLength = a.connectionId.length;
  if (a.ipv4Address.length !== 4 || a.ipv6Address.length !== 16) throw new RangeError('preferred address: bad IP address length');
  if (cidLength === 0 || cidLength > MAX_CONNECTION_ID_LENGTH) throw new RangeError('preferred address: connection ID must be 1 to 20 bytes');
  if (a.statelessResetToken.length !== STATELESS_RESET_TOKEN_LENGTH) throw new RangeError('preferred address: token must be 16 bytes');
  const out = new Uint8Array(PREFERRED_ADDRESS_FIXED_LENGTH + cidLength);
  const view = new DataView(out.buffer);
  out.set(a.ipv4Address, 0);
  view.setUint16(4, a.ipv4Port);
  out.set(a.ipv6Address, 6);
  view.setUint16(22, a.ipv6Port);
  out[24] = cidLength;
  out.set(a.connectionId, 25);
  out.set(a.statelessResetToken, 25 + cidLength);
  return out;
}

function encodeVersionInformation(info: VersionInformation): Uint8Array {
  const versions = [info.chosenVersion, ...info.availableVersions];
  const out = new Uint8Array(4 * versions.length);
  const view = new DataView(out.buffer);
  versions.forEach((version, i) => {
    if (!Number.isInteger(version) || version <= 0 || version > 0xffff_ffff) throw new RangeError(`bad version ${version}`);
    view.setUint32(4 * i, version);
  });
  return out;
}

function valueSize(value: Uint8Array | number | true): number {
  return value === true ? 0 : typeof value === 'number' ? varintSize(value) : value.length;
}

/**
 * Writes `params`: every parameter that is present and differs from its default, in id order, then the requested
 * GREASE parameters.
 *
 * @throws RangeError for a value the decoder would reject (out of range, bad lengths, a non-reserved GREASE id)
 */
export function encodeTransportParameters(
  w: Writer,
  params: TransportParameters,
  options: EncodeTransportParametersOptions = {},
): void {
  for (const [id, value] of entries(params, options)) {
    w.writeVarint(id);
    w.writeVarint(valueSize(value));
    if (typeof value === 'number') w.writeVarint(value);
    else if (value !== true) w.writeBytes(value);
  }
}

/** Bytes {@link encodeTransportParameters} writes for the same arguments. */
export function sizeOfTransportParameters(params: TransportParameters, options: EncodeTransportParametersOptions = {}): number {
  let size = 0;
  for (const [id, value] of entries(params, options)) {
    const length = valueSize(value);
    size += varintSize(id) + varintSize(length) + length;
  }
  return size;
}
