/**
 * QUIC packet headers (RFC 9000 §17, RFC 8999 invariants, RFC 9369 §3.2 for v2 type bits): parsing the unprotected
 * part of received packets, including coalesced packets in one datagram, and building headers to send.
 *
 * Parsing never throws on peer input. A packet that is truncated or inconsistent yields a {@link DroppedPacket}:
 * such packets are discarded, not connection errors (RFC 9000 §12.2, §17.2). Everything after the packet number
 * offset is still protected; the packet protection layer removes header protection and then reads the packet
 * number length, key phase and reserved bits from the first byte with the helpers at the end of this file.
 */
import { Reader, varintLengthFromFirstByte, varintSize } from '@qk/octets';
import type { Writer } from '@qk/octets';
import { isSupportedVersion, longPacketTypeFromBits, versionParameters } from '../versions.js';
import type { SupportedVersion } from '../versions.js';
import { MAX_CONNECTION_ID_LENGTH } from './frames/new-connection-id.js';
import type { PacketNumberLength } from './packet-number.js';

const FORM_BIT = 0x80;
const FIXED_BIT = 0x40;
const SPIN_BIT = 0x20;
const KEY_PHASE_BIT = 0x04;
const PN_LENGTH_BITS = 0x03;
const LONG_RESERVED_BITS = 0x0c;
const SHORT_RESERVED_BITS = 0x18;

/** The longest connection ID the version-independent invariants allow (RFC 8999 §5.1): 255 bytes. */
export const MAX_INVARIANT_CONNECTION_ID_LENGTH = 255;

/** Bytes of the Retry Integrity Tag (RFC 9001 §5.8). */
export const RETRY_INTEGRITY_TAG_LENGTH = 16;

/**
 * The fewest bytes a protected packet has from its packet number offset on: header protection samples 16 bytes
 * starting 4 bytes after that offset (RFC 9001 §5.4.2). A shorter packet cannot be unprotected and is dropped.
 */
export const MIN_BYTES_AFTER_PN_OFFSET = 20;

/** Clients send Initial packets in datagrams of at least 1200 bytes; servers drop smaller ones (RFC 9000 §14.1). */
export const MIN_INITIAL_DATAGRAM_SIZE = 1200;

/** Why a packet was dropped while parsing its header. */
export type DropReason =
  | 'truncated'
  | 'notLongHeader'
  | 'notShortHeader'
  | 'connectionIdTooLong'
  | 'lengthBeyondDatagram'
  | 'tooShortToUnprotect'
  | 'malformedVersionNegotiation'
  | 'malformedRetry'
  | 'emptyRetryToken'
  | 'unexpectedPacketType';

/** A packet to discard, and why (for qlog `packet_dropped` and counters). */
export interface DroppedPacket {
  readonly kind: 'drop';
  readonly reason: DropReason;
}

const DROPS = new Map<DropReason, DroppedPacket>();
/** The (shared, frozen) drop result for `reason`: dropping allocates nothing. */
function drop(reason: DropReason): DroppedPacket {
  let d = DROPS.get(reason);
  if (d === undefined) {
    d = Object.freeze({ kind: 'drop', reason });
    DROPS.set(reason, d);
  }
  return d;
}

const EMPTY = new Uint8Array(0);

/** A long-header packet that carries frames: Initial, 0-RTT or Handshake (RFC 9000 §17.2.2-§17.2.4). */
export interface LongHeaderPacket {
  readonly kind: 'long';
  readonly packetType: 'initial' | 'zeroRtt' | 'handshake';
  /** The first byte as received: its low four bits are still under header protection. */
  readonly firstByte: number;
  /** The fixed ("QUIC") bit. Zero is acceptable only if this endpoint sent grease_quic_bit (RFC 9287). */
  readonly fixedBit: boolean;
  readonly version: SupportedVersion;
  /** Destination Connection ID (a view). */
  readonly dcid: Uint8Array;
  /** Source Connection ID (a view). */
  readonly scid: Uint8Array;
  /** The Initial's Token (a view); empty for other types. */
  readonly token: Uint8Array;
  /** The Length field: bytes of packet number and protected payload. */
  readonly length: number;
  /** Offset of the first byte of this packet in the datagram. */
  readonly start: number;
  /** Offset of the (protected) packet number in the datagram. */
  readonly pnOffset: number;
  /** Offset one past this packet in the datagram: where a coalesced packet may start. */
  readonly end: number;
}

