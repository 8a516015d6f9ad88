/**
 * Pacing (RFC 9002 §7.7): a token bucket that turns the congestion controller's pacing rate into a release time
 * for each datagram. The connection stamps the release time on the datagram; the I/O layer holds it until then.
 *
 * The first flight may leave as one burst of `initialBurstPackets` (the initial window, §7.7). After that the
 * bucket holds `burstPackets` datagrams, or one timer tick of sending at the current rate if that is more, so a
 * timer of `timerGranularity` ms can keep up at high rates while bursts stay short at low rates (short bursts are
 * what lets BBR keep the bottleneck queue small).
 *
 * Packets that carry only ACK frames SHOULD NOT be paced (§7.7): do not ask the pacer about them, but report
 * them with {@link Pacer.onSent} if they are in flight. Probes are not held back either; reporting them makes the
 * following datagrams wait their turn.
 *
 * @module
 */

/** Options of {@link Pacer}. */
export interface PacerOptions {
  /** The maximum datagram size in bytes. */
  readonly maxDatagramSize: number;
  /** Datagrams the first flight may send back to back (default 10, the initial window). */
  readonly initialBurstPackets?: number;
  /** Datagrams that may leave back to back once pacing has started (default 2). */
  readonly burstPackets?: number;
  /** The I/O layer's timer granularity in ms (default 1): the bucket holds at least one tick of sending. */
  readonly timerGranularity?: number;
}

/**
 * A leaky-bucket pacer. Rates are bytes per ms; times are ms.
 *
 * @example
 * ```ts
 * const release = pacer.nextReleaseTime(now, size, recovery.pacingRate());
 * sendAt(release, datagram);
 * pacer.onSent(release, size, recovery.pacingRate());
 * ```
 */
export class Pacer {
  private readonly burstBytes: number;
  private readonly granularity: number;
  private tokens: number;
  private lastUpdate: number | undefined = undefined;

  constructor(options: PacerOptions) {
    const mds = options.maxDatagramSize;
    if (!Number.isInteger(mds) || mds < 1) throw new RangeError(`maxDatagramSize must be a positive integer, got ${mds}`);
    const initial = options.initialBurstPackets ?? 10;
    if (!Number.isInteger(initial) || initial < 1) {
      throw new RangeError(`initialBurstPackets must be a positive integer, got ${initial}`);
    }
    const burst = options.burstPackets ?? 2;
    if (!Number.isInteger(burst) || burst < 1) throw new RangeError(`burstPackets must be a positive integer, got ${burst}`);
    const granularity = options.timerGranularity ?? 1;
    if (!(granularity >= 0) || !Number.isFinite(granularity)) {
      throw new RangeError(`timerGranularity must be a finite number >= 0, got ${granularity}`);
    }
    this.burstBytes = burst * mds;
    this.granularity = granularity;
    this.tokens = initial * mds;
  }

  /** The bucket size at `rate`: the burst allowance, or one timer tick of sending if larger. */
  capacity(rate: number): number {
    const tick = rate > 0 && Number.isFinite(rate) ? rate * this.granularity : 0;
    return Math.max(this.burstBytes, tick);
  }

  /**
   * The earliest time (>= `now`) a datagram of `bytes` may be released at `rate` bytes/ms. A rate that is not a
   * positive finite number disables pacing.
   */
  nextReleaseTime(now: number, bytes: number, rate: number): number {
    if (!(rate > 0) || !Number.isFinite(rate)) return now;
    const available = this.tokensAt(now, rate);
    const needed = Math.min(bytes, this.capacity(rate));
    if (available >= needed) return now;
    return now + (needed - available) / rate;
  }

  /** Records that `bytes` left at `time` (the release time actually used). */
  onSent(time: number, bytes: number, rate: number): void {
    const tokens = this.tokensAt(time, rate);
    this.lastUpdate = this.lastUpdate === undefined ? time : Math.max(this.lastUpdate, time);
    // Probes and unpaced packets may overdraw the bucket; cap the debt at one bucket so it is repaid quickly.
    this.tokens = Math.max(tokens - bytes, -this.capacity(rate));
  }

  private tokensAt(now: number, rate: number): number {
    const cap = this.capacity(rate);
    if (!(rate > 0) || !Number.isFinite(rate)) return Math.max(cap, this.tokens); // unpaced: always full
    // What is left of the initial burst is kept (not refilled) until it is spent.
    if (this.lastUpdate === undefined || this.tokens >= cap) return this.tokens;
    const elapsed = now > this.lastUpdate ? now - this.lastUpdate : 0;
    return Math.min(cap, this.tokens + elapsed * rate);
  }
}
