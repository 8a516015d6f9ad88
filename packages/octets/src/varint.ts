/**
 * QUIC variable-length integers (RFC 9000 §16).
 *
 * ## The number / bigint policy (decided once, here)
 *
 * A varint carries up to 62 bits; a JavaScript `number` is exact only up to 2^53 - 1
 * (`Number.MAX_SAFE_INTEGER`). qk decodes varints to `number`, because every quantity a real connection
 * reaches (offsets, stream IDs, flow-control limits, error codes in use) is far below 2^53, and numbers are
 * an order of magnitude faster than bigints.
 *
 * - {@link Reader.readVarint} returns the exact value up to 2^53 - 1 and **saturates** larger values to
 *   `Number.MAX_SAFE_INTEGER`. Saturation keeps every decoded value a safe integer and keeps comparisons
 *   against limits correct ("at least 2^53 - 1" is "unlimited" for any limit qk enforces).
 * - {@link Reader.readVarintBig} returns the exact value as a `bigint`, for the rare field whose exact identity
 *   above 2^53 matters (e.g. echoing an unknown 62-bit application error code).
 * - {@link Writer.writeVarint} takes a safe-integer `number` or any `bigint` up to 2^62 - 1; anything else is a
 *   `RangeError` (a programming error, never peer input).
 *
 * Pinned by vectors in `test/vectors/varint.json`: 2^53 - 1 (exact), 2^53 (saturates; exact as bigint),
 * 2^62 - 1 (saturates; exact as bigint).
 */

/** The largest value a QUIC varint can carry: 2^62 - 1. */
export const MAX_VARINT = (1n << 62n) - 1n;

/** The largest varint value that decodes exactly to a `number`: 2^53 - 1. */
export const MAX_VARINT_NUMBER = Number.MAX_SAFE_INTEGER;

/** Bytes needed to encode `v` as a varint: 1, 2, 4 or 8. */
export function varintSize(v: number | bigint): 1 | 2 | 4 | 8 {
  if (typeof v === 'bigint') {
    if (v < 0n || v > MAX_VARINT) throw new RangeError(`varint out of range: ${v}`);
    if (v < 0x40n) return 1;
    if (v < 0x4000n) return 2;
    if (v < 0x4000_0000n) return 4;
    return 8;
  }
  if (!(v >= 0) || !Number.isSafeInteger(v)) throw new RangeError(`varint out of range: ${v}`);
  if (v < 0x40) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x4000_0000) return 4;
  return 8;
}

/** The encoded length of a varint from its first byte (the two high bits). */
export function varintLengthFromFirstByte(first: number): 1 | 2 | 4 | 8 {
  return (1 << (first >> 6)) as 1 | 2 | 4 | 8;
}