/** A 1-RTT packet (RFC 9000 §17.3.1). It extends to the end of the datagram. */
export interface ShortHeaderPacket {
  readonly kind: 'short';
  /** The first byte as received: its low five bits are still under header protection. */
  readonly firstByte: number;
  /** The fixed ("QUIC") bit. Zero is acceptable only if this endpoint sent grease_quic_bit (RFC 9287). */
  readonly fixedBit: boolean;
  /** The latency spin bit (not protected). */
  readonly spinBit: boolean;
  /** Destination Connection ID: `localCidLength` bytes (a view). */
  readonly dcid: Uint8Array;
  readonly start: number;
  readonly pnOffset: number;
  readonly end: number;
}

/** A Retry packet (RFC 9000 §17.2.5). It extends to the end of the datagram. */
export interface RetryPacket {
  readonly kind: 'retry';
  readonly firstByte: number;
  readonly fixedBit: boolean;
  readonly version: SupportedVersion;
  readonly dcid: Uint8Array;
  /** The server's new connection ID, to be used as the client's Destination Connection ID. */
  readonly scid: Uint8Array;
  /** Retry Token, never empty (a Retry with an empty token is dropped, RFC 9000 §17.2.5.2). */
  readonly token: Uint8Array;
  /** The 16-byte Retry Integrity Tag. */
  readonly integrityTag: Uint8Array;
  /** The packet up to the tag, for {@link retryPseudoPacket} (a view). */
  readonly withoutTag: Uint8Array;
  readonly start: number;
  readonly end: number;
}

/** A Version Negotiation packet (RFC 9000 §17.2.1). It extends to the end of the datagram. */
export interface VersionNegotiationPacket {
  readonly kind: 'versionNegotiation';
  readonly firstByte: number;
  /** Destination Connection ID: the client's Source Connection ID, echoed. Up to 255 bytes. */
  readonly dcid: Uint8Array;
  /** Source Connection ID: the client's Destination Connection ID, echoed. Up to 255 bytes. */
  readonly scid: Uint8Array;
  /** The Supported Version fields, in order. */
  readonly supportedVersions: readonly number[];
  readonly start: number;
  readonly end: number;
}

/**
 * A long-header packet of a version qk does not speak: only the invariant fields (RFC 8999 §5.1) are known. A server
 * answers it with Version Negotiation; its length is unknown, so it takes the rest of the datagram.
 */
export interface UnsupportedVersionPacket {
  readonly kind: 'unsupportedVersion';
  readonly firstByte: number;
  readonly version: number;
  /** Up to 255 bytes (a view). */
  readonly dcid: Uint8Array;
  /** Up to 255 bytes (a view). */
  readonly scid: Uint8Array;
  readonly start: number;
  readonly end: number;
}

/** A packet whose header parsed. */
export type ParsedPacket =
  | LongHeaderPacket
  | ShortHeaderPacket
  | RetryPacket
  | VersionNegotiationPacket
  | UnsupportedVersionPacket;

/** What header parsing returns. */
export type ParseResult = ParsedPacket | DroppedPacket;

