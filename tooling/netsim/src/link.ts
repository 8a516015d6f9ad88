import { resolveLinkConfig, type LinkConfig, type ResolvedLinkConfig } from './config.js';
import type { Random } from './random.js';
import { copyStats, createTrafficStats, type DropReason, type LinkStats, type TrafficStats } from './stats.js';
import type { TraceSink } from './trace.js';
import type { SocketAddress } from './types.js';

/** A datagram copy in flight. Internal to the simulator; exported for the simulator's own modules. */
export interface Datagram {
  /** Unique per copy (a duplicate gets its own). */
  readonly id: number;
  /** The simulator's own copy of the payload (corruption flips bits in it). */
  readonly data: Uint8Array;
  /** Source on the wire (after the sender's NAT). */
  readonly source: SocketAddress;
  /** Destination on the wire (a NAT's external address when the receiver sits behind one). */
  readonly destination: SocketAddress;
  /** The sending endpoint's counters. */
  readonly senderStats: TrafficStats;
  /** Position among the datagrams offered to the link, from 0. Set by the link. */
  index: number;
}

/** What a link needs from the simulator that owns it. */
export interface LinkHost {
  /** The trace callback, if any. */
  readonly trace: TraceSink | undefined;
  /** A fresh datagram id (for duplicates). */
  nextId(): number;
  /** Schedules `datagram` to reach the far end of `link` at `time`. */
  scheduleArrival(link: Link, datagram: Datagram, time: number): void;
}

/**
 * One direction of a link between two hosts: it decides, for each datagram offered at `now`, whether it is
 * dropped and why, when it arrives, and whether it is duplicated, corrupted or held back. Created by
 * `Simulator.link` / `Simulator.connect`; its settings can change mid-run with {@link Link.update}.
 */
export class Link {
  /** `'from->to'`, used in traces. */
  readonly name: string;
  /** The sending host's address. */
  readonly from: string;
  /** The receiving host's address. */
  readonly to: string;
  readonly #rng: Random;
  readonly #host: LinkHost;
  #input: LinkConfig;
  #config: ResolvedLinkConfig;
  readonly #stats: LinkStats;
  #offered = 0;
  /** When the serializer finishes the last admitted datagram. */
  #busyUntil = 0;
  /** Datagrams admitted but not yet started on the wire: start times and wire sizes, FIFO from `#head`. */
  #waitStart: number[] = [];
  #waitBytes: number[] = [];
  #head = 0;
  #queued = 0;
  /** Gilbert-Elliott state: true in the bad state. */
  #bad = false;
  /** Latest arrival so far, for `preserveOrder`. */
  #lastArrival = -Infinity;
  /** Highest offer index delivered so far, for out-of-order counting. */
  #maxDeliveredIndex = -1;

  /** @internal Use `Simulator.link`. */
  constructor(from: string, to: string, config: LinkConfig, rng: Random, host: LinkHost) {
    this.from = from;
    this.to = to;
    this.name = `${from}->${to}`;
    this.#input = { ...config };
    this.#config = resolveLinkConfig(config);
    this.#rng = rng;
    this.#host = host;
    this.#stats = { ...createTrafficStats(), deliveredOutOfOrder: 0, maxQueuedBytes: 0 };
  }

  /** The settings in force, defaults filled in. */
  get config(): ResolvedLinkConfig {
    return this.#config;
  }

