/**
 * The receive side of acknowledgments (RFC 9000 §13.2): which packet numbers arrived, duplicate detection, when an
 * ACK frame is due, and the content of the ACK frame.
 *
 * @module
 */
import type { AckRange } from '../wire/ack-range.js';
import { kDefaultMaxAckDelay, type PacketNumberSpace } from './types.js';

/** The ECN codepoint a packet arrived with (RFC 3168 names: Not-ECT, ECT(0), ECT(1), CE). */
export type EcnCodepoint = 'notEct' | 'ect0' | 'ect1' | 'ce';

/** Options of {@link ReceivedPacketTracker}. */
export interface ReceivedPacketTrackerOptions {
  /** The packet number space tracked: Initial and Handshake packets are acknowledged immediately. */
  readonly space: PacketNumberSpace;
  /** Our max_ack_delay transport parameter in ms, the longest an ACK of 1-RTT packets waits (default 25). */
  readonly maxAckDelay?: number;
  /**
   * The most ranges kept (default 32). Beyond it the smallest range is dropped and everything below it is then
   * treated as a duplicate (RFC 9000 §13.2.3): the defence against ACK-range exhaustion.
   */
  readonly maxRanges?: number;
  /** Ack-eliciting packets received before an ACK is sent at once (default 2, RFC 9000 §13.2.2). */
  readonly ackElicitingThreshold?: number;
}

/** The content of an ACK or ACK_ECN frame, ready for the frame encoder. */
export interface AckFrameContent {
  /** Ranges, descending; the first holds the largest received packet number. */
  readonly ranges: readonly AckRange[];
  /** The ACK Delay field: microseconds since the largest packet arrived, shifted right by the exponent. */
  readonly ackDelay: number;
  /** Cumulative ECN counts of this space, present once any packet arrived with an ECN codepoint. */
  readonly ecn?: { readonly ect0: number; readonly ect1: number; readonly ce: number };
}

interface MutableRange {
  smallest: number;
  largest: number;
}

/** Encodes an ACK delay in ms as the ACK Delay field for `exponent` (RFC 9000 §19.3). */
export function encodeAckDelay(delayMs: number, exponent: number): number {
  checkExponent(exponent);
  if (!(delayMs > 0)) return 0;
  const q = (delayMs * 1000) / 2 ** exponent;
  // Snap float noise (e.g. 24999.999999 for 25 ms) to the integer it stands for before truncating.
  const r = Math.round(q);
  return Math.abs(q - r) <= 1e-9 * Math.max(1, q) ? r : Math.floor(q);
}

/** Decodes the ACK Delay field to ms, given the peer's ack_delay_exponent (RFC 9000 §19.3). */
export function decodeAckDelay(field: number, exponent: number): number {
  checkExponent(exponent);
  if (!(field > 0)) return 0;
  return (field * 2 ** exponent) / 1000;
}

function checkExponent(exponent: number): void {
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > 20) {
    throw new RangeError(`ack_delay_exponent must be an integer in 0..20, got ${exponent}`);
  }
}

/**
 * Received packet numbers of one packet number space, kept as at most `maxRanges` ranges.
 *
 * Call {@link isDuplicate} before processing a decrypted packet, {@link onPacketReceived} after, {@link ackDeadline}
 * to schedule the ACK, {@link buildAck} and {@link onAckSent} when sending one, and {@link onAckFrameAcked} when
 * the peer acknowledges a packet that carried one.
 *
 * @example
 * ```ts
 * if (tracker.isDuplicate(pn)) return; // drop
 * tracker.onPacketReceived(pn, now, ackEliciting, ecn);
 * if ((tracker.ackDeadline() ?? Infinity) <= now) { const ack = tracker.buildAck(now, 3); ... tracker.onAckSent(); }
 * ```
 */