/** True when `r` holds a whole varint: then `readVarint` cannot throw. */
function hasVarint(r: Reader): boolean {
  return r.remaining > 0 && r.remaining >= varintLengthFromFirstByte(r.peekU8());
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/**
 * Parses the long header of the packet at `offset` (RFC 9000 §17.2).
 *
 * @example
 * const p = parseLongHeader(datagram, 0);
 * if (p.kind === 'long') unprotect(datagram, p.pnOffset, p.end);
 */
export function parseLongHeader(datagram: Uint8Array, offset = 0): ParseResult {
  const end = datagram.length;
  if (offset < 0 || offset >= end) return drop('truncated');
  const first = datagram[offset]!;
  if ((first & FORM_BIT) === 0) return drop('notLongHeader');
  if (end - offset < 7) return drop('truncated');
  const version = readU32(datagram, offset + 1);
  const known = version !== 0 && isSupportedVersion(version);
  let p = offset + 5;
  const dcidLength = datagram[p++]!;
  if (known && dcidLength > MAX_CONNECTION_ID_LENGTH) return drop('connectionIdTooLong');
  if (p + dcidLength + 1 > end) return drop('truncated');
  const dcid = datagram.subarray(p, p + dcidLength);
  p += dcidLength;
  const scidLength = datagram[p++]!;
  if (known && scidLength > MAX_CONNECTION_ID_LENGTH) return drop('connectionIdTooLong');
  if (p + scidLength > end) return drop('truncated');
  const scid = datagram.subarray(p, p + scidLength);
  p += scidLength;

  if (version === 0) return parseVersionNegotiationBody(datagram, offset, first, dcid, scid, p);
  const params = versionParameters(version);
  if (params === undefined) return { kind: 'unsupportedVersion', firstByte: first, version, dcid, scid, start: offset, end };
  const fixedBit = (first & FIXED_BIT) !== 0;
  const packetType = longPacketTypeFromBits(params, (first >> 4) & 0x03);

  if (packetType === 'retry') {
    const tagStart = end - RETRY_INTEGRITY_TAG_LENGTH;
    if (tagStart < p) return drop('malformedRetry');
    if (tagStart === p) return drop('emptyRetryToken');
    return {
      kind: 'retry',
      firstByte: first,
      fixedBit,
      version: params.version,
      dcid,
      scid,
      token: datagram.subarray(p, tagStart),
      integrityTag: datagram.subarray(tagStart, end),
      withoutTag: datagram.subarray(offset, tagStart),
      start: offset,
      end,
    };
  }

  const r = new Reader(datagram, p, end);
  let token: Uint8Array = EMPTY;
  if (packetType === 'initial') {
    if (!hasVarint(r)) return drop('truncated');
    const tokenLength = r.readVarint();
    if (tokenLength > r.remaining) return drop('truncated');
    token = r.readBytes(tokenLength);
  }
  if (!hasVarint(r)) return drop('truncated');
  const length = r.readVarint();
  const pnOffset = r.offset;
  if (length > end - pnOffset) return drop('lengthBeyondDatagram');
  if (length < MIN_BYTES_AFTER_PN_OFFSET) return drop('tooShortToUnprotect');
  return {
    kind: 'long',
    packetType,
    firstByte: first,
    fixedBit,
    version: params.version,
    dcid,
    scid,
    token,
    length,
    start: offset,
    pnOffset,
    end: pnOffset + length,
  };
}

function parseVersionNegotiationBody(
  datagram: Uint8Array,
  offset: number,
  first: number,
  dcid: Uint8Array,
  scid: Uint8Array,
  p: number,
): ParseResult {
  const end = datagram.length;
  const bytes = end - p;
  if (bytes === 0 || bytes % 4 !== 0) return drop('malformedVersionNegotiation');
  const supportedVersions: number[] = [];
  for (let at = p; at < end; at += 4) supportedVersions.push(readU32(datagram, at));
  return { kind: 'versionNegotiation', firstByte: first, dcid, scid, supportedVersions, start: offset, end };
}

/**
 * Parses the short header of the 1-RTT packet at `offset` (RFC 9000 §17.3.1). The Destination Connection ID has no
 * length on the wire: it is as long as the connection IDs this endpoint issues.
 */
export function parseShortHeader(datagram: Uint8Array, offset: number, localCidLength: number): ParseResult {
  const end = datagram.length;
  if (offset < 0 || offset >= end) return drop('truncated');
  const first = datagram[offset]!;
  if ((first & FORM_BIT) !== 0) return drop('notShortHeader');
  const pnOffset = offset + 1 + localCidLength;
  if (pnOffset > end) return drop('truncated');
  if (end - pnOffset < MIN_BYTES_AFTER_PN_OFFSET) return drop('tooShortToUnprotect');
  return {
    kind: 'short',
    firstByte: first,
    fixedBit: (first & FIXED_BIT) !== 0,
    spinBit: (first & SPIN_BIT) !== 0,
    dcid: datagram.subarray(offset + 1, pnOffset),
    start: offset,
    pnOffset,
    end,
  };
}

/**
 * Parses the header of the packet at `offset` of a datagram, long or short. For coalesced packets (RFC 9000
 * §12.2), call it again at the previous packet's `end` until the datagram is exhausted or a packet is dropped (the
 * rest of the datagram cannot be delimited then).
 *
 * @param localCidLength length of the connection IDs this endpoint issued (short headers carry no length)
 * @example
 * for (let at = 0; at < datagram.length; ) {
 *   const p = parsePacket(datagram, at, 8);
 *   if (p.kind === 'drop') break;
 *   handle(p);
 *   at = p.end;
 * }
 */
export function parsePacket(datagram: Uint8Array, offset: number, localCidLength: number): ParseResult {
  if (offset < 0 || offset >= datagram.length) return drop('truncated');
  return (datagram[offset]! & FORM_BIT) !== 0
    ? parseLongHeader(datagram, offset)
    : parseShortHeader(datagram, offset, localCidLength);
}

/** What a router needs to know about a datagram, from its first packet. */
export type DatagramPeek =
  | {
      readonly kind: 'long';
      readonly version: number;
      /** Up to 20 bytes for v1/v2, up to 255 for other versions (a view). */
      readonly dcid: Uint8Array;
      readonly scid: Uint8Array;
      /** True for an Initial packet of a version qk speaks (a candidate new connection). */
      readonly isInitial: boolean;
      readonly fixedBit: boolean;
    }
  | {
      readonly kind: 'short';
      readonly dcid: Uint8Array;
      readonly fixedBit: boolean;
    };

/**
 * Reads just enough of a datagram's first packet to route it (RFC 8999 invariants): form, version, connection IDs,
 * and whether it is an Initial. Allocates nothing but the result and its views.
 */
export function peekDatagram(datagram: Uint8Array, localCidLength: number): DatagramPeek | DroppedPacket {
  const end = datagram.length;
  if (end === 0) return drop('truncated');
  const first = datagram[0]!;
  const fixedBit = (first & FIXED_BIT) !== 0;
  if ((first & FORM_BIT) === 0) {
    if (1 + localCidLength > end) return drop('truncated');
    return { kind: 'short', dcid: datagram.subarray(1, 1 + localCidLength), fixedBit };
  }
  if (end < 7) return drop('truncated');
  const version = readU32(datagram, 1);
  const params = version === 0 ? undefined : versionParameters(version);
  const dcidLength = datagram[5]!;
  if (params !== undefined && dcidLength > MAX_CONNECTION_ID_LENGTH) return drop('connectionIdTooLong');
  if (7 + dcidLength > end) return drop('truncated');
  const scidLength = datagram[6 + dcidLength]!;
  if (params !== undefined && scidLength > MAX_CONNECTION_ID_LENGTH) return drop('connectionIdTooLong');
  if (7 + dcidLength + scidLength > end) return drop('truncated');
  const isInitial = params !== undefined && longPacketTypeFromBits(params, (first >> 4) & 0x03) === 'initial';
  return {
    kind: 'long',
    version,
    dcid: datagram.subarray(6, 6 + dcidLength),
    scid: datagram.subarray(7 + dcidLength, 7 + dcidLength + scidLength),
    isInitial,
    fixedBit,
  };
}

/** Decodes a datagram holding a Version Negotiation packet, or says why it is dropped. */
export function decodeVersionNegotiation(datagram: Uint8Array): VersionNegotiationPacket | DroppedPacket {
  const p = parseLongHeader(datagram, 0);
  if (p.kind === 'drop' || p.kind === 'versionNegotiation') return p;
  return drop('unexpectedPacketType');
}

/**
 * Builds a Version Negotiation packet (RFC 9000 §17.2.1). Its Destination Connection ID is the client's Source
 * Connection ID and vice versa: pass them already swapped.
 *
 * @param randomFirstByte a random byte for the Unused bits; the form bit and 0x40 are always set (§17.2.1 asks
 *   for 0x40 where QUIC is multiplexed with other protocols)
 * @throws RangeError for a connection ID over 255 bytes or an empty version list
 */
export function encodeVersionNegotiation(
  dcid: Uint8Array,
  scid: Uint8Array,
  versions: readonly number[],
  randomFirstByte: number,
): Uint8Array {
  if (dcid.length > MAX_INVARIANT_CONNECTION_ID_LENGTH || scid.length > MAX_INVARIANT_CONNECTION_ID_LENGTH) {
    throw new RangeError('a connection ID is longer than 255 bytes');
  }
  if (versions.length === 0) throw new RangeError('Version Negotiation needs at least one version');
  const out = new Uint8Array(7 + dcid.length + scid.length + 4 * versions.length);
  const view = new DataView(out.buffer);
  out[0] = FORM_BIT | FIXED_BIT | (randomFirstByte & 0x3f);
  // Version 0 in bytes 1..4 (already zero).
  let p = 5;
  out[p++] = dcid.length;
  out.set(dcid, p);
  p += dcid.length;
  out[p++] = scid.length;
  out.set(scid, p);
  p += scid.length;
  for (const v of versions) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new RangeError(`bad version ${v}`);
    view.setUint32(p, v);
    p += 4;
  }
  return out;
}

