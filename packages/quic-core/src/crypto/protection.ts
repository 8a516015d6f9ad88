/**
 * Packet protection and header protection (RFC 9001 §5.3, §5.4), in place in the datagram buffer.
 *
 * Sending: the packet builder writes the header (first byte with the Packet Number Length bits, the truncated
 * packet number at `pnOffset`) and the plaintext frames, then {@link protectPacket} seals the payload (AAD = the
 * header, nonce = IV XOR packet number) and masks the header. The only copy is the sealed output of
 * `Aead.seal` into the buffer (the `Aead` interface returns a new array).
 *
 * Receiving: {@link unprotectPacket} unmasks the header in place, recovers the full packet number, opens the
 * payload and returns the plaintext; any failure returns `undefined` (drop the packet; RFC 9001 §5.5) and
 * leaves the buffer as it was. For 1-RTT packets, whose keys depend on the Key Phase bit, the two halves are
 * exposed: {@link removeHeaderProtection}, then {@link decryptPayload} with the keys the phase selects, and
 * {@link restoreHeaderProtection} if no key opens it.
 *
 * @module
 */
import type { HeaderProtection } from '@qk/tls13';
import { decodePacketNumber } from '../wire/packet-number.js';
import type { PacketNumberLength } from '../wire/packet-number.js';
import type { PacketKeys } from './keys.js';

/** Header protection samples 16 bytes of ciphertext for every suite QUIC uses (RFC 9001 §5.4.2). */
export const HEADER_PROTECTION_SAMPLE_LENGTH = 16;

/** The sample starts 4 bytes after the start of the Packet Number field (RFC 9001 §5.4.2). */
export const SAMPLE_OFFSET_FROM_PN = 4;

/** The AEAD tag of every suite QUIC uses is 16 bytes (RFC 9001 §5.3). */
const TAG_LENGTH = 16;

const TWO_POW_32 = 0x1_0000_0000;

/** What header-protection removal learned: the unmasked first byte and the packet number. */
export interface UnmaskedHeader {
  /** Offset of the packet's first byte in the buffer. */
  readonly start: number;
  /** Offset of the Packet Number field in the buffer. */
  readonly pnOffset: number;
  /** Offset one past the packet's last byte (end of the AEAD tag). */
  readonly end: number;
  /** The first byte with header protection removed. */
  readonly firstByte: number;
  /** Length of the Packet Number field, 1 to 4 (`(firstByte & 0x03) + 1`). */
  readonly pnLength: PacketNumberLength;
  /** The full packet number, reconstructed against the largest packet number received (RFC 9000 §A.3). */
  readonly packetNumber: number;
  /**
   * The Key Phase bit of a short header (RFC 9001 §6); always 0 for a long header.
   */
  readonly keyPhase: 0 | 1;
  /**
   * The Reserved Bits, unmasked, in place (long header: `firstByte & 0x0c`; short header: `firstByte & 0x18`).
   * Non-zero after successful decryption is a connection error of type PROTOCOL_VIOLATION (RFC 9000 §17.2,
   * §17.3.1); the check belongs after decryption so it cannot be probed with forged packets.
   */
  readonly reservedBits: number;
  /** The 5-byte header-protection mask (for {@link restoreHeaderProtection}). */
  readonly mask: Uint8Array;
}

/** A packet with protection removed. */
export interface UnprotectedPacket extends UnmaskedHeader {
  /** The decrypted payload (the frames). */
  readonly payload: Uint8Array;
}

/** The AEAD nonce: the IV XOR the 62-bit packet number left-padded to the IV's length (RFC 9001 §5.3). */
export function packetNonce(iv: Uint8Array, packetNumber: number): Uint8Array {
  const nonce = iv.slice();
  const n = nonce.length;
  let lo = packetNumber % TWO_POW_32;
  let hi = Math.floor(packetNumber / TWO_POW_32);
  for (let i = 1; i <= 4; i++) {
    nonce[n - i]! ^= lo & 0xff;
    lo >>>= 8;
    nonce[n - 4 - i]! ^= hi & 0xff;
    hi >>>= 8;
  }
  return nonce;
}

/** Bits of the first byte that header protection covers: 4 for a long header, 5 for a short one (§5.4.1). */
function firstByteMask(firstByte: number): number {
  return (firstByte & 0x80) !== 0 ? 0x0f : 0x1f;
}

