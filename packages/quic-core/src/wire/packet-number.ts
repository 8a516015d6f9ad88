/**
 * Packet number encoding and decoding (RFC 9000 §17.1, Appendix A.2 and A.3).
 *
 * Packet numbers are integers in 0..2^62-1; qk keeps them as `number`s, which is exact far beyond any packet
 * number a connection reaches (2^53). On the wire a packet carries only the 1 to 4 least significant bytes, and the
 * receiver rebuilds the full number from the largest one it has processed.
 */

/** Bytes a truncated packet number occupies on the wire (the packet number length field + 1). */
export type PacketNumberLength = 1 | 2 | 3 | 4;

/** A truncated packet number ready to be written: its low `length` bytes. */
export interface EncodedPacketNumber {
  /** `full mod 2^(8 * length)`. */
  readonly truncated: number;
  /** How many bytes to write. */
  readonly length: PacketNumberLength;
}

/** The largest packet number QUIC allows: 2^62 - 1 (RFC 9000 §12.3). */
export const MAX_PACKET_NUMBER = 2 ** 62 - 1;

const WINDOWS = [0, 0x100, 0x1_0000, 0x100_0000, 0x1_0000_0000] as const;

/**
 * The packet number length to send `fullPn` with: the fewest bytes whose range is more than twice the number of
 * unacknowledged packet numbers (RFC 9000 §17.1: "a packet number size able to represent more than twice as large
 * a range as the difference between the largest acknowledged packet number and the packet number being sent").
 *
 * Where the sample code of Appendix A.2 (`ceil((log2(n) + 1) / 8)`) and the normative text differ, at an exact
 * power of two such as 128 unacknowledged packets, this follows the normative text and uses one byte more.
 *
 * @param fullPn the packet number of the packet being sent
 * @param largestAcked the largest packet number the peer acknowledged in this space, or `undefined` if none
 * @throws RangeError if `fullPn` is not above `largestAcked`, or the unacknowledged range needs more than 4 bytes
 */
export function packetNumberLength(fullPn: number, largestAcked: number | undefined): PacketNumberLength {
  if (!Number.isSafeInteger(fullPn) || fullPn < 0) throw new RangeError(`packet number out of range: ${fullPn}`);
  let numUnacked: number;
  if (largestAcked === undefined) {
    numUnacked = fullPn + 1;
  } else {
    if (!(largestAcked < fullPn)) {
      throw new RangeError(`packet number ${fullPn} is not above the largest acknowledged ${largestAcked}`);
    }
    numUnacked = fullPn - largestAcked;
  }
  const range = numUnacked * 2;
  if (range < WINDOWS[1]) return 1;
  if (range < WINDOWS[2]) return 2;
  if (range < WINDOWS[3]) return 3;
  if (range < WINDOWS[4]) return 4;
  throw new RangeError(`${numUnacked} unacknowledged packets do not fit a 4-byte packet number`);
}

/**
 * Truncates `fullPn` for sending (RFC 9000 §17.1, Appendix A.2).
 *
 * @example
 * encodePacketNumber(0xac5c02, 0xabe8b3); // { truncated: 0x5c02, length: 2 }
 */
export function encodePacketNumber(fullPn: number, largestAcked: number | undefined): EncodedPacketNumber {
  const length = packetNumberLength(fullPn, largestAcked);
  return { truncated: fullPn % WINDOWS[length], length };
}

/**
 * Recovers a full packet number from its truncated form (RFC 9000 Appendix A.3): the value closest to
 * `largestPn + 1` whose low `bits` bits are `truncatedPn`.
 *
 * @param largestPn the largest packet number processed in this packet number space, or -1 if none yet
 * @param truncatedPn the packet number as read from the header (after header protection is removed)
 * @param bits 8, 16, 24 or 32 (the packet number length in bits)
 * @example
 * decodePacketNumber(0xa82f30ea, 0x9b32, 16); // 0xa82f9b32
 */
export function decodePacketNumber(largestPn: number, truncatedPn: number, bits: 8 | 16 | 24 | 32): number {
  const expectedPn = largestPn + 1;
  const pnWin = WINDOWS[bits >> 3]!;
  const pnHwin = pnWin / 2;
  // (expected_pn & ~pn_mask) | truncated_pn, without 32-bit bitwise operators.
  const candidatePn = expectedPn - (expectedPn % pnWin) + truncatedPn;
  if (candidatePn <= expectedPn - pnHwin && candidatePn < 2 ** 62 - pnWin) return candidatePn + pnWin;
  if (candidatePn > expectedPn + pnHwin && candidatePn >= pnWin) return candidatePn - pnWin;
  return candidatePn;
}