/** The fields of a Retry packet before its integrity tag. */
export interface RetryFields {
  /** A version qk speaks (the Retry type bits differ between v1 and v2). */
  readonly version: number;
  /** The client's Source Connection ID. */
  readonly dcid: Uint8Array;
  /** The server's chosen connection ID. */
  readonly scid: Uint8Array;
  /** The Retry Token, not empty. */
  readonly token: Uint8Array;
  /** The four Unused bits of the first byte (arbitrary; default 0). */
  readonly unusedBits?: number;
}

function checkCid(cid: Uint8Array, what: string): void {
  if (cid.length > MAX_CONNECTION_ID_LENGTH) throw new RangeError(`${what} is longer than ${MAX_CONNECTION_ID_LENGTH} bytes`);
}

/**
 * Encodes a Retry packet without its integrity tag: the part the tag authenticates (after the Original Destination
 * Connection ID, see {@link retryPseudoPacket}).
 *
 * @throws RangeError for an unsupported version, a connection ID over 20 bytes or an empty token
 */
export function encodeRetryWithoutTag(fields: RetryFields): Uint8Array {
  const params = versionParameters(fields.version);
  if (params === undefined) throw new RangeError(`unsupported version 0x${fields.version.toString(16)}`);
  checkCid(fields.dcid, 'dcid');
  checkCid(fields.scid, 'scid');
  if (fields.token.length === 0) throw new RangeError('a Retry token must not be empty');
  const out = new Uint8Array(7 + fields.dcid.length + fields.scid.length + fields.token.length);
  out[0] = FORM_BIT | FIXED_BIT | (params.longTypeBits.retry << 4) | ((fields.unusedBits ?? 0) & 0x0f);
  new DataView(out.buffer).setUint32(1, params.version);
  let p = 5;
  out[p++] = fields.dcid.length;
  out.set(fields.dcid, p);
  p += fields.dcid.length;
  out[p++] = fields.scid.length;
  out.set(fields.scid, p);
  p += fields.scid.length;
  out.set(fields.token, p);
  return out;
}