/**
 * Seals a packet whose header is written into `buffer` and applies header protection (RFC 9001 §5.3, §5.4).
 *
 * - `buffer[start]` is the first byte, with its Packet Number Length bits set; the unprotected header runs
 *   to the end of the Packet Number field at `pnOffset` (a long header's Length field must already count the
 *   packet number, the payload and the 16-byte tag).
 * - `payload` is the plaintext; it may be a view of `buffer` just after the packet number (built in place)
 *   or live anywhere else.
 * - The ciphertext and tag are written right after the packet number; the return value is the offset one past
 *   the tag.
 *
 * Throws `RangeError` on misuse: bounds that do not fit `buffer`, a packet number field that does not hold the
 * low bits of `packetNumber`, or a payload too short for the header-protection sample (the packet number
 * and payload together need at least 4 bytes; RFC 9001 §5.4.2: pad with PADDING frames).
 *
 * @example
 * // header already written at [0, pnOffset + pnLength), frames right behind it
 * const end = protectPacket(keys, buf, 0, pnOffset, pn, buf.subarray(pnOffset + pnLength, framesEnd));
 * send(buf.subarray(0, end));
 */
export function protectPacket(
  keys: PacketKeys,
  buffer: Uint8Array,
  start: number,
  pnOffset: number,
  packetNumber: number,
  payload: Uint8Array,
): number {
  if (!Number.isSafeInteger(packetNumber) || packetNumber < 0) {
    throw new RangeError(`protectPacket: packetNumber ${packetNumber} is not a non-negative safe integer`);
  }
  if (!(start >= 0 && start < pnOffset && pnOffset <= buffer.length)) {
    throw new RangeError(`protectPacket: start ${start} / pnOffset ${pnOffset} do not fit a ${buffer.length}-byte buffer`);
  }
  const first = buffer[start]!;
  const pnLength = (first & 0x03) + 1;
  const pnEnd = pnOffset + pnLength;
  const end = pnEnd + payload.length + keys.aead.tagLength;
  if (end > buffer.length) {
    throw new RangeError(`protectPacket: packet needs ${end - start} bytes, ${buffer.length - start} available`);
  }
  if (pnLength + payload.length < SAMPLE_OFFSET_FROM_PN + HEADER_PROTECTION_SAMPLE_LENGTH - keys.aead.tagLength) {
    throw new RangeError(
      `protectPacket: ${pnLength}-byte packet number and ${payload.length}-byte payload leave no room for the sample`,
    );
  }
  let truncated = 0;
  for (let i = pnOffset; i < pnEnd; i++) truncated = truncated * 256 + buffer[i]!;
  if (truncated !== packetNumber % 2 ** (8 * pnLength)) {
    throw new RangeError(`protectPacket: the packet number field does not hold the low bits of ${packetNumber}`);
  }

  const sealed = keys.aead.seal(packetNonce(keys.iv, packetNumber), buffer.subarray(start, pnEnd), payload);
  buffer.set(sealed, pnEnd);

  const sampleAt = pnOffset + SAMPLE_OFFSET_FROM_PN;
  const mask = keys.hp.mask(buffer.subarray(sampleAt, sampleAt + HEADER_PROTECTION_SAMPLE_LENGTH));
  buffer[start] = first ^ (mask[0]! & firstByteMask(first));
  for (let i = 0; i < pnLength; i++) buffer[pnOffset + i]! ^= mask[1 + i]!;
  return end;
}

/**
 * Removes header protection in place (RFC 9001 §5.4.1, §5.4.2) and reconstructs the packet number from
 * `largestReceived`, the largest packet number successfully processed in this packet number space (-1 if
 * none yet; RFC 9000 §A.3).
 *
 * Returns `undefined` without touching the buffer if the packet is too short to hold the sample and a tag
 * (RFC 9001 §5.4.2: such packets are discarded) or if the offsets do not fit the buffer. Never throws.
 * The header is unauthenticated until {@link decryptPayload} succeeds.
 */
