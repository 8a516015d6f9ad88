/**
 * ACK frames (RFC 9000 §19.3), types 0x02 and 0x03 (with ECN counts, §19.3.2).
 *
 * On the wire an ACK lists its ranges from the largest down, each after the first as a gap and a length. qk keeps
 * them as {@link AckRange}s in the same descending order, so `ranges[0].largest` is the Largest Acknowledged.
 */
import type { Reader, Writer } from '@qk/octets';
import { varintSize } from '@qk/octets';
import type { AckRange } from '../ack-range.js';
import { frameEncodingError } from './codec-util.js';
import { FrameType } from './frame-type.js';

/** ECN counts of an ACK_ECN frame (RFC 9000 §19.3.2). */
export interface EcnCounts {
  /** ECT0 Count: packets received with the ECT(0) codepoint. */
  readonly ect0: number;
  /** ECT1 Count: packets received with the ECT(1) codepoint. */
  readonly ect1: number;
  /** ECN-CE Count: packets received with the CE codepoint. */
  readonly ce: number;
}

/** An ACK frame (type 0x02), or ACK_ECN (0x03) when `ecn` is present. */
export interface AckFrame {
  readonly kind: 'ack';
  /**
   * Acknowledged packet numbers as inclusive ranges in descending order, disjoint and not adjacent; `ranges[0]`
   * holds the Largest Acknowledged. Never empty. A decoded frame may hold fewer ranges than were sent: see
   * {@link DEFAULT_MAX_ACK_RANGES}.
   */
  readonly ranges: readonly AckRange[];
  /** ACK Delay as encoded: microseconds divided by 2^ack_delay_exponent of the sender (RFC 9000 §19.3). */
  readonly ackDelay: number;
  /** ECN counts: present for type 0x03, absent for 0x02. */
  readonly ecn?: EcnCounts;
}

/**
 * How many ranges a decoded ACK keeps by default. The decoder still reads and validates every range the peer sent,
 * but keeps only the first (largest) ones, so an ACK-range flood costs time bounded by the packet size and
 * memory bounded by this cap. Older ranges were, in practice, already reported by earlier ACK frames.
 */
export const DEFAULT_MAX_ACK_RANGES = 64;

/**
 * Decodes an ACK or ACK_ECN frame after its type.
 *
 * @param type 0x02 or 0x03
 * @param maxRanges keep at most this many ranges (the largest ones); the rest are read, checked and dropped
 * @throws TransportError FRAME_ENCODING_ERROR if a range goes below packet number 0 (RFC 9000 §19.3.1)
 * @throws DecodeError if the frame is truncated (decodeFrame maps it to FRAME_ENCODING_ERROR)
 */
export function decodeAck(r: Reader, type: number = FrameType.ACK, maxRanges = DEFAULT_MAX_ACK_RANGES): AckFrame {
  const largest = r.readVarint();
  const ackDelay = r.readVarint();
  const rangeCount = r.readVarint();
  const firstRange = r.readVarint();
  let smallest = largest - firstRange;
  if (smallest < 0) throw frameEncodingError(type, `first ACK range ${firstRange} goes below 0 from ${largest}`);
  const ranges: AckRange[] = [{ smallest, largest }];
  const keep = Math.max(1, maxRanges);
  for (let i = 0; i < rangeCount; i++) {
    const gap = r.readVarint();
    const length = r.readVarint();
    const hi = smallest - gap - 2;
    const lo = hi - length;
    if (lo < 0) throw frameEncodingError(type, `ACK range ${i + 1} goes below packet number 0`);
    if (ranges.length < keep) ranges.push({ smallest: lo, largest: hi });
    smallest = lo;
  }
  if (type !== FrameType.ACK_ECN) return { kind: 'ack', ranges, ackDelay };
  const ect0 = r.readVarint();
  const ect1 = r.readVarint();
  const ce = r.readVarint();
  return { kind: 'ack', ranges, ackDelay, ecn: { ect0, ect1, ce } };
}

function checkRanges(ranges: readonly AckRange[]): void {
  if (ranges.length === 0) throw new RangeError('an ACK frame needs at least one range');
  let previous: AckRange | undefined;
  for (const range of ranges) {
    if (!(range.smallest >= 0 && range.smallest <= range.largest)) {
      throw new RangeError(`bad ACK range [${range.smallest}, ${range.largest}]`);
    }
    if (previous !== undefined && !(range.largest + 2 <= previous.smallest)) {
      throw new RangeError(
        `ACK ranges must descend with a gap: [${range.smallest}, ${range.largest}] after [${previous.smallest}, ${previous.largest}]`,
      );
    }
    previous = range;
  }
}

/**
 * Writes an ACK frame: type 0x03 if `frame.ecn` is present, else 0x02. Throws `RangeError` if the ranges are
 * empty, not descending, overlapping or adjacent (adjacent ranges must be merged first).
 */
export function encodeAck(w: Writer, frame: AckFrame): void {
  const ranges = frame.ranges;
  checkRanges(ranges);
  const first = ranges[0]!;
  w.writeU8(frame.ecn === undefined ? FrameType.ACK : FrameType.ACK_ECN);
  w.writeVarint(first.largest);
  w.writeVarint(frame.ackDelay);
  w.writeVarint(ranges.length - 1);
  w.writeVarint(first.largest - first.smallest);
  for (let i = 1; i < ranges.length; i++) {
    const range = ranges[i]!;
    w.writeVarint(ranges[i - 1]!.smallest - range.largest - 2);
    w.writeVarint(range.largest - range.smallest);
  }
  if (frame.ecn !== undefined) {
    w.writeVarint(frame.ecn.ect0);
    w.writeVarint(frame.ecn.ect1);
    w.writeVarint(frame.ecn.ce);
  }
}

/** Encoded size of an ACK frame. Throws `RangeError` on ranges {@link encodeAck} would reject. */
export function sizeOfAck(frame: AckFrame): number {
  const ranges = frame.ranges;
  checkRanges(ranges);
  const first = ranges[0]!;
  let size =
    1 +
    varintSize(first.largest) +
    varintSize(frame.ackDelay) +
    varintSize(ranges.length - 1) +
    varintSize(first.largest - first.smallest);
  for (let i = 1; i < ranges.length; i++) {
    const range = ranges[i]!;
    size += varintSize(ranges[i - 1]!.smallest - range.largest - 2) + varintSize(range.largest - range.smallest);
  }
  if (frame.ecn !== undefined) size += varintSize(frame.ecn.ect0) + varintSize(frame.ecn.ect1) + varintSize(frame.ecn.ce);
  return size;
}