/**
 * Encodes a whole Retry packet (RFC 9000 §17.2.5): the fields, then `integrityTag`, which the caller computed over
 * {@link retryPseudoPacket} (RFC 9001 §5.8).
 */
export function encodeRetry(fields: RetryFields, integrityTag: Uint8Array): Uint8Array {
  if (integrityTag.length !== RETRY_INTEGRITY_TAG_LENGTH) throw new RangeError('the Retry integrity tag is 16 bytes');
  const body = encodeRetryWithoutTag(fields);
  const out = new Uint8Array(body.length + RETRY_INTEGRITY_TAG_LENGTH);
  out.set(body);
  out.set(integrityTag, body.length);
  return out;
}

/** Decodes a datagram holding a Retry packet, or says why it is dropped. */
export function decodeRetry(datagram: Uint8Array): RetryPacket | DroppedPacket {
  const p = parseLongHeader(datagram, 0);
  if (p.kind === 'drop' || p.kind === 'retry') return p;
  return drop('unexpectedPacketType');
}

/**
 * The Retry Pseudo-Packet the integrity tag is computed over (RFC 9001 §5.8): ODCID Length, Original Destination
 * Connection ID, then the Retry packet without its tag (from {@link encodeRetryWithoutTag}, or a received
 * packet's `withoutTag`).
 */
