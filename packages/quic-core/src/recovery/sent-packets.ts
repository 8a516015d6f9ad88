/**
 * The per-space store of sent packets (RFC 9002 Appendix A.1 `sent_packets[pn_space]`).
 *
 * Packet numbers only grow within a space, so packets sit in an array in packet number order and are found by
 * binary search. Acknowledged and lost packets are marked rather than spliced out; dead entries at the front are
 * skipped at once and the middle is compacted when dead entries outnumber live ones, so the work per ACK is
 * bounded by the packets in flight (which congestion control bounds), not by the width of the acknowledged ranges.
 *
 * Declared-lost packets are kept for a while so that a late acknowledgment reveals a spurious loss
 * (RFC 9002 Appendix A.1: "the endpoint can still maintain state for it for an amount of time").
 *
 * @module
 */
import type { DeliveryRateFields, SentPacket, SentPacketInit } from './types.js';

/** Entry states. */
export const PacketState = {
  /** Sent, neither acknowledged nor lost: counts toward bytes in flight if in flight. */
  live: 0,
  /** Acknowledged. */
  acked: 1,
  /** Declared lost, kept to detect spurious losses. */
  lost: 2,
  /** Forgotten: keys discarded, or an untracked ACK-only packet. */
  gone: 3,
} as const;

/** One of {@link PacketState}'s values. */
export type PacketState = (typeof PacketState)[keyof typeof PacketState];

/** A sent packet as recovery tracks it; handed to the connection as a {@link SentPacket}. */
export class TrackedPacket<T> implements SentPacket<T> {
  readonly packetNumber: number;
  readonly timeSent: number;
  readonly size: number;
  readonly ackEliciting: boolean;
  readonly inFlight: boolean;
  readonly payload: T;
  readonly delivered: number;
  readonly deliveredTime: number;
  readonly firstSentTime: number;
  readonly isAppLimited: boolean;
  readonly txInFlight: number;
  readonly lost: number;
  /** Where the packet stands. */
  state: PacketState = PacketState.live;
  /** The congestion epoch in which it was declared lost (for spurious-loss undo). */
  lossEpoch = 0;
  /** An acknowledged packet with a smaller number was compacted away just before this entry. */
  ackedBefore = false;

  constructor(init: SentPacketInit<T>, rate: DeliveryRateFields) {
    this.packetNumber = init.packetNumber;
    this.timeSent = init.timeSent;
    this.size = init.size;
    this.ackEliciting = init.ackEliciting;
    this.inFlight = init.inFlight;
    this.payload = init.payload;
    this.delivered = rate.delivered;
    this.deliveredTime = rate.deliveredTime;
    this.firstSentTime = rate.firstSentTime;
    this.isAppLimited = rate.isAppLimited;
    this.txInFlight = rate.txInFlight;
    this.lost = rate.lost;
  }
}

/** The sent packets of one packet number space, in packet number order. */
export class SentPacketLedger<T> {
  private entries: TrackedPacket<T>[] = [];
  private head = 0;
  /** Live entries (state live). */
  liveCount = 0;
  /** Dead entries at or after `head` (acked, lost or gone). */
  private deadCount = 0;
  private compactAt = 64;
  /** Packet numbers of live packets that are not in flight (ACK-only), oldest first, for eviction. */
  private notInFlight: number[] = [];
  private notInFlightHead = 0;
  /** Live packets that are not in flight. */
  liveNotInFlight = 0;

  /** Index of the first entry (inclusive). */
  get start(): number {
    return this.head;
  }

  /** Index after the last entry. */
  get end(): number {
    return this.entries.length;
  }

  /** The entry at index `i` (`start <= i < end`). */
  at(i: number): TrackedPacket<T> {
    return this.entries[i] as TrackedPacket<T>;
  }

  /** Appends a packet; its number must exceed every number already stored (the caller checks). */
  push(packet: TrackedPacket<T>): void {
    this.entries.push(packet);
    this.liveCount++;
    if (!packet.inFlight) {
      this.notInFlight.push(packet.packetNumber);
      this.liveNotInFlight++;
    }
  }

  /** Index of the first entry whose packet number is `>= pn` (or `end`). */
  lowerBound(pn: number): number {
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as TrackedPacket<T>).packetNumber < pn) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Moves a live entry to `state` (acked, lost or gone). */
  kill(packet: TrackedPacket<T>, state: PacketState): void {
    if (packet.state === PacketState.live) {
      this.liveCount--;
      this.deadCount++;
      if (!packet.inFlight) this.liveNotInFlight--;
    }
    packet.state = state;
  }

  /**
   * The oldest live packet that is not in flight, removed from the eviction queue, or `undefined`. Used to bound
   * the ACK-only packets a peer never acknowledges.
   */
  oldestNotInFlight(): TrackedPacket<T> | undefined {
    while (this.notInFlightHead < this.notInFlight.length) {
      const pn = this.notInFlight[this.notInFlightHead++] as number;
      const i = this.lowerBound(pn);
      const e = this.entries[i];
      if (e !== undefined && e.packetNumber === pn && e.state === PacketState.live) return e;
    }
    return undefined;
  }

  /**
   * Drops dead entries that are no longer useful: acknowledged and forgotten ones, and lost ones sent before
   * `lostCutoff`. Keeps the work of later passes proportional to the live entries.
   */
  tidy(lostCutoff: number): void {
    const entries = this.entries;
    while (this.head < entries.length) {
      const e = entries[this.head] as TrackedPacket<T>;
      if (e.state === PacketState.live || (e.state === PacketState.lost && e.timeSent >= lostCutoff)) break;
      this.head++;
      this.deadCount--;
    }
    if (this.head === entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > entries.length) {
      this.entries = entries.slice(this.head);
      this.head = 0;
    }
    if (this.deadCount >= this.compactAt) this.compact(lostCutoff);
    if (this.notInFlightHead > 64 && this.notInFlightHead * 2 > this.notInFlight.length) {
      this.notInFlight = this.notInFlight.slice(this.notInFlightHead);
      this.notInFlightHead = 0;
    }
  }

  private compact(lostCutoff: number): void {
    const kept: TrackedPacket<T>[] = [];
    let ackedGap = false;
    let dead = 0;
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i] as TrackedPacket<T>;
      const keep = e.state === PacketState.live || (e.state === PacketState.lost && e.timeSent >= lostCutoff);
      if (keep) {
        if (ackedGap) e.ackedBefore = true;
        ackedGap = false;
        if (e.state !== PacketState.live) dead++;
        kept.push(e);
      } else if (e.state === PacketState.acked || e.ackedBefore) {
        ackedGap = true;
      }
    }
    this.entries = kept;
    this.head = 0;
    this.deadCount = dead;
    // Compact again after a few dead entries more: walks over dead entries (an ACK's ranges, loss detection)
    // stay short while the copying stays amortised (a sixteenth of the stored entries per compaction).
    this.compactAt = dead + 64 + ((this.liveCount + dead) >>> 4);
  }

  /** Forgets everything, returning the live entries (which the caller then marks gone). */
  drain(): TrackedPacket<T>[] {
    const live: TrackedPacket<T>[] = [];
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i] as TrackedPacket<T>;
      if (e.state === PacketState.live) live.push(e);
    }
    this.entries = [];
    this.head = 0;
    this.liveCount = 0;
    this.deadCount = 0;
    this.compactAt = 64;
    this.notInFlight = [];
    this.notInFlightHead = 0;
    this.liveNotInFlight = 0;
    return live;
  }

  /** Number of stored entries, live or dead (for tests of the memory bound). */
  get size(): number {
    return this.entries.length - this.head;
  }
}