export class ReceivedPacketTracker {
  /** The tracked space. */
  readonly space: PacketNumberSpace;
  private readonly maxAckDelay: number;
  private readonly maxRanges: number;
  private readonly threshold: number;
  /** Descending, disjoint, non-adjacent. */
  private ranges: MutableRange[] = [];
  /** Packet numbers below this are treated as duplicates. */
  private minTracked = 0;
  private largestReceivedValue = -1;
  private largestReceivedTime = 0;
  private largestAckEliciting = -1;
  private unackedAckEliciting = 0;
  private immediateSince: number | undefined = undefined;
  private delayedDeadline: number | undefined = undefined;
  private newPackets = false;
  private readonly ecnCounts = { ect0: 0, ect1: 0, ce: 0 };

  constructor(options: ReceivedPacketTrackerOptions) {
    this.space = options.space;
    const delay = options.maxAckDelay ?? kDefaultMaxAckDelay;
    if (!(delay >= 0) || !Number.isFinite(delay)) throw new RangeError(`maxAckDelay must be finite and >= 0, got ${delay}`);
    this.maxAckDelay = options.space === 'application' ? delay : 0;
    this.maxRanges = options.maxRanges ?? 32;
    if (!Number.isInteger(this.maxRanges) || this.maxRanges < 1) {
      throw new RangeError(`maxRanges must be a positive integer, got ${this.maxRanges}`);
    }
    this.threshold = options.ackElicitingThreshold ?? 2;
    if (!Number.isInteger(this.threshold) || this.threshold < 1) {
      throw new RangeError(`ackElicitingThreshold must be a positive integer, got ${this.threshold}`);
    }
  }

  /** The largest packet number received, or -1. */
  get largestReceived(): number {
    return this.largestReceivedValue;
  }

  /** The number of ranges currently tracked. */
  get rangeCount(): number {
    return this.ranges.length;
  }

  /** Whether `pn` was already received, or lies below what is still tracked (then it is treated as received). */
  isDuplicate(pn: number): boolean {
    if (pn < this.minTracked) return true;
    const ranges = this.ranges;
    if (ranges.length === 0 || pn > (ranges[0] as MutableRange).largest) return false;
    return this.indexOf(pn) >= 0;
  }

  /**
   * Records a received packet (after successful decryption). Returns `false`, recording nothing, for a
   * duplicate.
   *
   * @param ackEliciting - whether the packet held an ack-eliciting frame.
   * @param ecn - the ECN codepoint of the IP header.
   */
  onPacketReceived(pn: number, now: number, ackEliciting: boolean, ecn: EcnCodepoint = 'notEct'): boolean {
    if (!Number.isSafeInteger(pn) || pn < 0) throw new RangeError(`packet number must be a safe integer >= 0, got ${pn}`);
    if (this.isDuplicate(pn)) return false;
    const containing = this.insert(pn);
    if (pn > this.largestReceivedValue) {
      this.largestReceivedValue = pn;
      this.largestReceivedTime = now;
    }
    if (ecn !== 'notEct') this.ecnCounts[ecn]++;
    this.newPackets = true;
    if (!ackEliciting) return true;

    this.unackedAckEliciting++;
    const previous = this.largestAckEliciting;
    let immediate =
      this.space !== 'application' || ecn === 'ce' || this.unackedAckEliciting >= this.threshold || this.maxAckDelay === 0;
    if (previous >= 0) {
      if (pn < previous) {
        immediate = true; // out of order: smaller than an ack-eliciting packet already received
      } else if (containing !== undefined && containing.smallest > previous + 1 && containing.smallest > this.minTracked) {
        immediate = true; // a new gap below this packet
      }
    }
    if (pn > previous) this.largestAckEliciting = pn;
    if (immediate) {
      this.immediateSince ??= now;
    } else {
      this.delayedDeadline ??= now + this.maxAckDelay;
    }
    return true;
  }

  /**
   * When an ACK frame must be sent: a time `<= now` when one is due at once, the max_ack_delay deadline, or
   * `undefined` when no ack-eliciting packet awaits acknowledgment.
   */
  ackDeadline(): number | undefined {
    if (this.unackedAckEliciting === 0) return undefined;
    return this.immediateSince ?? this.delayedDeadline;
  }