export function retryPseudoPacket(originalDcid: Uint8Array, retryWithoutTag: Uint8Array): Uint8Array {
  if (originalDcid.length > MAX_INVARIANT_CONNECTION_ID_LENGTH) throw new RangeError('original DCID too long');
  const out = new Uint8Array(1 + originalDcid.length + retryWithoutTag.length);
  out[0] = originalDcid.length;
  out.set(originalDcid, 1);
  out.set(retryWithoutTag, 1 + originalDcid.length);
  return out;
}

/** The fields of a long header to send. */
export interface LongHeaderFields {
  readonly packetType: 'initial' | 'zeroRtt' | 'handshake';
  /** A version qk speaks. */
  readonly version: number;
  readonly dcid: Uint8Array;
  readonly scid: Uint8Array;
  /** The Initial's token (Initial packets only; default empty). */
  readonly token?: Uint8Array;
  /** The truncated packet number (see `encodePacketNumber`). */
  readonly packetNumber: number;
  readonly packetNumberLength: PacketNumberLength;
  /** The fixed bit; clear it only toward a peer that sent grease_quic_bit (RFC 9287). Default true. */
  readonly fixedBit?: boolean;
}

/** Where the parts of a written long header are, for patching the Length and protecting the header. */
export interface LongHeaderLayout {
  /** Offset of the 2-byte Length field in the writer. */
  readonly lengthOffset: number;
  /** Offset of the packet number. */
  readonly pnOffset: number;
  /** Offset of the first payload byte (after the packet number). */
  readonly payloadOffset: number;
}

/**
 * Writes a long header (RFC 9000 §17.2): first byte with reserved bits 0 and the packet number length, version,
 * connection IDs, the Initial token, a 2-byte Length placeholder to patch with {@link patchLongHeaderLength}, and
 * the truncated packet number.
 *
 * @throws RangeError for an unsupported version, a connection ID over 20 bytes, a token on a non-Initial packet
 *   or a packet number that does not fit its length
 */
export function encodeLongHeader(w: Writer, h: LongHeaderFields): LongHeaderLayout {
  const params = versionParameters(h.version);
  if (params === undefined) throw new RangeError(`unsupported version 0x${h.version.toString(16)}`);
  checkCid(h.dcid, 'dcid');
  checkCid(h.scid, 'scid');
  const token = h.token ?? EMPTY;
  if (h.packetType !== 'initial' && token.length > 0) throw new RangeError('only Initial packets carry a token');
  checkPacketNumber(h.packetNumber, h.packetNumberLength);
  w.writeU8(
    FORM_BIT |
      (h.fixedBit === false ? 0 : FIXED_BIT) |
      (params.longTypeBits[h.packetType] << 4) |
      (h.packetNumberLength - 1),
  );
  w.writeU32(params.version);
  w.writeU8(h.dcid.length);
  w.writeBytes(h.dcid);
  w.writeU8(h.scid.length);
  w.writeBytes(h.scid);
  if (h.packetType === 'initial') w.writeVarintBytes(token);
  const lengthOffset = w.length;
  w.writeVarintWithSize(0, 2);
  const pnOffset = w.length;
  w.writeUint(h.packetNumber, h.packetNumberLength);
  return { lengthOffset, pnOffset, payloadOffset: w.length };
}