  /**
   * Changes some settings from now on (e.g. from a `Simulator.at` action); fields not given keep their values.
   * Datagrams already in flight or queued are unaffected; the burst-loss state and the queue carry over.
   */
  update(changes: LinkConfig): void {
    const merged: LinkConfig = { ...this.#input, ...changes };
    this.#config = resolveLinkConfig(merged);
    this.#input = merged;
  }

  /** A snapshot of this direction's counters. */
  stats(): LinkStats {
    return copyStats(this.#stats);
  }

  /** Bytes waiting in the drop-tail queue at `now` (not counting the datagram being serialized). */
  queuedBytes(now: number): number {
    const starts = this.#waitStart;
    while (this.#head < starts.length && (starts[this.#head] as number) <= now) {
      this.#queued -= this.#waitBytes[this.#head] as number;
      this.#head++;
    }
    if (this.#head === starts.length && this.#head > 0) {
      this.#waitStart = [];
      this.#waitBytes = [];
      this.#head = 0;
      this.#queued = 0;
    }
    return this.#queued;
  }

  /** @internal Offers a datagram to the link at `now`; called by the simulator. */
  transmit(d: Datagram, now: number): void {
    const c = this.#config;
    const s = this.#stats;
    const size = d.data.length;
    const index = this.#offered++;
    d.index = index;
    s.sentDatagrams++;
    s.sentBytes += size;

    if (c.dropFilter !== undefined && c.dropFilter(d.data, index, now)) return this.recordDrop(d, 'filter', now);
    if (size > c.mtu) return this.recordDrop(d, 'mtu', now);
    for (const w of c.blackholes) {
      if (now >= w.from && now < w.to) return this.recordDrop(d, 'blackhole', now);
    }

    let departure = now;
    if (c.bandwidth !== Infinity) {
      const wire = size + c.overheadBytes;
      const start = this.#busyUntil > now ? this.#busyUntil : now;
      if (start > now) {
        const queued = this.queuedBytes(now);
        if (queued + wire > c.queueBytes) return this.recordDrop(d, 'queue', now);
        this.#waitStart.push(start);
        this.#waitBytes.push(wire);
        this.#queued = queued + wire;
        if (this.#queued > s.maxQueuedBytes) s.maxQueuedBytes = this.#queued;
      }
      departure = start + (wire * 1000) / c.bandwidth;
      this.#busyUntil = departure;
    }

    const rng = this.#rng;
    if (c.loss > 0 && rng.chance(c.loss)) return this.recordDrop(d, 'loss', now);
    const ge = c.burstLoss;
    if (ge !== undefined) {
      this.#bad = this.#bad ? !rng.chance(ge.pBadToGood) : rng.chance(ge.pGoodToBad);
      const p = this.#bad ? ge.lossBad : ge.lossGood;
      if (p > 0 && rng.chance(p)) return this.recordDrop(d, 'burst', now);
    }

    let copy: Datagram | undefined;
    if (c.duplicateProbability > 0 && rng.chance(c.duplicateProbability)) {
      copy = { ...d, id: this.#host.nextId(), data: d.data.slice() };
      s.duplicated++;
      d.senderStats.duplicated++;
      this.#host.trace?.({ kind: 'datagramDuplicated', time: now, id: d.id, copyId: copy.id, link: this.name });
    }
    this.#launch(d, departure, now);
    if (copy !== undefined) this.#launch(copy, departure, now);
  }

  /** Corruption, delay, jitter and reordering for one copy, then its arrival is scheduled. */
  #launch(d: Datagram, departure: number, now: number): void {
    const c = this.#config;
    const rng = this.#rng;
    const trace = this.#host.trace;
    if (c.corruptProbability > 0 && rng.chance(c.corruptProbability) && d.data.length > 0) {
      const bits = flipBits(d.data, c.corruptBits, rng);
      this.#stats.corrupted++;
      d.senderStats.corrupted++;
      trace?.({ kind: 'datagramCorrupted', time: now, id: d.id, link: this.name, bits });
    }
    let arrival = departure + c.delay;
    if (c.jitter > 0) arrival += rng.next() * c.jitter;
    if (c.preserveOrder) {
      if (arrival < this.#lastArrival) arrival = this.#lastArrival;
      this.#lastArrival = arrival;
    }
    if (c.reorderProbability > 0 && rng.chance(c.reorderProbability)) {
      arrival += c.reorderDelay;
      this.#stats.reordered++;
      d.senderStats.reordered++;
      trace?.({ kind: 'datagramReordered', time: now, id: d.id, link: this.name, holdMs: c.reorderDelay });
    }
    this.#host.scheduleArrival(this, d, arrival);
  }

  /** @internal Counts a drop on this link and on the sender, and traces it. */
  recordDrop(d: Datagram, reason: DropReason, now: number): void {
    const size = d.data.length;
    countDrop(this.#stats, reason, size);
    countDrop(d.senderStats, reason, size);
    this.#host.trace?.({ kind: 'datagramDropped', time: now, id: d.id, reason, link: this.name, size });
  }

  /** @internal Counts a delivery on this link and on the sender. */
  recordDelivery(d: Datagram): void {
    const size = d.data.length;
    const s = this.#stats;
    s.deliveredDatagrams++;
    s.deliveredBytes += size;
    d.senderStats.deliveredDatagrams++;
    d.senderStats.deliveredBytes += size;
    if (d.index < this.#maxDeliveredIndex) s.deliveredOutOfOrder++;
    else this.#maxDeliveredIndex = d.index;
  }
}

/** Adds one dropped datagram of `size` bytes to `stats`. */
export function countDrop(stats: TrafficStats, reason: DropReason, size: number): void {
  stats.droppedDatagrams++;
  stats.droppedBytes += size;
  stats.dropped[reason]++;
}

/**
 * Flips `count` distinct random bits of `data` in place (all of them when it has fewer) and returns their
 * positions in the order chosen; bit 0 is the most significant bit of byte 0.
 */
export function flipBits(data: Uint8Array, count: number, rng: Random): number[] {
  const total = data.length * 8;
  const n = Math.min(count, total);
  const chosen: number[] = [];
  if (n === total) {
    for (let b = 0; b < total; b++) chosen.push(b);
  } else {
    const seen = new Set<number>();
    while (chosen.length < n) {
      const b = rng.nextInt(total);
      if (seen.has(b)) continue;
      seen.add(b);
      chosen.push(b);
    }
  }
  for (const b of chosen) data[b >> 3] = (data[b >> 3] as number) ^ (0x80 >>> (b & 7));
  return chosen;
}