  /** Whether packets arrived since the last ACK was sent, so an ACK may be bundled into an outgoing packet. */
  ackPending(): boolean {
    return this.newPackets && this.ranges.length > 0;
  }

  /**
   * The content of an ACK frame for now, or `undefined` if nothing is tracked.
   *
   * @param ackDelayExponent - the exponent to encode ACK Delay with (our ack_delay_exponent; 3 by default).
   */
  buildAck(now: number, ackDelayExponent: number): AckFrameContent | undefined {
    if (this.ranges.length === 0) return undefined;
    const ranges: AckRange[] = this.ranges.map((r) => ({ smallest: r.smallest, largest: r.largest }));
    const ackDelay = encodeAckDelay(now - this.largestReceivedTime, ackDelayExponent);
    const e = this.ecnCounts;
    if (e.ect0 + e.ect1 + e.ce === 0) return { ranges, ackDelay };
    return { ranges, ackDelay, ecn: { ect0: e.ect0, ect1: e.ect1, ce: e.ce } };
  }

  /** An ACK frame built from this tracker was sent: nothing is due until new packets arrive. */
  onAckSent(): void {
    this.unackedAckEliciting = 0;
    this.immediateSince = undefined;
    this.delayedDeadline = undefined;
    this.newPackets = false;
  }

  /**
   * The peer acknowledged a packet carrying our ACK frame whose largest acknowledged was `largestAcked`: ranges up
   * to it need not be acknowledged again (RFC 9000 §13.2.4), and packets up to it are then treated as duplicates.
   */
  onAckFrameAcked(largestAcked: number): void {
    const ranges = this.ranges;
    while (ranges.length > 0) {
      const last = ranges[ranges.length - 1] as MutableRange;
      if (last.largest <= largestAcked) {
        ranges.pop();
      } else {
        if (last.smallest <= largestAcked) last.smallest = largestAcked + 1;
        break;
      }
    }
    if (largestAcked + 1 > this.minTracked) this.minTracked = largestAcked + 1;
  }

  /** Index of the range holding `pn`, or -1. */
  private indexOf(pn: number): number {
    const ranges = this.ranges;
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = ranges[mid] as MutableRange;
      if (pn > r.largest) hi = mid - 1;
      else if (pn < r.smallest) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  /** Inserts a new packet number; returns the range now holding it (undefined if it was dropped at once). */
  private insert(pn: number): MutableRange | undefined {
    const ranges = this.ranges;
    const first = ranges[0];
    if (first === undefined || pn > first.largest + 1) {
      const r = { smallest: pn, largest: pn };
      ranges.unshift(r);
      this.enforceLimit();
      return ranges[0] === r ? r : undefined;
    }
    if (pn === first.largest + 1) {
      first.largest = pn;
      return first;
    }
    // Out of order: find the first range (descending) whose smallest is below pn.
    let i = 0;
    while (i < ranges.length && (ranges[i] as MutableRange).smallest > pn) i++;
    const above = i > 0 ? (ranges[i - 1] as MutableRange) : undefined; // smallest > pn
    const below = ranges[i]; // largest < pn (pn is not a duplicate)
    const joinsAbove = above !== undefined && above.smallest === pn + 1;
    const joinsBelow = below !== undefined && below.largest === pn - 1;
    if (joinsAbove && joinsBelow) {
      (above as MutableRange).smallest = (below as MutableRange).smallest;
      ranges.splice(i, 1);
      return above;
    }
    if (joinsAbove) {
      (above as MutableRange).smallest = pn;
      return above;
    }
    if (joinsBelow) {
      (below as MutableRange).largest = pn;
      return below;
    }
    const r = { smallest: pn, largest: pn };
    ranges.splice(i, 0, r);
    this.enforceLimit();
    return ranges.includes(r) ? r : undefined;
  }

  private enforceLimit(): void {
    while (this.ranges.length > this.maxRanges) {
      const dropped = this.ranges.pop() as MutableRange;
      if (dropped.largest + 1 > this.minTracked) this.minTracked = dropped.largest + 1;
    }
  }
}