/** Bytes {@link encodeLongHeader} writes for `h`. */
export function sizeOfLongHeader(h: LongHeaderFields): number {
  const tokenLength = h.token?.length ?? 0;
  return (
    7 +
    h.dcid.length +
    h.scid.length +
    (h.packetType === 'initial' ? varintSize(tokenLength) + tokenLength : 0) +
    2 +
    h.packetNumberLength
  );
}

/**
 * Fills in the Length field of a long header once the packet is complete: packet number plus payload plus the
 * AEAD tag, so `packetEnd` is the offset where the protected packet will end.
 *
 * @throws RangeError if the length does not fit the 2-byte field (16383 bytes)
 */
export function patchLongHeaderLength(w: Writer, layout: LongHeaderLayout, packetEnd: number): void {
  const length = packetEnd - layout.pnOffset;
  if (length < 0 || length > 0x3fff) throw new RangeError(`packet Length ${length} does not fit 2 bytes`);
  w.patchVarint(layout.lengthOffset, 2, length);
}

/** The fields of a short header to send. */
export interface ShortHeaderFields {
  readonly dcid: Uint8Array;
  /** The truncated packet number. */
  readonly packetNumber: number;
  readonly packetNumberLength: PacketNumberLength;
  /** The Key Phase bit (RFC 9001 §6). */
  readonly keyPhase: boolean;
  /** The latency spin bit (RFC 9000 §17.4). Default false. */
  readonly spinBit?: boolean;
  /** The fixed bit; clear it only toward a peer that sent grease_quic_bit (RFC 9287). Default true. */
  readonly fixedBit?: boolean;
}

/**
 * Writes a short header (RFC 9000 §17.3.1) with reserved bits 0, and returns the offset of its packet number.
 *
 * @throws RangeError for a connection ID over 20 bytes or a packet number that does not fit its length
 */
export function encodeShortHeader(w: Writer, h: ShortHeaderFields): number {
  checkCid(h.dcid, 'dcid');
  checkPacketNumber(h.packetNumber, h.packetNumberLength);
  w.writeU8(
    (h.fixedBit === false ? 0 : FIXED_BIT) |
      (h.spinBit === true ? SPIN_BIT : 0) |
      (h.keyPhase ? KEY_PHASE_BIT : 0) |
      (h.packetNumberLength - 1),
  );
  w.writeBytes(h.dcid);
  const pnOffset = w.length;
  w.writeUint(h.packetNumber, h.packetNumberLength);
  return pnOffset;
}

/** Bytes {@link encodeShortHeader} writes for `h`. */
export function sizeOfShortHeader(h: ShortHeaderFields): number {
  return 1 + h.dcid.length + h.packetNumberLength;
}

function checkPacketNumber(pn: number, length: number): void {
  if (length < 1 || length > 4 || !Number.isInteger(length)) throw new RangeError(`bad packet number length ${length}`);
  if (!Number.isInteger(pn) || pn < 0 || pn >= 2 ** (8 * length)) {
    throw new RangeError(`truncated packet number ${pn} does not fit ${length} bytes`);
  }
}

/** Header protection covers these bits of the first byte (RFC 9001 §5.4.1): 0x0f in long, 0x1f in short headers. */
export function protectedFirstByteBits(firstByte: number): 0x0f | 0x1f {
  return (firstByte & FORM_BIT) !== 0 ? 0x0f : 0x1f;
}

/** The packet number length from an unprotected first byte (its two low bits + 1). */
export function packetNumberLengthFromFirstByte(firstByte: number): PacketNumberLength {
  return ((firstByte & PN_LENGTH_BITS) + 1) as PacketNumberLength;
}

/** The Key Phase bit of an unprotected short-header first byte. */
export function keyPhaseFromFirstByte(firstByte: number): boolean {
  return (firstByte & KEY_PHASE_BIT) !== 0;
}

/**
 * The reserved bits of an unprotected first byte (0x0c long, 0x18 short). Non-zero after successful removal of
 * packet protection is a PROTOCOL_VIOLATION (RFC 9000 §17.2, §17.3.1).
 */
export function reservedBitsFromFirstByte(firstByte: number): number {
  return firstByte & ((firstByte & FORM_BIT) !== 0 ? LONG_RESERVED_BITS : SHORT_RESERVED_BITS);
}
