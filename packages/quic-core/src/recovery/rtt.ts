/**
 * Round-trip time estimation (RFC 9002 §5 and Appendix A.7 `UpdateRtt`).
 *
 * @module
 */
import { kGranularity, kInitialRtt } from './types.js';

/** A read-only view of the RTT estimate, what congestion controllers and the pacer need. */
export interface RttView {
  /** The most recent RTT sample, in ms (latest_rtt); 0 before the first sample. */
  readonly latestRtt: number;
  /** The smoothed RTT in ms (smoothed_rtt); kInitialRtt (or the configured initial RTT) before the first sample. */
  readonly smoothedRtt: number;
  /** The RTT variation in ms (rttvar). */
  readonly rttvar: number;
  /** The minimum RTT seen, in ms, ignoring ack delay (min_rtt); 0 before the first sample. */
  readonly minRtt: number;
  /** The time the first RTT sample was taken (first_rtt_sample), or `undefined` before it. */
  readonly firstRttSample: number | undefined;
}

/**
 * The RTT estimator of one path: latest_rtt, min_rtt, smoothed_rtt and rttvar per RFC 9002 §5.
 *
 * smoothed_rtt and rttvar are updated in the order of Appendix A.7 (rttvar first, from the previous smoothed_rtt),
 * which RFC 9002 erratum 7539 confirms is the intended order for §5.3 too.
 *
 * @example
 * ```ts
 * const rtt = new RttEstimator();
 * rtt.updateRtt(120, 5, false, now); // first sample: smoothed 120, rttvar 60
 * rtt.pto(25, true);                 // smoothed + max(4 * rttvar, 1) + max_ack_delay
 * ```
 */
export class RttEstimator implements RttView {
  latestRtt = 0;
  smoothedRtt: number;
  rttvar: number;
  minRtt = 0;
  firstRttSample: number | undefined = undefined;
  private readonly initialRtt: number;

  /**
   * @param initialRtt - the RTT to assume before the first sample, in ms (kInitialRtt, 333, unless a resumed
   *   connection or a path challenge gives a better value, RFC 9002 §6.2.2).
   */
  constructor(initialRtt: number = kInitialRtt) {
    if (!(initialRtt > 0) || !Number.isFinite(initialRtt)) {
      throw new RangeError(`initialRtt must be a positive finite number of ms, got ${initialRtt}`);
    }
    this.initialRtt = initialRtt;
    this.smoothedRtt = initialRtt;
    this.rttvar = initialRtt / 2;
  }

  /** Whether at least one RTT sample has been taken. */
  get hasSample(): boolean {
    return this.firstRttSample !== undefined;
  }

  /**
   * Takes an RTT sample (RFC 9002 §5.1 and Appendix A.7 `UpdateRtt`).
   *
   * @param latestRtt - now minus the send time of the newly acknowledged largest packet, in ms.
   * @param ackDelay - the peer-reported ACK delay, decoded to ms (0 for Initial packets, whose ACKs are not delayed).
   * @param handshakeConfirmed - once true, `ackDelay` is capped by `maxAckDelay`.
   * @param now - the current time, recorded as first_rtt_sample on the first sample.
   * @param maxAckDelay - the peer's max_ack_delay transport parameter in ms.
   */
  updateRtt(latestRtt: number, ackDelay: number, handshakeConfirmed: boolean, now: number, maxAckDelay = 0): void {
    // A zero or negative interval (coarse or misbehaving clock) would poison the estimate and later divisions.
    const sample = latestRtt > 0 ? latestRtt : 0.001;
    this.latestRtt = sample;
    if (this.firstRttSample === undefined) {
      this.minRtt = sample;
      this.smoothedRtt = sample;
      this.rttvar = sample / 2;
      this.firstRttSample = now;
      return;
    }
    // min_rtt ignores acknowledgment delay.
    if (sample < this.minRtt) this.minRtt = sample;
    let delay = ackDelay > 0 ? ackDelay : 0;
    if (handshakeConfirmed && delay > maxAckDelay) delay = maxAckDelay;
    // Adjust for acknowledgment delay only if plausible: never below min_rtt.
    let adjustedRtt = sample;
    if (sample >= this.minRtt + delay) adjustedRtt = sample - delay;
    this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.smoothedRtt - adjustedRtt);
    this.smoothedRtt = 0.875 * this.smoothedRtt + 0.125 * adjustedRtt;
  }

  /**
   * The probe timeout period without backoff (RFC 9002 §6.2.1):
   * `smoothed_rtt + max(4 * rttvar, kGranularity) + max_ack_delay`, where max_ack_delay only counts when
   * `includeMaxAckDelay` (the Application Data space).
   */
  pto(maxAckDelay: number, includeMaxAckDelay: boolean): number {
    return this.smoothedRtt + Math.max(4 * this.rttvar, kGranularity) + (includeMaxAckDelay ? maxAckDelay : 0);
  }

  /**
   * After persistent congestion, RFC 9002 §5.2 says min_rtt SHOULD be set to the newest sample, so that a
   * lasting RTT increase does not keep declaring persistent congestion.
   */
  resetMinRtt(): void {
    if (this.firstRttSample !== undefined) this.minRtt = this.latestRtt;
  }

  /** Returns to the state before any sample (connection migration to a new path, RFC 9000 §9.4). */
  reset(initialRtt: number = this.initialRtt): void {
    this.latestRtt = 0;
    this.minRtt = 0;
    this.smoothedRtt = initialRtt;
    this.rttvar = initialRtt / 2;
    this.firstRttSample = undefined;
  }
}