export function removeHeaderProtection(
  hp: HeaderProtection,
  buffer: Uint8Array,
  start: number,
  pnOffset: number,
  end: number,
  largestReceived: number,
): UnmaskedHeader | undefined {
  const sampleAt = pnOffset + SAMPLE_OFFSET_FROM_PN;
  if (!(start >= 0 && start < pnOffset && sampleAt + HEADER_PROTECTION_SAMPLE_LENGTH <= end && end <= buffer.length)) {
    return undefined;
  }
  const mask = hp.mask(buffer.subarray(sampleAt, sampleAt + HEADER_PROTECTION_SAMPLE_LENGTH));
  const protectedFirst = buffer[start]!;
  const long = (protectedFirst & 0x80) !== 0;
  const firstByte = protectedFirst ^ (mask[0]! & (long ? 0x0f : 0x1f));
  const pnLength = ((firstByte & 0x03) + 1) as PacketNumberLength;
  buffer[start] = firstByte;
  let truncated = 0;
  for (let i = 0; i < pnLength; i++) {
    const b = buffer[pnOffset + i]! ^ mask[1 + i]!;
    buffer[pnOffset + i] = b;
    truncated = truncated * 256 + b;
  }
  return {
    start,
    pnOffset,
    end,
    firstByte,
    pnLength,
    packetNumber: decodePacketNumber(largestReceived, truncated, (pnLength * 8) as 8 | 16 | 24 | 32),
    keyPhase: long ? 0 : ((firstByte >> 2) & 1) as 0 | 1,
    reservedBits: firstByte & (long ? 0x0c : 0x18),
    mask,
  };
}

/**
 * Puts header protection back on a header that {@link removeHeaderProtection} unmasked, so the buffer holds
 * the bytes as received (after every candidate key failed to open the packet).
 */
export function restoreHeaderProtection(buffer: Uint8Array, header: UnmaskedHeader): void {
  const { start, pnOffset, pnLength, mask, firstByte } = header;
  buffer[start] = firstByte ^ (mask[0]! & firstByteMask(firstByte));
  for (let i = 0; i < pnLength; i++) buffer[pnOffset + i]! ^= mask[1 + i]!;
}

/**
 * Opens the payload of a packet whose header {@link removeHeaderProtection} unmasked (RFC 9001 §5.3): AAD is the
 * unprotected header, the nonce comes from the reconstructed packet number. Returns the plaintext, or
 * `undefined` if authentication fails (wrong keys, tampering). Never throws.
 */
export function decryptPayload(keys: PacketKeys, buffer: Uint8Array, header: UnmaskedHeader): Uint8Array | undefined {
  const { start, pnOffset, pnLength, end, packetNumber } = header;
  const pnEnd = pnOffset + pnLength;
  if (end - pnEnd < TAG_LENGTH) return undefined;
  try {
    return keys.aead.open(
      packetNonce(keys.iv, packetNumber),
      buffer.subarray(start, pnEnd),
      buffer.subarray(pnEnd, end),
    );
  } catch {
    // A provider that throws on malformed input instead of returning undefined: peer input never throws.
    return undefined;
  }
}

/**
 * Removes header protection and packet protection from the packet at `buffer[start, end)` whose Packet Number
 * field starts at `pnOffset` (RFC 9001 §5): unmasks the header in place, reconstructs the packet number from
 * `largestReceived` (-1 if nothing was received yet in this space), and opens the payload.
 *
 * Returns `undefined` (drop the packet) if the packet is too short for the header-protection sample or does
 * not authenticate; the buffer is then left as it was. Never throws for peer input. On success the header in
 * `buffer` is unprotected, and the result carries the unmasked first byte: the caller checks the Reserved
 * Bits (non-zero: PROTOCOL_VIOLATION) and, for short headers, the Key Phase bit.
 *
 * @example
 * const packet = unprotectPacket(keys.client, datagram, 0, pnOffset, end, largestReceived);
 * if (packet === undefined) return; // drop
 * if (packet.reservedBits !== 0) closeWith(TransportErrorCode.PROTOCOL_VIOLATION);
 */
export function unprotectPacket(
  keys: PacketKeys,
  buffer: Uint8Array,
  start: number,
  pnOffset: number,
  end: number,
  largestReceived: number,
): UnprotectedPacket | undefined {
  const header = removeHeaderProtection(keys.hp, buffer, start, pnOffset, end, largestReceived);
  if (header === undefined) return undefined;
  const payload = decryptPayload(keys, buffer, header);
  if (payload === undefined) {
    restoreHeaderProtection(buffer, header);
    return undefined;
  }
  return { ...header, payload };
}
